import {fakeBasic, fakeToken} from './fakes.js'

/** What nock's recorder writes with output_objects: true (nock 14 records global fetch too). */
export interface NockRecord {
  scope: string
  method: string
  path: string
  status: number
  response: unknown
  rawHeaders?: Record<string, string> | string[]
  reqheaders?: Record<string, string>
}

export interface FixtureRequest {
  method: string
  url: string
  reqHeaders: Record<string, string>
  status: number
  resHeaders: Record<string, string>
  body: string
}

/** JSON fields that carry tokens (the token spec's and OAuth2's). */
const TOKEN_FIELDS = ['token', 'access_token', 'refresh_token', 'id_token', 'identitytoken']
/** Dropped from requests: noise (user-agent, connection) or recomputed by the client on replay. */
const DROP_REQUEST_HEADERS = new Set(['user-agent', 'host', 'connection', 'content-length', 'accept-encoding', 'accept-language', 'sec-fetch-mode'])
/**
 * Dropped from responses: cookies are secrets; lengths change when hosts are normalised and tokens re-encoded, and
 * the replayed body carries its own; keep-alive details belong to the recording machine.
 */
const DROP_RESPONSE_HEADERS = new Set(['set-cookie', 'content-length', 'connection', 'keep-alive', 'transfer-encoding'])

export interface SanitizeOptions {
  /** 'http://127.0.0.1:34623' → 'http://registry.local:5000' style host rewrites, applied to every string. */
  hosts: Map<string, string>
}

/**
 * Turns raw recorded exchanges into fixture requests that hold no secret: every token becomes the same fake wherever
 * it appears (the token response and the Authorization header that carries it), Basic passwords become fakes,
 * cookies go, and ephemeral hosts are normalised. Pure apart from the fakes' randomness.
 */
export function sanitizeRecords(records: readonly NockRecord[], opts: SanitizeOptions): FixtureRequest[] {
  const rewriteHosts = (s: string) => {
    let out = s
    for (const [from, to] of opts.hosts) out = out.split(from).join(to)
    return out
  }
  const fakes = new Map<string, string>()
  const fakeOf = (secret: string) => {
    let f = fakes.get(secret)
    if (!f) {
      f = fakeToken(secret, rewriteHosts)
      fakes.set(secret, f)
    }
    return f
  }
  // Tokens are learned from responses first, so a Bearer header sent later maps to the same fake.
  for (const r of records) {
    const body = asObject(r.response)
    for (const k of TOKEN_FIELDS) if (typeof body?.[k] === 'string' && body[k]) fakeOf(body[k] as string)
  }
  const scrubKnown = (s: string) => {
    let out = s
    for (const [secret, fake] of [...fakes].sort((a, b) => b[0].length - a[0].length)) out = out.split(secret).join(fake)
    return out
  }
  return records.map((r) => {
    const reqHeaders: Record<string, string> = {}
    for (const [k, v] of Object.entries(r.reqheaders ?? {})) {
      const key = k.toLowerCase()
      if (DROP_REQUEST_HEADERS.has(key)) continue
      reqHeaders[key] = key === 'authorization' || key === 'proxy-authorization' ? fakeAuthorization(String(v), fakeOf) : rewriteHosts(scrubKnown(String(v)))
    }
    const resHeaders: Record<string, string> = {}
    for (const [k, v] of Object.entries(headerObject(r.rawHeaders))) {
      const key = k.toLowerCase()
      if (DROP_RESPONSE_HEADERS.has(key)) continue
      resHeaders[key] = rewriteHosts(scrubKnown(v))
    }
    let body: string
    const obj = asObject(r.response)
    if (obj) {
      const copy: Record<string, unknown> = {...obj}
      for (const k of TOKEN_FIELDS) if (typeof copy[k] === 'string' && copy[k]) copy[k] = fakeOf(copy[k] as string)
      body = rewriteHosts(scrubKnown(JSON.stringify(copy)))
    } else if (r.response === undefined || r.response === null || r.response === '') body = ''
    else body = rewriteHosts(scrubKnown(typeof r.response === 'string' ? r.response : JSON.stringify(r.response)))
    return {method: r.method.toUpperCase(), url: rewriteHosts(`${r.scope}${r.path}`), reqHeaders, status: r.status, resHeaders, body}
  })
}

function fakeAuthorization(value: string, fakeOf: (s: string) => string): string {
  const space = value.indexOf(' ')
  if (space < 0) return value
  const scheme = value.slice(0, space)
  const cred = value.slice(space + 1).trim()
  if (scheme.toLowerCase() === 'basic') return `${scheme} ${fakeBasic(cred)}`
  return `${scheme} ${fakeOf(cred)}`
}

function asObject(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined
}

function headerObject(h: NockRecord['rawHeaders']): Record<string, string> {
  if (!h) return {}
  if (Array.isArray(h)) {
    const out: Record<string, string> = {}
    for (let i = 0; i + 1 < h.length; i += 2) out[h[i]!] = h[i + 1]!
    return out
  }
  return h
}

/**
 * Ephemeral loopback origins in the order they appear (the registry first, then its token server) get stable names,
 * so a fixture does not change with the port the recording happened to get.
 */
export function loopbackAliases(records: readonly NockRecord[], names: readonly string[] = ['registry.local:5000', 'auth.local:5001', 'other.local:5002']): Map<string, string> {
  const map = new Map<string, string>()
  let i = 0
  for (const r of records) {
    const u = new URL(r.scope)
    if (!/^(127\.|localhost$|\[::1\]$)/.test(u.hostname) || map.has(u.host)) continue
    const name = names[i++]
    if (name) map.set(u.host, name)
  }
  return map
}
