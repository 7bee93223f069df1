/**
 * One pass over the log: each line is normalised, feeds the context, and is tried against the table of known failure
 * texts (src/daemon/docker-error.ts). A match becomes a raw finding with the lines just before it, which say what was
 * being pulled or pushed. Memory stays bounded: a ring of recent lines, capped lists, at most MAX_FINDINGS failures.
 */
import {mapDockerError, type DockerErrorMapping} from '../daemon/docker-error.js'
import {emptyContext, observe, type LogContext} from './context.js'
import {normalizeLine} from './normalize.js'
import type {Ci} from './types.js'

/** Lines kept before a failure: docker prints the pushed repository, then a line per layer, then the error. */
export const WINDOW = 60
/** Distinct failures reported; a log with more repeats itself. */
export const MAX_FINDINGS = 20
/** Lines read at most: a bound on time (16 MiB of empty lines), memory is bounded anyway (nothing keeps every line). */
export const MAX_LINES = 2_000_000

export interface Line {
  no: number
  text: string
}

export interface RawFinding {
  line: Line
  mapping: DockerErrorMapping
  /** Up to WINDOW lines before the failure, nearest last. */
  before: Line[]
  occurrences: number
  ci?: Ci
}

export interface ScanResult {
  raw: RawFinding[]
  context: LogContext
  lines: number
  /** True when MAX_LINES stopped the scan. */
  cut: boolean
}

// Generic texts (a refused connection, an x509 error, a bare status) count only in a registry's neighbourhood: a CI
// log also holds npm's and curl's failures.
const GENERIC = /^docker\.(network|tls|status|reference)\.|^docker\.access\.denied-other$/
const REGISTRY_HINT = /\/v[12]\/|registry|docker|\bimages?\b|\bpull|\bpush|manifest|daemon|podman|buildah|skopeo|kaniko|containerd|kubelet|oci:\/\/|ghcr\.io|quay\.io|gcr\.io|\.pkg\.dev|azurecr\.io|amazonaws\.com|\bhelm\b|crane/i

/**
 * Words at least one of which every text of src/daemon/docker-error.ts contains (a test holds every row's example to
 * it): most lines of a build log have none, and skip the ~50 patterns. 16 MiB of log scans in about a second.
 */
export const MAYBE_FAILURE = /denied|unauthori[sz]ed|x509|tls|https? response|dial|lookup|proxy|refused|timeout|deadline|unreachable|no route|assign requested|reset by peer|EOF|\b4(?:0[0134]|29)\b|\b50[0-4]\b|manifest|name unknown|toomanyrequests|credentials|token|invalid reference|invalid repository|lowercase|not found|permission|organization package|insufficient_scope|certificate|no such host|login attempt|not allowed/i

export function scanLog(text: string): ScanResult {
  const context = emptyContext()
  const raw: RawFinding[] = []
  const ring: Line[] = []
  let start = 0
  let no = 0
  while (start < text.length && no < MAX_LINES) {
    let end = text.indexOf('\n', start)
    if (end === -1) end = text.length
    no++
    const n = normalizeLine(text.slice(start, end))
    start = end + 1
    if (n.text === '') continue
    const line = {no, text: n.text}
    observe(context, no, n.text, n.ci)
    const mapping = MAYBE_FAILURE.test(n.text) ? mapDockerError(n.text) : undefined
    if (mapping && (!GENERIC.test(mapping.code) || nearRegistry(line, ring))) record(raw, {line, mapping, before: [...ring], occurrences: 1, ci: n.ci ?? context.ci})
    ring.push(line)
    if (ring.length > WINDOW) ring.shift()
  }
  return {raw, context, lines: no, cut: start < text.length}
}

function nearRegistry(line: Line, ring: Line[]): boolean {
  if (REGISTRY_HINT.test(line.text)) return true
  return ring.slice(-3).some((l) => REGISTRY_HINT.test(l.text))
}

/**
 * A failure that continues the previous one (docker's "errors:" list, a wrapped message) or repeats one already seen
 * (retries, a CI step's closing `##[error]`) is counted, not listed again.
 */
function record(raw: RawFinding[], f: RawFinding): void {
  const last = raw[raw.length - 1]
  if (last && f.line.no - last.line.no <= 3) return
  const same = raw.find((r) => r.mapping.code === f.mapping.code && sameSubject(r.line.text, f.line.text))
  if (same) {
    same.occurrences++
    return
  }
  if (raw.length < MAX_FINDINGS) raw.push(f)
}

/** Two failure lines are about the same image when the image names (or URLs) in them agree. */
function sameSubject(a: string, b: string): boolean {
  const names = (s: string) => (s.match(/[\w.-]+(?::\d+)?\/[\w./-]+/g) ?? []).join(' ')
  return names(a) === names(b) || names(a).includes(names(b)) || names(b).includes(names(a))
}
