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
/** Causes about which stored credentials a client reads: `creds` answers that without the network. */
const CREDS_CAUSES = new Set(['helper-missing', 'helper-failed', 'sudo-other-config', 'credentials-other-host', 'credentials-not-read'])

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

/** The part of the line docker's text table matched, with what precedes it up to MAX_DOCKER_ERROR characters. */
export function dockerErrorText(code: string, text: string): string {
  const row = DOCKER_ERROR_ROWS.find((r) => r.code === code && r.pattern.test(text))
  const at = row ? row.pattern.exec(text)?.index ?? 0 : 0
  const daemon = text.indexOf('Error response from daemon')
  const from = daemon !== -1 && daemon <= at && at - daemon < MAX_DOCKER_ERROR ? daemon : Math.max(0, at - 120)
  return quoteLine(text.slice(from), MAX_DOCKER_ERROR).replace(/…$/, '')
}
