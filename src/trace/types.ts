/**
 * The trace model: every command builds a Trace and hands it to a renderer.
 * Schema "regprobe/trace@1": adding a field is fine, renaming or removing one is a breaking change.
 * Everything stored here is already redacted (see src/http/redact.ts).
 */

import type {AccessFacts, CatalogFacts, ChallengeFacts, CredentialsFacts, DaemonFacts, DockerErrorFacts, LoginFacts, ProbeFacts, TagsFacts, TokenFacts} from './facts.js'

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
  /** @format date-time */
  validFrom: string
  /** @format date-time */
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

/** A registry's error answer: the OCI `errors[]` as sent (code, message, detail) and the raw body. */
export interface RegistryErrorAnswer {
  status: number
  errors: Array<{code: string; message: string; detail?: unknown}>
  /** The body as received (capped), for answers that are not the OCI shape. */
  body?: string
}

export * from './facts.js'

/** What every step has, whatever its stage. */
export interface StepCommon {
  status: StepStatus
  /** One line: what the stage found. */
  summary: string
  exchanges: Exchange[]
  findings: Finding[]
}

export interface ProbeStep extends StepCommon {
  stage: 'probe'
  facts: ProbeFacts
}
export interface ChallengeStep extends StepCommon {
  stage: 'challenge'
  facts: ChallengeFacts
}
export interface CredentialsStep extends StepCommon {
  stage: 'credentials'
  facts: CredentialsFacts
}
export interface TokenStep extends StepCommon {
  stage: 'token'
  facts: TokenFacts
}
export interface LoginStep extends StepCommon {
  stage: 'login'
  facts: LoginFacts
}
export interface AccessStep extends StepCommon {
  stage: 'access'
  facts: AccessFacts
}
export interface CatalogStep extends StepCommon {
  stage: 'catalog'
  facts: CatalogFacts
}
export interface TagsStep extends StepCommon {
  stage: 'tags'
  facts: TagsFacts
}
export interface DaemonStep extends StepCommon {
  stage: 'daemon'
  facts: DaemonFacts
}
export interface DockerErrorStep extends StepCommon {
  stage: 'docker-error'
  facts: DockerErrorFacts
}

/** One stage's result; `stage` tells which facts it carries (a skipped step carries `{}`). */
export type Step = ProbeStep | ChallengeStep | CredentialsStep | TokenStep | LoginStep | AccessStep | CatalogStep | TagsStep | DaemonStep | DockerErrorStep

/** The facts type of each stage (for builders and readers; not part of the --json shape). */
export interface StageFacts {
  probe: ProbeFacts
  challenge: ChallengeFacts
  credentials: CredentialsFacts
  token: TokenFacts
  login: LoginFacts
  access: AccessFacts
  catalog: CatalogFacts
  tags: TagsFacts
  daemon: DaemonFacts
  'docker-error': DockerErrorFacts
}

/** The step type of one stage. */
export type StepOf<S extends StageName> = Extract<Step, {stage: S}>

/** The first step of a stage, typed: `stepOf(trace.steps, 'probe')?.facts.status`. */
export function stepOf<S extends StageName>(steps: readonly Step[], stage: S): StepOf<S> | undefined {
  return steps.find((s): s is StepOf<S> => s.stage === stage)
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
  /** @format date-time */
  startedAt: string
  durationMs: number
  steps: Step[]
  verdict: Verdict
}
