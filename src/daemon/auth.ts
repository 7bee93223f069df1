import {SecretBox, redactSecret} from '../http/redact.js'
import type {RedactedSecret} from '../trace/types.js'
import type {DaemonEndpoint} from './endpoint.js'
import {daemonRequest, type DaemonResponse} from './transport.js'

/**
 * `POST /auth`: the endpoint `docker login` itself calls, so the daemon logs in with its own proxy, CA files and
 * insecure list. The request carries the password; neither it nor a returned identity token is ever kept in clear.
 */
export interface DaemonAuthResult {
  ok: boolean
  httpStatus: number
  /** 'Login Succeeded' */
  status?: string
  /** The daemon's error text, secrets stripped. */
  message?: string
  identityToken?: RedactedSecret
}

export interface DaemonLoginBody {
  username: string
  password: string
  serveraddress: string
}

export async function daemonLogin(ep: DaemonEndpoint, body: DaemonLoginBody, timeoutMs: number): Promise<DaemonAuthResult> {
  const res = await daemonRequest(ep, {method: 'POST', path: '/auth', json: body, timeoutMs})
  return parseAuthAnswer(res, body)
}

/** Pure: the daemon answers `{Status, IdentityToken}` on success and `{message}` with 401/400/500 otherwise. */
export function parseAuthAnswer(res: Pick<DaemonResponse, 'status' | 'text' | 'json'>, sent: Pick<DaemonLoginBody, 'username' | 'password'>): DaemonAuthResult {
  const box = new SecretBox()
  box.addBasic(sent.username, sent.password)
  const j = (res.json && typeof res.json === 'object' ? res.json : {}) as {Status?: unknown; IdentityToken?: unknown; message?: unknown}
  const identity = typeof j.IdentityToken === 'string' && j.IdentityToken !== '' ? j.IdentityToken : undefined
  if (identity) box.add(identity)
  if (res.status >= 200 && res.status < 300) {
    return {
      ok: true,
      httpStatus: res.status,
      status: typeof j.Status === 'string' ? j.Status : undefined,
      ...(identity ? {identityToken: redactSecret(identity)} : {}),
    }
  }
  const said = typeof j.message === 'string' ? j.message : res.text.trim().slice(0, 2000)
  return {ok: false, httpStatus: res.status, message: stripSecrets(said, box, sent.password) || `the daemon answered ${res.status}`}
}

function stripSecrets(text: string, box: SecretBox, password: string): string {
  let out = box.scrub(text)
  // SecretBox leaves secrets under 4 characters alone (they would scrub ordinary words); here a short password
  // standing alone as a word is still masked.
  if (password && password.length < 4) {
    const escaped = password.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    out = out.replace(new RegExp(`(^|[^A-Za-z0-9])${escaped}(?=$|[^A-Za-z0-9])`, 'g'), '$1<redacted password>')
  }
  // A URL with user:password@ in an error (a proxy or registry URL) loses its password too.
  return out.replace(/(\/\/[^:@/\s"]*):[^@/\s"]*@/g, '$1:REDACTED@')
}
