/**
 * A log line is data: before any of it is printed (human output, --json, the `next` command), control characters are
 * escaped, a workflow command at its start (`::error::`, `##[group]`) is neutralised, and the secrets a log is known to
 * carry are masked. A small local version of what src/render/sanitize.ts will offer for every renderer.
 */

/** Longest quoted line: enough for docker's longest messages, short enough to read. */
export const MAX_QUOTE = 400

// C0 controls except tab, DEL, C1 controls, and the bidirectional overrides that reorder what a terminal shows.
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g

export function escapeControls(s: string): string {
  return s.replace(CONTROL, (c) => `\\x${c.charCodeAt(0) > 0xff ? `{${c.charCodeAt(0).toString(16)}}` : c.charCodeAt(0).toString(16).padStart(2, '0')}`)
}

/** `::warning::` and `##[error]` are commands to a CI runner only at the start of a line; escape their first byte. */
export function neutraliseCiCommands(s: string): string {
  return s.replace(/^(\s*)(::|##\[)/, (_m, ws: string, cmd: string) => `${ws}${cmd === '::' ? '\\x3a:' : '\\x23#['}`)
}

/**
 * Secrets with a known shape in build logs: passwords given on a command line, Authorization headers, the `auth`
 * field of a docker config, tokens in query strings, and tokens recognisable by their prefix or form.
 */
const SECRET_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/(\s(?:-p|--password)(?:\s+|=))(?!\*)(\S+)/g, '$1<redacted>'],
  [/(authorization:?\s*"?(?:basic|bearer)\s+)[A-Za-z0-9+/=._~-]+/gi, '$1<redacted>'],
  [/("(?:auth|password|identitytoken|registrytoken|token|access_token|refresh_token)"\s*:\s*")[^"]+/gi, '$1<redacted>'],
  [/([?&](?:password|token|access_token|refresh_token|X-Amz-Signature|Signature|sig)=)[^&\s"']+/gi, '$1<redacted>'],
  [/\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}|\bgithub_pat_[A-Za-z0-9_]{20,}|\bglpat-[A-Za-z0-9_-]{16,}|\bdckr_pat_[A-Za-z0-9_-]{16,}/g, '<redacted token>'],
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+/g, '<redacted jwt>'],
]

export function redactSecrets(s: string): string {
  let out = s
  for (const [re, to] of SECRET_PATTERNS) out = out.replace(re, to)
  return out
}

/** Of a line cut in the middle, the start kept: enough to show which tool and step; the rest is the line's end. */
const HEAD = 100

/**
 * Everything a quoted log line goes through, in this order: secrets first (on the raw text), then display safety. A
 * long line is cut in the middle: tools print what failed first and why last ("…: 401 Unauthorized").
 */
export function quoteLine(s: string, max = MAX_QUOTE): string {
  const clean = neutraliseCiCommands(escapeControls(redactSecrets(s.trim())))
  return clean.length > max ? `${clean.slice(0, HEAD)}…${clean.slice(clean.length - (max - HEAD - 1))}` : clean
}
