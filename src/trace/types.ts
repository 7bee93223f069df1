/**
 * The trace model: every command builds a Trace and hands it to a renderer.
 * Schema "regprobe/trace@1": adding a field is fine, renaming or removing one is a breaking change.
 * Everything stored here is already redacted (see src/http/redact.ts).
 */

export const TRACE_SCHEMA = 'regprobe/trace@1' as const

export type StageName =
  | 'probe'
  | 'challenge'
  | 'credentials'
  | 'token'
  | 'login'
  | 'access'
  | 'catalog'
  | 'tags'
  | 'daemon'
  | 'docker-error'

export type StepStatus = 'ok' | 'warn' | 'fail' | 'skip'
export type Severity = 'info' | 'warn' | 'error'

/** Stable exit codes (README "Exit codes"). */
export const ExitCode = {
  OK: 0,
  INTERNAL: 1,
  USAGE: 2,
  UNREACHABLE: 3,
  TLS: 4,
  PROTOCOL: 5,
  AUTHENTICATION: 6,
  DENIED: 7,
  NOT_FOUND: 8,
  RATE_LIMITED: 9,
  UNSUPPORTED: 10,
} as const
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]

export interface Finding {
  /** Stable dotted code, e.g. "token.scope.missing-action". */
  code: string
  severity: Severity
  message: string
  fix?: string
  /** Which exit code this finding implies when it decides the verdict (errors only). */
  exitCode?: ExitCodeValue
  /** Where it was seen: an exchange index within the step, a header, a claim. */
  evidence?: string
}

export interface RedactedSecret {
  redacted: true
  kind: 'jwt' | 'opaque' | 'basic' | 'password'
  length: number
  /** First 8 hex chars of SHA-256 of the secret, so two tokens can be compared. */
  sha256: string
}

export interface RecordedBody {
  contentType?: string
  bytes: number
  /** True when the body was cut at the size cap. */
  truncated?: boolean
  json?: unknown
  textPreview?: string
}

export interface CertificateFacts {
  subject: string
  issuer: string
  san: string[]
  validFrom: string
  validTo: string
  fingerprint256: string
}

export interface ConnectionFacts {
  remoteAddress?: string
  remotePort?: number
  reused: boolean
  protocol: 'http' | 'https'
  alpn?: string
  tlsVersion?: string
  cipher?: string
  certificate?: CertificateFacts
  /** Proxy used for this request, with the variable it came from. */
  proxy?: { url: string; from: string }
  /** A proxy variable is set, but this NO_PROXY entry sent the request direct (failure-stories.md §15). */
  noProxy?: { entry: string; from: string }
  /** Through a proxy's CONNECT tunnel: the status line the proxy answered (200 when the tunnel opened). */
  tunnel?: { connectStatus: number }
}

export interface Exchange {
  request: {
    method: string
    url: string
    headers: Record<string, string>
    body?: string
  }
  response?: {
    status: number
    statusText: string
    headers: Record<string, string>
    body?: RecordedBody
    /** Set when a header value had bytes outside ASCII: read as UTF-8 where valid (as Go does), else as Latin-1. */
    headerCharset?: 'utf-8' | 'latin1'
  }
  connection?: ConnectionFacts
  timing: { startMs: number; connectMs?: number; ttfbMs?: number; totalMs: number }
  error?: { code: string; message: string }
}

/**
 * Facts of the token step, as values (the renderer formats units): seconds as numbers, flags as booleans, times as
 * ISO 8601 strings. Step.facts stays a record so every stage can add facts; these are the token step's typed ones.
 */
export interface TokenFacts {
  method?: string
  realm?: string
  service?: string
  /** Seconds the token lives, from expires_in (60 when the server sent none: see expiresInAbsent). */
  expiresIn?: number
  expiresInAbsent?: boolean
  /** issued_at as the server sent it (RFC 3339). */
  issuedAt?: string
  /** Seconds the token server's / registry's Date header is ahead of this machine's clock (negative: behind). */
  serverClockSkew?: number
  registryClockSkew?: number
  /** The JWT header (undefined for an opaque token): the key the registry must trust (alg, kid, x5c or jwk). */
  jwtHeader?: {alg: string | null; kid: string | null; x5c: boolean; jwk: boolean}
}

/** A registry's error answer: the OCI `errors[]` as sent (code, message, detail) and the raw body. */
export interface RegistryErrorAnswer {
  status: number
  errors: Array<{code: string; message: string; detail?: unknown}>
  /** The body as received (capped), for answers that are not the OCI shape. */
  body?: string
}

export interface Step {
  stage: StageName
  status: StepStatus
  summary: string
  facts: Record<string, unknown>
  exchanges: Exchange[]
  findings: Finding[]
}

export interface Verdict {
  status: 'ok' | 'warn' | 'fail'
  code: ExitCodeValue
  headline: string
  causes: Finding[]
  fixes: string[]
}

export interface Trace {
  schema: typeof TRACE_SCHEMA
  tool: 'regprobe'
  version: string
  command: string
  target: string
  startedAt: string
  durationMs: number
  steps: Step[]
  verdict: Verdict
}
