/** Public shapes of the sandbox registry. The `sandbox` and `demo` commands and many tests build on these. */

export interface SandboxUser {
  name: string
  password: string
}

export interface SandboxRule {
  /** A user name, or '*' for everyone including anonymous clients. */
  who: string
  /** Glob over the repository name ('library/*', '*', 'team/*'); 'catalog' with type registry is matched by '*'. */
  repo: string
  /** pull, push, delete, or '*' (which also grants registry:catalog:*). */
  actions: string[]
}

/** Each switch reproduces a failure users meet with real registries. */
export interface SandboxSwitches {
  /** Tokens are issued already expired, beyond the registry's 60 s leeway. */
  expiredTokens?: boolean
  /** Tokens carry an empty `access` list whatever the rules say. */
  noAccess?: boolean
  /** Tokens name another service in `aud`, so the registry rejects them as invalid. */
  wrongAudience?: boolean
  /** The registry asks for Basic credentials (htpasswd-like); there is no token server. */
  basicOnly?: boolean
  /** No authentication at all. */
  open?: boolean
  /** The realm names this host instead of the listening address (e.g. 'localhost'). */
  realmHost?: string
  /** The realm is served over plain HTTP while the registry is HTTPS. */
  realmPlainHttp?: boolean
  /** Manifest GET/HEAD answer 429 TOOMANYREQUESTS with Docker Hub's rate-limit headers. */
  rateLimit?: boolean
  /** The token server waits this long before answering. */
  slowTokenMs?: number
  /**
   * The token server's clock runs this many seconds ahead of the registry's (its Date header and the tokens'
   * iat/nbf/exp): past the registry's 60 s leeway, its tokens are not valid yet when they arrive.
   */
  clockAheadSeconds?: number
}

export interface SandboxOptions {
  /** Listening address, default '127.0.0.1'. */
  host?: string
  /** Registry port, default 0 (ephemeral). */
  port?: number
  /** Token server port, default 0 (ephemeral). */
  tokenPort?: number
  /** Serve HTTPS with a CA generated at start. */
  tls?: boolean
  users?: SandboxUser[]
  rules?: SandboxRule[]
  /** Default 'regprobe-sandbox'. */
  service?: string
  /** Default 'regprobe-sandbox-issuer'. */
  issuer?: string
  /** Default 300. */
  tokenTtlSeconds?: number
  switches?: SandboxSwitches
  /** Seed library/hello and team/app with a small image, default true. */
  seed?: boolean
  /** Default page size of tags/list and _catalog when the client sends no `n`. */
  pageSize?: number
}

export interface SandboxStats {
  requests: number
  connections: number
  openUploads: number
  tokenRequests: number
}

export interface Sandbox {
  /** 'http://127.0.0.1:PORT' or 'https://…'. */
  registryUrl: string
  /** '127.0.0.1:PORT' ('[::1]:PORT' for IPv6). */
  registryHost: string
  /** The realm URL ('' in basicOnly and open modes, where there is no token server). */
  tokenUrl: string
  /** The CA that signed the TLS certificate (tls mode). */
  caPem?: string
  /** caPem written to a temporary file, removed by close() (tls mode). */
  caPath?: string
  /** Certificate of the JWT signing key, for a real registry's `rootcertbundle`. */
  signingCertPem: string
  service: string
  issuer: string
  users: SandboxUser[]
  rules: SandboxRule[]
  stats(): SandboxStats
  close(): Promise<void>
}

/** One entry of a JWT `access` claim, and of a parsed scope. */
export interface AccessEntry {
  type: string
  name: string
  actions: string[]
}
