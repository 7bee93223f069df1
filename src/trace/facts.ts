/**
 * The facts of each stage, as values (the renderer formats units): seconds as numbers (milliseconds where the name
 * says Ms), flags as booleans, times as ISO 8601 strings, null where the server sent none. Every field is optional:
 * a skipped step carries `{}`. These comments are the `--json` documentation (schema/trace.schema.json).
 */
import type {LookupRow} from '../credentials/types.js'

/** A host's network path, per address family: checked when a connection was refused or unreachable. */
export interface NetworkFacts {
  /** host:port checked (host alone when its name did not resolve). */
  host: string
  /** Why the name did not resolve (set instead of ipv4/ipv6). */
  lookup?: string
  /** IPv4 addresses and what connecting to them did: "ADDR → connects (N ms)", "ADDR → ECONNREFUSED" or "no address". */
  ipv4?: string
  /** IPv6 addresses and what connecting to them did, in the same form as ipv4. */
  ipv6?: string
  /** The same per family, as values. */
  families?: {ipv4: NetworkFamilyFacts; ipv6: NetworkFamilyFacts}
}

/** One address family of a host: its addresses and what connecting to the first one did. */
export interface NetworkFamilyFacts {
  /** The addresses the name resolved to in this family (empty: none). */
  addresses: string[]
  /** A connection was made (absent when there was no address to try). */
  connects?: boolean
  /** Milliseconds the connection took, when it was made. */
  connectMs?: number
  /** Why the connection failed: ECONNREFUSED, ENETUNREACH, ETIMEDOUT… */
  error?: string
}

/** The certificate chain a server presented, read without verification when its certificate was refused. */
export interface PresentedChainFacts {
  /** The certificates sent, leaf first. */
  certificates: Array<{subject: string; issuer: string; /** @format date-time */ validTo: string}>
  /** The issuer of the last certificate sent: the CA the client must trust. */
  anchor: string
  /** A vendor of TLS-intercepting proxies named in the chain (Zscaler, Netskope…), when there is one. */
  interceptor?: string
}

/** How the failing client (docker, podman, containerd) sees this registry: its certs.d, insecure list and mirrors. */
export interface HostViewFacts {
  /** The client judged as: docker, podman, containerd… */
  client?: string
  /** The registry as that client names it (host[:port], docker.io for Docker Hub). */
  registry?: string
  /** Where the docker daemon runs and how that was found. */
  daemon?: {kind: 'local' | 'rootless' | 'remote' | 'desktop' | 'unknown'; endpoint: string; from: string}
  /** The client treats the registry as insecure (plain HTTP, or HTTPS without verification). */
  insecure?: boolean
  /** Why the client treats it as secure or insecure (the file and setting that decided). */
  why?: string
  /** The certificate directory the client reads for this registry. */
  certsDir?: string
  /** CA files found in that directory. */
  caFiles?: string[]
  /** Client certificates (NAME.cert) found in that directory. */
  clientCertificates?: string[]
  /** Every certificate directory the client would look in, in order. */
  certsSearched?: string[]
  /** Registry mirrors the client pulls through. */
  mirrors?: string[]
  /** Command-line flags that override the client's own configuration. */
  overrides?: string[]
}

/** The TLS session of the probe's answer. */
export interface ProbeTlsFacts {
  /** Negotiated protocol, e.g. TLSv1.3. */
  version: string
  /** Negotiated ALPN protocol (h2, http/1.1). */
  alpn?: string
  /** Issuer of the registry's certificate. */
  issuer?: string
  /**
   * End of the certificate's validity.
   * @format date-time
   */
  validTo?: string
}

/** A WWW-Authenticate challenge as sent: its scheme and parameters. */
export interface ChallengeParams {
  /** Lower-cased scheme: bearer, basic… */
  scheme: string
  /** Lower-cased parameter names with their values (realm, service, scope, error…). */
  params: Record<string, string>
}

/** Facts of the probe step (GET /v2/). */
export interface ProbeFacts {
  /** The /v2/ URL asked last. */
  url?: string
  /** The scheme that answered (or was tried last). */
  scheme?: 'http' | 'https'
  /** Transport failure code when nothing answered (refused, dns, timeout, tls.unknown-ca…). */
  error?: string
  /** The certificate chain the server presented when it was refused, as "subject ← issuer (N certificates sent)". */
  presented?: string
  /** The same chain as values. */
  presentedChain?: PresentedChainFacts
  /** The registry host's network path per address family, when the connection failed before any answer. */
  network?: NetworkFacts
  /** HTTP status of /v2/. */
  status?: number
  /** Docker-Distribution-Api-Version header; null when the registry sent none. */
  apiVersion?: string | null
  /** The registry's clock minus this machine's, in seconds, from its Date header. */
  clockSkew?: number
  /** RateLimit-Limit header as sent (Docker Hub: "100;w=21600"). */
  'ratelimit-limit'?: string
  /** RateLimit-Remaining header as sent. */
  'ratelimit-remaining'?: string
  /** Docker-RateLimit-Source header as sent (the address or account the limit counts). */
  'docker-ratelimit-source'?: string
  /** Warning header as sent. */
  warning?: string
  /** The TLS session, over HTTPS. */
  tls?: ProbeTlsFacts
  /** The auth scheme a client would answer: none (open registry), bearer, basic, or another as sent. */
  auth?: string
  /** Every challenge of WWW-Authenticate, in order. */
  challenges?: ChallengeParams[]
  /** The Bearer challenge's realm (the token server URL). */
  realm?: string
  /** The Bearer challenge's service (the audience the registry expects). */
  service?: string
  /** One line: what the failing client adds for this registry (its CA files, insecure flag, overrides). */
  uses?: string
  /** The failing client's view of this registry. */
  hostView?: HostViewFacts
}

/** A resource scope parsed: type, name and actions. */
export interface ScopeFacts {
  /** Resource type: repository, registry… */
  type: string
  /** The deprecated resource class: plugin in repository(plugin). */
  resourceClass?: string
  /** Resource name: the repository, or catalog. */
  name: string
  /** Actions: pull, push, delete, *. */
  actions: string[]
}

/** A challenge as met on a request. */
export interface ChallengeDescription {
  /** Lower-cased scheme: bearer, basic… */
  scheme: string
  /** Where to get a token (Bearer) or the Basic realm's name. */
  realm?: string
  /** The service: the token's audience. */
  service?: string
  /** The scope the registry names, as sent. */
  scope?: string
  /** error parameter: invalid_token, insufficient_scope… */
  error?: string
  /** error_description parameter as sent. */
  error_description?: string
  /** The scope, parsed. */
  scopeParsed?: ScopeFacts[]
}

/** A resource request that met no challenge. */
export interface NoChallenge {
  /** HTTP status of the request (absent when it got no answer). */
  status?: number
  /** Always null: the answer carried no challenge. */
  challenge: null
}

/** Facts of the challenge step (and of the listing's own challenge for catalog and tags). */
export interface ChallengeFacts {
  /** The /v2/ challenge (the registry-level one). */
  registry?: ChallengeDescription
  /** The challenge met by a pull (HEAD of the manifest). */
  pull?: ChallengeDescription | NoChallenge
  /** The challenge met by a push (start of a blob upload, cancelled). */
  push?: ChallengeDescription | NoChallenge
  /** Scopes a client requests, from the resource challenges or derived from the reference and actions. */
  scopes?: string[]
  /** True when the scopes were derived from the reference, as docker does, without resource requests. */
  derived?: boolean
  /** The token URL a client would call next (Bearer only). */
  tokenUrl?: string
  /** catalog/tags: the listing URL asked without credentials. */
  url?: string
  /** catalog/tags: HTTP status of that request. */
  status?: number
  /** catalog/tags: the challenge on the listing itself. */
  challenge?: {scheme: string; realm?: string; service?: string; scope?: string}
}

/** Where the credential used came from; a path or variable name, never a value. */
export interface CredentialSourceFacts {
  /** flag, env, docker-config, helper, auth-file or pull-secret. */
  type: 'flag' | 'env' | 'docker-config' | 'helper' | 'auth-file' | 'pull-secret'
  /** The file or variable read. */
  location: string
  /** The key that matched in that file. */
  key?: string
  /** The credential helper that was run. */
  helper?: string
}

/** Facts of the credentials step (every command), and of logout's removal. */
export interface CredentialsFacts {
  /** The place of the row that won; null when no credentials were found. */
  winner?: string | null
  /** Every place looked at, in order, with what was found there (secrets redacted). */
  rows?: LookupRow[]
  /** The credential used: its kind, user name and source (never the secret). */
  credential?: {kind: 'basic' | 'identity-token' | 'registry-token'; username?: string; source: CredentialSourceFacts}
  /** logout: the config.json key removed. */
  key?: string
  /** logout: the file it was removed from. */
  path?: string
  /** logout: where the entry lived: auths in config.json, a credential helper, or podman's auth file. */
  where?: 'helper' | 'auths' | 'auth-file'
  /** logout: an entry was removed (false: there was none). */
  removed?: boolean
  /** logout: the credential helper the entry was erased from. */
  helper?: string
}

export * from './facts-steps.js'
