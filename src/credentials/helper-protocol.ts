/**
 * The docker-credential-helpers protocol, read side (docker/docker-credential-helpers credentials/credentials.go,
 * credentials/error.go, client/client.go). Pure: interprets what a helper run produced.
 *
 *   get    stdin: the server URL as plain text      stdout: {"ServerURL","Username","Secret"}
 *   store  stdin: {"ServerURL","Username","Secret"}  stdout: nothing
 *   erase  stdin: the server URL                     stdout: nothing
 *   list   stdin: nothing                            stdout: {"<serverURL>": "<username>", …}
 * Errors are written to stdout with a non-zero exit; a missing entry is exactly
 * "credentials not found in native keychain".
 */

export const CREDENTIALS_NOT_FOUND = 'credentials not found in native keychain'
/** docker/cli native_store.go tokenUsername: this user name means "Secret is an identity token". */
export const TOKEN_USERNAME = '<token>'
/** Helper error text shown in rows is cut here: enough for any real error line, not a dump. */
export const MAX_HELPER_MESSAGE = 300

export interface HelperRun {
  program: string
  /** Absolute path when found on PATH. */
  path?: string
  onPath: boolean
  exitCode?: number | null
  signal?: string | null
  stdout: string
  stderr: string
  timedOut: boolean
  durationMs: number
  /** Set when the program could not be started at all (EACCES, ENOEXEC). */
  spawnError?: string
  /** True when stdout or stderr went over the cap and was cut. */
  truncated?: boolean
}

export type GetOutcome =
  | {kind: 'found'; username: string; secret: string; identityToken: boolean}
  | {kind: 'empty'}
  | {kind: 'not-found'}
  | {kind: 'missing'}
  | {kind: 'spawn-error'; message: string}
  | {kind: 'timeout'}
  | {kind: 'failed'; message: string}
  | {kind: 'non-json'; bytes: number}

/** client.Get: a non-zero exit whose trimmed output is the not-found text is "no credentials", not an error. */
export function interpretGet(run: HelperRun): GetOutcome {
  if (!run.onPath) return {kind: 'missing'}
  if (run.spawnError) return {kind: 'spawn-error', message: run.spawnError}
  if (run.timedOut) return {kind: 'timeout'}
  const out = run.stdout.trim()
  if (run.exitCode !== 0) {
    if (isNotFoundMessage(out) || isNotFoundMessage(run.stderr.trim())) return {kind: 'not-found'}
    return {kind: 'failed', message: helperMessage(run)}
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(out)
  } catch {
    // Never echo stdout here: a helper that printed the secret in another format would leak it.
    return {kind: 'non-json', bytes: Buffer.byteLength(run.stdout)}
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {kind: 'non-json', bytes: Buffer.byteLength(run.stdout)}
  const o = parsed as Record<string, unknown>
  const username = typeof o.Username === 'string' ? o.Username : ''
  const secret = typeof o.Secret === 'string' ? o.Secret : ''
  if (secret === '') return {kind: 'empty'}
  return {kind: 'found', username, secret, identityToken: username === TOKEN_USERNAME}
}

export function isNotFoundMessage(text: string): boolean {
  return text === CREDENTIALS_NOT_FOUND
}

/**
 * The helper's own words for a failure: stdout per protocol, else stderr; first lines only. A helper may answer a
 * failed get with the credentials JSON, or echo the store payload it was given: words holding a "Secret" key are not
 * quoted, and the secrets regprobe sent it (`sent`) are cut by value.
 */
export function helperMessage(run: HelperRun, sent: string[] = []): string {
  const raw = run.stdout.trim() || run.stderr.trim()
  if (/"secret"\s*:/i.test(raw)) return `it printed ${Buffer.byteLength(raw)} bytes holding a "Secret" (not shown)`
  let text = raw.replace(/\s+/g, ' ')
  for (const secret of sent) if (secret) text = text.split(secret).join('<redacted>')
  if (text === '') return run.signal ? `killed by ${run.signal}` : `exit code ${run.exitCode}`
  return text.length > MAX_HELPER_MESSAGE ? `${text.slice(0, MAX_HELPER_MESSAGE)}…` : text
}

/** The JSON that `store` reads; an identity token goes in as Username "<token>" (native_store.go). */
export function storePayload(serverUrl: string, username: string, password?: string, identityToken?: string): string {
  return identityToken
    ? JSON.stringify({ServerURL: serverUrl, Username: TOKEN_USERNAME, Secret: identityToken})
    : JSON.stringify({ServerURL: serverUrl, Username: username, Secret: password ?? ''})
}
