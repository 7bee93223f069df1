/**
 * The one regprobe command that decides between a finding's candidates, run where the failure happened: `doctor` for
 * an image (with --push for a push, and docker's own line as --docker-error so doctor says whether it sees the same),
 * `login` for a failed login, `creds` when the question is which stored credentials a client reads, `probe` when
 * only the registry is known. Every argument is shell-quoted; the quoted line is already sanitised and redacted.
 */
import {DOCKER_ERROR_ROWS} from '../daemon/docker-error.js'
import {quoteLine} from './sanitize.js'
import type {Target} from './extract.js'
import type {Operation} from './types.js'

/** --docker-error keeps the message, not the log line's prefixes: at most this much around the matched text. */
const MAX_DOCKER_ERROR = 300
/** How far before the matched text the quoted clause may start. */
const CONTEXT = 80
/** Causes about which stored credentials a client reads: `creds` answers that without the network. */
const CREDS_CAUSES = new Set(['helper-missing', 'helper-failed', 'helper-no-keyring', 'sudo-other-config', 'credentials-other-host', 'credentials-not-read'])

export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`
}

export function nextCommand(opts: {target: Target; operation?: Operation; firstCause: string; code: string; text: string}): string {
  const {target, operation, firstCause, code, text} = opts
  const registry = target.registry
  if (CREDS_CAUSES.has(firstCause) && registry) return `regprobe creds ${shellQuote(target.reference ?? registry)}`
  if (operation === 'login' && registry) return `regprobe login ${shellQuote(registry)}`
  if (!target.reference) return registry ? `regprobe probe ${shellQuote(registry)}` : `regprobe doctor IMAGE --docker-error ${shellQuote(dockerErrorText(code, text))}`
  const parts = ['regprobe', 'doctor', shellQuote(target.reference)]
  if (operation === 'push') parts.push('--push')
  parts.push('--docker-error', shellQuote(dockerErrorText(code, text)))
  return parts.join(' ')
}

/**
 * The message of the line for --docker-error: from "Error response from daemon" when the line has it, else from the
 * clause before the matched text (after a ": "), without the wrappers tools put around it; at most MAX_DOCKER_ERROR
 * characters, cut in the middle.
 */
export function dockerErrorText(code: string, text: string): string {
  const row = DOCKER_ERROR_ROWS.find((r) => r.code === code && r.pattern.test(text))
  const at = row ? row.pattern.exec(text)?.index ?? 0 : 0
  const daemon = text.indexOf('Error response from daemon')
  let from = 0
  if (daemon !== -1 && daemon <= at) from = daemon
  else if (at > CONTEXT) {
    const clause = text.indexOf(': ', at - CONTEXT)
    from = clause !== -1 && clause < at ? clause + 2 : at
  }
  const message = text.slice(from).replace(/^(?:#\d+\s+)?(?:(?:ERROR|Error|error|FATA\[\d+\])\s*:?\s*(?:buildx failed with:\s*)?)+/, '')
  return quoteLine(message, MAX_DOCKER_ERROR)
}
