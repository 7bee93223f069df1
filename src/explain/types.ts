/**
 * `regprobe explain`: what a log says about a registry failure, offline. Schema "regprobe/explain@1" (README "The
 * `--json` of explain"): adding a field is fine, renaming or removing one is a breaking change.
 */
import {ExitCode, type ExitCodeValue} from '../trace/types.js'
import type {DockerErrorStage} from '../daemon/docker-error.js'

export const EXPLAIN_SCHEMA = 'regprobe/explain@1' as const

export type Category = 'network' | 'tls' | 'credentials' | 'token' | 'authorization' | 'not-found' | 'rate-limit' | 'other'
export type Operation = 'pull' | 'push' | 'login'
export type Tool =
  | 'docker' | 'docker-compose' | 'buildx' | 'podman' | 'buildah' | 'skopeo' | 'containerd' | 'nerdctl' | 'kubelet'
  | 'kaniko' | 'crane' | 'helm' | 'unknown'
export type Ci = 'github-actions' | 'gitlab-ci'

/** The exit code `doctor` gives for a category; `other` is 5 (protocol: the registry answered something unexpected). */
export const CATEGORY_EXIT: Record<Category, ExitCodeValue> = {
  network: ExitCode.UNREACHABLE,
  tls: ExitCode.TLS,
  credentials: ExitCode.AUTHENTICATION,
  token: ExitCode.AUTHENTICATION,
  authorization: ExitCode.DENIED,
  'not-found': ExitCode.NOT_FOUND,
  'rate-limit': ExitCode.RATE_LIMITED,
  other: ExitCode.PROTOCOL,
}

/** A line of the log quoted as evidence (already sanitised and redacted). */
export interface Evidence {
  line: number
  text: string
  /** What the line shows, in a few words. */
  says: string
}

export interface Candidate {
  category: Category
  /** Stable id, e.g. "namespace-missing" (src/explain/causes.ts). */
  cause: string
  summary: string
  for: Evidence[]
  against: Evidence[]
  fix: string
}

export interface ExplainFinding {
  /** 1-based line of the input where the failure was found. */
  line: number
  /** The failure line, sanitised (control characters escaped, secrets redacted) and cut to a readable length. */
  text: string
  /** How often the same failure came back (retries, a CI step repeating it as its error). */
  occurrences: number
  tool: Tool
  ci?: Ci
  /** The registry as docker names it: docker.io, ghcr.io, host:port. */
  registry?: string
  repository?: string
  tag?: string
  digest?: string
  /** Canonical reference when one was found: docker.io/library/app:latest. */
  reference?: string
  operation?: Operation
  /** The stable code of the matched text (src/daemon/docker-error.ts) and its stage. */
  code: string
  stage: DockerErrorStage
  category: Category
  /** True when the log's evidence singles out the first candidate; false when only a check can decide. */
  decided: boolean
  candidates: Candidate[]
  /** The regprobe command that decides between the candidates. */
  next: string
}

export interface ExplainInput {
  source: 'stdin' | 'file'
  bytes: number
  lines: number
  /** True when the input was cut at the byte or line cap. */
  truncated: boolean
  /** Which cap cut it: 16 MiB read, or 2,000,000 lines scanned. */
  cut?: 'bytes' | 'lines'
}

export interface ExplainResult {
  schema: typeof EXPLAIN_SCHEMA
  input: ExplainInput
  findings: ExplainFinding[]
  exitCode: ExitCodeValue
}
