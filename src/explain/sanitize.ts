/**
 * A log line is data: before any of it is printed (human output, --json, the `next` command), the secrets a build log
 * is known to carry are masked, then it goes through the project's one sanitizer for foreign text
 * (src/render/sanitize.ts: control characters escaped, a leading `::` or `##[` neutralised).
 */
import {serverLine} from '../render/sanitize.js'

/** Longest quoted line: enough for docker's longest messages, short enough to read. */
export const MAX_QUOTE = 400

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
  const clean = serverLine(redactSecrets(s.trim()), Number.POSITIVE_INFINITY)
  return clean.length > max ? `${clean.slice(0, HEAD)}…${clean.slice(clean.length - (max - HEAD - 1))}` : clean
}
