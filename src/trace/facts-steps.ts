/** Facts of the token, login, access, listing and daemon steps (the rest is in facts.ts). */
import type {DockerErrorStage} from '../daemon/docker-error.js'
import type {NetworkFacts, ScopeFacts} from './facts.js'
import type {RedactedSecret} from './types.js'

/** The JWT's claims that a registry checks (times are seconds since the epoch). */
export interface JwtClaimsFacts {
  /** Issuer: must be the registry's auth.token.issuer. */
  iss?: string
  /** Subject: the account. */
  sub?: string
  /** Audience: must be the registry's service. */
  aud?: string | string[]
  /** Expiry, seconds since the epoch. */
  exp?: number
  /** Not before, seconds since the epoch. */
  nbf?: number
  /** Issued at, seconds since the epoch. */
  iat?: number
  /** Token id. */
  jti?: string
}

/** What was asked for one resource against what the token grants. */
export interface ScopeComparisonFacts {
  /** Resource type: repository, registry… */
  type: string
  /** Resource name. */
  name: string
  /** Actions asked for. */
  requested: string[]
  /** Actions the token's access claim grants. */
  granted: string[]
  /** Actions asked for and not granted. */
  missing: string[]
}

/** Facts of the token step: seconds as numbers, flags as booleans, times as ISO 8601 strings. */
export interface TokenFacts {
  /** How the token was asked for: GET (basic or anonymous) or POST (OAuth2 form). */
  method?: string
  /** HTTP status of the token server's answer when it gave no token. */
  status?: number
  /** The token server URL (the challenge's realm). */
  realm?: string
  /** The service asked for (the token's audience). */
  service?: string
  /** Scopes asked for; empty for docker login, which asks for no scope. */
  requested?: string[]
  /** The token, redacted: kind, length and a fingerprint. */
  token?: string
  /** The answer's field that held the token: token or access_token. */
  field?: string
  /** The refresh token, redacted, when the server sent one (docker stores it as the identity token). */
  refreshToken?: string
  /** Seconds the token lives, from expires_in (60 when the server sent none: see expiresInAbsent). */
  expiresIn?: number
  /** The server sent no expires_in, so clients assume 60 seconds. */
  expiresInAbsent?: boolean
  /** issued_at as the server sent it (RFC 3339). */
  issuedAt?: string
  /** Seconds the token server's Date header is ahead of this machine's clock (negative: behind). */
  serverClockSkew?: number
  /** Seconds the registry's Date header is ahead of this machine's clock (negative: behind). */
  registryClockSkew?: number
  /** "JWT alg=… [kid] [x5c] [jwk]" or "opaque (not a JWT)": a summary of the values in jwt and jwtHeader. */
  format?: string
  /** The token is a JWT (false: opaque, what it grants can only be judged by using it). */
  jwt?: boolean
  /** The JWT header (absent for an opaque token): the key the registry must trust (alg, kid, x5c or jwk). */
  jwtHeader?: {alg: string | null; kid: string | null; x5c: boolean; jwk: boolean}
  /** The JWT's claims a registry checks. */
  claims?: JwtClaimsFacts
  /** The JWT's access claim as sent (well-formed entries only); null when it has none. */
  access?: ScopeFacts[] | null
  /** Per resource asked for: what was requested, granted and missing. */
  comparison?: ScopeComparisonFacts[]
  /** The realm host's network path, when the token server could not be reached. */
  network?: NetworkFacts
}

/** Facts of the login step (docker login's GET /v2/ with the credentials). */
export interface LoginFacts {
  /** docker's config.json key for this registry (https://index.docker.io/v1/ for Docker Hub). */
  configKey?: string
  /** "Login Succeeded" exactly when docker would print it. */
  result?: string
  /** What docker would write to config.json, secrets shown as placeholders. */
  dockerWouldStore?: string
  /** What docker would store: the password, the identity token in its place, or the credential as it was found. */
  dockerStores?: 'password' | 'identity-token' | 'as-found'
  /** The refresh token docker would store as its identity token, redacted; null when the token server sent none (docker stores the password). */
  identityToken?: string | null
  /** docker's own error line for a failed login ("login attempt to … failed with status: …"). */
  docker?: string
}

/** One action proven by the access step. */
export interface AccessResultFacts {
  /** pull (HEAD of the manifest) or push (a blob upload opened and cancelled). */
  action: 'pull' | 'push'
  /** The registry allowed it. */
  ok: boolean
  /** HTTP status that decided (absent when nothing answered). */
  status?: number
}

/** Rate-limit headers of the manifest answer, as sent. */
export interface RateLimitFacts {
  /** RateLimit-Limit header (Docker Hub: "100;w=21600"). */
  'ratelimit-limit'?: string
  /** RateLimit-Remaining header: 0 means docker's next pull (a GET) is refused. */
  'ratelimit-remaining'?: string
  /** Docker-RateLimit-Source header: the address or account counted. */
  'docker-ratelimit-source'?: string
  /** Pulls allowed per window, from RateLimit-Limit. */
  limit?: number
  /** Seconds of the window, from RateLimit-Limit's w= (21600: 6 hours). */
  windowS?: number
  /** Pulls left in this window, from RateLimit-Remaining: 0 means docker's next pull (a GET) is refused. */
  remaining?: number
}

/** One request of the blob download (doctor --blob), registry first, then each redirect. */
export interface BlobHopFacts {
  /** host[:port] asked. */
  host: string
  /** The request carried an Authorization header. */
  authorization: boolean
  /** HTTP status of the answer (absent when nothing answered). */
  status?: number
  /** Transport failure code when nothing answered. */
  error?: string
}

/** Facts of the access step (doctor: pull and push proven without changing anything). */
export interface AccessFacts {
  /** Per action proven: allowed or not, with the status that decided. */
  results?: AccessResultFacts[]
  /** Rate-limit headers of the manifest answer. */
  rateLimit?: RateLimitFacts
  /** Docker-Content-Digest of the manifest. */
  digest?: string
  /** Content-Type of the manifest. */
  mediaType?: string
  /** The empty upload session opened to prove push was cancelled. */
  uploadCancelled?: boolean
  /** doctor --blob: the digest of the blob fetched. */
  blob?: string
  /** doctor --blob: the hops of the blob download, as "host (with|no Authorization) → status; …" (blobHops has the values). */
  blobPath?: string
  /** doctor --blob: each request of the blob download, registry first, then each redirect. */
  blobHops?: BlobHopFacts[]
}

/** One page of a listing. */
export interface PageFacts {
  /** Page number, from 1. */
  page: number
  /** URL of the page. */
  url: string
  /** HTTP status of the page (absent when nothing answered). */
  status?: number
  /** Names on the page. */
  items: number
}

/** Facts of a listing step (catalog, tags). */
export interface ListFacts {
  /** The scope a client asks for (registry:catalog:* or repository:NAME:pull). */
  scope?: string
  /** Names read. */
  count?: number
  /** The last page said there is no next one. */
  complete?: boolean
  /** The names read, in the registry's order. */
  items?: string[]
  /** Every page read. */
  pages?: PageFacts[]
}

/** Facts of the catalog step (the catalog command; compare's anonymous catalog check sets outcome, status, detail). */
export interface CatalogFacts extends ListFacts {
  /** compare: whether the catalog is offered to an anonymous client. */
  outcome?: 'offered' | 'refused' | 'unsupported' | 'rate-limited' | 'failed' | 'not-tried'
  /** compare: HTTP status of the catalog GET that decided. */
  status?: number
  /** compare: why, in a few words (the refusal, the transport error). */
  detail?: string
  /** compare: the catalog URL asked. */
  url?: string
}

/** Facts of the tags step (GET /v2/NAME/tags/list). */
export type TagsFacts = ListFacts

/** Facts of the docker-error step (doctor --docker-error TEXT): where docker's own message belongs. */
export interface DockerErrorFacts {
  /** The stage and stable code docker's message maps to; null when regprobe does not know the message. */
  mapped?: {stage: DockerErrorStage; code: string} | null
  /** regprobe's own stages failed at the same stage as docker. */
  reproduced?: boolean
}

/** A registry as the daemon's /info lists it (IndexConfigs). */
export interface DaemonRegistryFacts {
  /** host[:port], or docker.io. */
  name: string
  /** False when the daemon treats it as insecure. */
  secure: boolean
  /** Docker Hub. */
  official: boolean
  /** Mirrors the daemon uses for it. */
  mirrors: string[]
}

/** Facts of the daemon step: the daemon's registry view (GET /info), or its login (POST /auth). */
export interface DaemonFacts {
  /** The daemon's address (a unix socket path or host:port). */
  endpoint?: string
  /** The daemon's version. */
  serverVersion?: string
  /** The daemon's default index (Docker Hub's v1 URL). */
  indexServerAddress?: string
  /** Registries the daemon treats as insecure (insecure-registries). */
  insecureRegistries?: string[]
  /** Address ranges the daemon treats as insecure (127.0.0.0/8 by default). */
  insecureRegistryCIDRs?: string[]
  /** registry-mirrors. */
  mirrors?: string[]
  /** The daemon's HTTP proxy (its password masked by the daemon). */
  httpProxy?: string
  /** The daemon's HTTPS proxy (its password masked by the daemon). */
  httpsProxy?: string
  /** The daemon's NO_PROXY. */
  noProxy?: string
  /** Every registry the daemon has settings for. */
  registries?: DaemonRegistryFacts[]
  /** login --via-daemon: the request sent (the password is never recorded). */
  request?: {method: 'POST'; path: '/auth'; username: string; serveraddress: string}
  /** login --via-daemon: HTTP status of POST /auth. */
  httpStatus?: number
  /** login --via-daemon: the daemon's Status ("Login Succeeded"). */
  status?: string
  /** login --via-daemon: the daemon's error text, secrets stripped. */
  message?: string
  /** login --via-daemon: the identity token the daemon returned, redacted. */
  identityToken?: RedactedSecret
}
