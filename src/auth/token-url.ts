/**
 * The GET token request URL, byte for byte as docker builds it (distribution registry/client/auth/session.go
 * fetchTokenWithBasicAuth): the realm's own query is kept, our parameters are added, and the whole query is
 * re-encoded by Go's url.Values.Encode, which sorts keys (account, client_id, offline_token, scope, service)
 * and escapes like url.QueryEscape. Matching docker exactly lets a trace be compared with a server's log.
 */
import {ExitCode} from '../trace/types.js'
import {RegprobeError} from '../errors.js'

export interface TokenRequestParams {
  service?: string
  /** One `scope=` parameter each, in this order. */
  scopes: string[]
  /** Docker sends the username as `account` when it has credentials. */
  account?: string
  /** Docker login sends 'docker'; only added when given. */
  clientId?: string
  /** Adds offline_token=true (ask for a refresh token), as docker login does. */
  offlineToken?: boolean
}

/**
 * Throws RegprobeError 'token.invalid-realm' (exit 5, protocol) when the realm is not an absolute http(s) URL:
 * the registry sent something no client can use.
 */
export function tokenRequestUrl(realm: string, params: TokenRequestParams): string {
  if (typeof realm !== 'string' || !/^https?:\/\/[^/?#\s]+/i.test(realm) || /\s/.test(realm)) {
    throw new RegprobeError('the realm in the challenge is not an absolute http(s) URL', {
      exitCode: ExitCode.PROTOCOL,
      code: 'token.invalid-realm',
    })
  }
  const withoutFragment = realm.split('#', 1)[0]!
  const q = withoutFragment.indexOf('?')
  const base = q === -1 ? withoutFragment : withoutFragment.slice(0, q)
  const values = parseGoQuery(q === -1 ? '' : withoutFragment.slice(q + 1))

  // Same order of Add calls as session.go; Encode sorts keys but keeps each key's values in order.
  if (params.service) add(values, 'service', params.service)
  for (const scope of params.scopes) add(values, 'scope', scope)
  if (params.offlineToken) add(values, 'offline_token', 'true')
  if (params.clientId) add(values, 'client_id', params.clientId)
  if (params.account) add(values, 'account', params.account)

  const query = encodeGoValues(values)
  return query.length === 0 ? base : `${base}?${query}`
}

type Values = Map<string, string[]>

function add(values: Values, key: string, value: string): void {
  const list = values.get(key)
  if (list) list.push(value)
  else values.set(key, [value])
}

/** Go's url.ParseQuery as used by URL.Query(): bad pairs (';' or a broken escape) are dropped. */
function parseGoQuery(query: string): Values {
  const values: Values = new Map()
  for (const pair of query.split('&')) {
    if (pair.length === 0 || pair.includes(';')) continue
    const eq = pair.indexOf('=')
    const key = goUnescape(eq === -1 ? pair : pair.slice(0, eq))
    const value = goUnescape(eq === -1 ? '' : pair.slice(eq + 1))
    if (key === undefined || value === undefined) continue
    add(values, key, value)
  }
  return values
}

function goUnescape(s: string): string | undefined {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '))
  } catch {
    return undefined
  }
}

/** url.Values.Encode: keys sorted (byte order), each key's values in insertion order. */
function encodeGoValues(values: Values): string {
  const keys = [...values.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  const out: string[] = []
  for (const key of keys) {
    for (const value of values.get(key)!) out.push(`${goQueryEscape(key)}=${goQueryEscape(value)}`)
  }
  return out.join('&')
}

/** url.QueryEscape: only A-Z a-z 0-9 - _ . ~ stay; space becomes '+'. */
function goQueryEscape(s: string): string {
  // encodeURIComponent throws on a lone surrogate; Go would have written U+FFFD for invalid text anyway.
  const wellFormed = s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
  return encodeURIComponent(wellFormed)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+')
}
