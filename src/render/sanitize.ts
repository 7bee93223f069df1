/**
 * The one sanitizer for text a server chose (error messages, headers, bodies, realm URLs, repository and tag names) on
 * its way to a terminal or a CI log. Text from a server is data: it must not move the cursor, clear the screen, set the
 * window title, reorder a line (bidi overrides), start a line of its own, or be read by a CI runner as a workflow
 * command (`::error::`, `::stop-commands::`, Azure's `##[`). So every control character is shown escaped (`\x1b`,
 * `\n`), a leading `::` or `##[` is neutralised, and the length is capped.
 */

/** A header or a message longer than this is cut: a line in a log, not a dump. */
export const MAX_SERVER_LINE = 2000

// C0 controls, DEL, C1 controls; bidi embeddings, overrides and isolates; line and paragraph separators; BOM.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff]/g
const NAMED: Record<string, string> = {'\n': '\\n', '\r': '\\r', '\t': '\\t'}

function escapeChar(ch: string): string {
  const named = NAMED[ch]
  if (named) return named
  const code = ch.charCodeAt(0)
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
}

/**
 * One line of server text, safe anywhere in a line of output. A workflow command is only read at the start of a line
 * (after spaces): `::` and `##[` there become `\x3a:` and `\x23#[`, so even a value printed alone on a line (a tag
 * name in a list) cannot be one.
 */
export function serverLine(text: string, max = MAX_SERVER_LINE): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text
  return cut.replace(UNSAFE, escapeChar).replace(/^(\s*)(::|##\[)/, (_m, space: string, cmd: string) => `${space}${cmd === '::' ? '\\x3a:' : '\\x23#['}`)
}

/** Any value about to be printed: strings are sanitized, anything else is shown as JSON first. */
export function serverValue(value: unknown, max = MAX_SERVER_LINE): string {
  return serverLine(typeof value === 'string' ? value : JSON.stringify(value) ?? String(value), max)
}
