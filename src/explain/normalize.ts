/**
 * One log line as a person reads it: the decorations CI systems and terminals add are removed, so the patterns see
 * the message the tool printed. GitHub Actions prefixes each line with an ISO timestamp (7 fractional digits) and
 * marks groups and errors with `##[group]` / `##[error]`; GitLab CI wraps steps in `section_start:…\r\e[0K` markers and
 * colours everything; progress bars rewrite a line with carriage returns.
 */
import type {Ci} from './types.js'

/** A line longer than this is cut: no registry message needs more, and a minified blob must not cost memory. */
export const MAX_LINE = 16 * 1024

export interface NormalLine {
  text: string
  ci?: Ci
  /** The CI system marked this line as an error (`##[error]`, `::error::`). */
  ciError?: boolean
}

// CSI and OSC escape sequences (colours, cursor moves, hyperlinks).
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g
const GITLAB_SECTION = /section_(?:start|end):\d+:[A-Za-z0-9_.-]+(?:\[[^\]\r\n]*\])?\r?/g
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z ?/
const GH_MARKER = /^##\[(group|endgroup|error|warning|notice|debug|command|section)\]/
const GH_COMMAND = /^::(error|warning|notice|debug|group|endgroup)(?: [^:]*)?::/

export function normalizeLine(raw: string): NormalLine {
  let s = raw.length > MAX_LINE ? raw.slice(0, MAX_LINE) : raw
  let ci: Ci | undefined
  if (s.includes('section_start:') || s.includes('section_end:')) {
    s = s.replace(GITLAB_SECTION, '')
    ci = 'gitlab-ci'
  }
  if (s.includes('\u001b')) s = s.replace(ANSI, '')
  if (s.includes('\r')) s = lastSegment(s)
  const ts = TIMESTAMP.exec(s)
  if (ts) {
    s = s.slice(ts[0].length)
    ci ??= 'github-actions'
  }
  let ciError = false
  const marker = GH_MARKER.exec(s) ?? GH_COMMAND.exec(s)
  if (marker) {
    ciError = marker[1] === 'error'
    s = s.slice(marker[0].length)
    ci ??= 'github-actions'
  }
  return {text: s.trimEnd(), ...(ci ? {ci} : {}), ...(ciError ? {ciError} : {})}
}

/** What a terminal finally shows after carriage returns: the last non-empty segment. */
function lastSegment(s: string): string {
  const parts = s.split('\r')
  for (let i = parts.length - 1; i >= 0; i--) if (parts[i]!.trim() !== '') return parts[i]!
  return ''
}
