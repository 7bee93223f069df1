import type {HttpClient, HttpResult} from '../http/client.js'
import {recordedText} from '../http/redact.js'
import {tokenRequestUrl} from './token-url.js'

/**
 * The token exchange at the realm, as the distribution token spec (docs/spec/auth/token.md, oauth.md) and docker's
 * vendored client (registry/client/auth/session.go) do it. No judgement here: the token stage judges.
 */

/** Clients raise a shorter or missing expires_in to this (token.md; docker's minimumTokenLifetimeSeconds). */
export const MIN_TOKEN_LIFETIME_S = 60

export type TokenGrant =
  | {kind: 'anonymous'}
  | {kind: 'basic'; username: string; password: string}
  | {kind: 'refresh-token'; token: string; username?: string}

export interface TokenRequest {
  realm: string
  service?: string
  scopes: string[]
  grant: TokenGrant
  /** POST form (OAuth2) instead of GET; implied by a refresh-token grant. */
  oauth?: boolean
  clientId?: string
  /** docker login asks for a refresh token (offline_token=true / access_type=offline). */
  offline?: boolean
}

export interface TokenResponse {
  token: string
  /** Which field carried it: Docker Hub sends both, Quay and ghcr.io `token`, ACR only `access_token`. */
  field: 'token' | 'access_token'
  /** Both fields present but different (the spec says they should be equal). */
  fieldsDiffer: boolean
  expiresIn: number
  /** The value as sent, before the 60 s floor. */
  expiresInRaw?: number
  issuedAt?: string
  refreshToken?: string
}

export interface TokenExchange {
  method: 'GET' | 'POST'
  results: HttpResult[]
  /** Set when the POST answered 404/405 and the exchange fell back to GET (the spec's advice; ggcr does it). */
  fellBackToGet: boolean
  response?: TokenResponse
}

function basicHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`
}

export function getRequest(req: TokenRequest): {url: string; headers: Record<string, string>} {
  const g = req.grant
  const url = tokenRequestUrl(req.realm, {
    service: req.service,
    scopes: req.scopes,
    account: g.kind === 'basic' ? g.username : undefined,
    clientId: req.clientId,
    offlineToken: req.offline,
  })
  return {url, headers: g.kind === 'basic' ? {authorization: basicHeader(g.username, g.password)} : {}}
}

export function postForm(req: TokenRequest): string {
  const g = req.grant
  const form = new URLSearchParams()
  if (g.kind === 'refresh-token') {
    form.set('grant_type', 'refresh_token')
    form.set('refresh_token', g.token)
  } else if (g.kind === 'basic') {
    form.set('grant_type', 'password')
    form.set('username', g.username)
    form.set('password', g.password)
  }
  if (req.service) form.set('service', req.service)
  form.set('client_id', req.clientId ?? 'regprobe')
  // oauth.md: one scope field, space-separated.
  if (req.scopes.length) form.set('scope', req.scopes.join(' '))
  if (req.offline !== false && g.kind === 'basic') form.set('access_type', 'offline')
  return form.toString()
}

export function parseTokenBody(json: unknown): TokenResponse | undefined {
  if (!json || typeof json !== 'object') return undefined
  const j = json as Record<string, unknown>
  const t = typeof j.token === 'string' && j.token ? j.token : undefined
  const at = typeof j.access_token === 'string' && j.access_token ? j.access_token : undefined
  const token = t ?? at
  if (!token) return undefined
  const raw = typeof j.expires_in === 'number' ? j.expires_in : typeof j.expires_in === 'string' && /^\d+$/.test(j.expires_in) ? Number(j.expires_in) : undefined
  return {
    token,
    field: t ? 'token' : 'access_token',
    fieldsDiffer: !!t && !!at && t !== at,
    expiresIn: raw === undefined || raw < MIN_TOKEN_LIFETIME_S ? MIN_TOKEN_LIFETIME_S : raw,
    ...(raw === undefined ? {} : {expiresInRaw: raw}),
    ...(typeof j.issued_at === 'string' ? {issuedAt: j.issued_at} : {}),
    ...(typeof j.refresh_token === 'string' && j.refresh_token ? {refreshToken: j.refresh_token} : {}),
  }
}

export async function exchangeToken(http: HttpClient, req: TokenRequest): Promise<TokenExchange> {
  const g = req.grant
  if (g.kind === 'basic') http.secrets.addBasic(g.username, g.password)
  if (g.kind === 'refresh-token') http.secrets.add(g.token)
  const usePost = req.oauth || g.kind === 'refresh-token'
  const results: HttpResult[] = []
  let fellBackToGet = false
  let method: 'GET' | 'POST' = usePost ? 'POST' : 'GET'
  if (usePost) {
    const r = await http.send({method: 'POST', url: req.realm, headers: {'content-type': 'application/x-www-form-urlencoded'}, body: postForm(req), recordAs: 'token-answer', redirects: 'same-host'})
    results.push(r)
    // oauth.md: "If the request to the endpoint returns 404 using the HTTP POST method, refer to … GET".
    if ((r.status === 404 || r.status === 405) && g.kind !== 'refresh-token') {
      fellBackToGet = true
      method = 'GET'
    } else return finish(http, method, results, fellBackToGet)
  }
  const {url, headers} = getRequest(req)
  results.push(await http.send({method: 'GET', url, headers, recordAs: 'token-answer', redirects: 'same-host'}))
  return finish(http, method, results, fellBackToGet)
}

function finish(http: HttpClient, method: 'GET' | 'POST', results: HttpResult[], fellBackToGet: boolean): TokenExchange {
  const last = results.at(-1)!
  const response = last.status === 200 ? parseTokenBody(last.json) : undefined
  if (response) {
    http.secrets.add(response.token)
    http.secrets.add(response.refreshToken)
  }
  // Without a token, what the server said becomes messages: they are built from what was recorded (redacted), never
  // from the raw answer, which may hold a token in a shape regprobe does not know.
  return response ? {method, results, fellBackToGet, response} : {method, results: results.map(asRecorded), fellBackToGet}
}

function asRecorded(r: HttpResult): HttpResult {
  const body = r.exchange.response?.body
  return {...r, json: body?.json, text: recordedText(body)}
}
