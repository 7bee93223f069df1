import type {RecordedBody} from '../trace/types.js'
import {describeRedacted, redactSecret, type SecretBox} from './secret-box.js'

export {SecretBox, describeRedacted, fingerprint, looksLikeJwt, redactSecret} from './secret-box.js'

/**
 * One redaction policy, applied once when an exchange is recorded (style.md rule 6), by what each value is.
 * Allow-list for query keys (as go-containerregistry's internal/redact does), deny-list for headers and JSON keys
 * that registries and token servers use for secrets, an allow-list for a token endpoint's 2xx answer (every other
 * string in it is a secret), plus the run's SecretBox for free text a server sends back (an echoed token).
 * Nothing rendered is ever searched: the renderers only see what was recorded here.
 */

/** Query keys that carry no secret and that a reader of a trace needs. Everything else is masked. */
const SAFE_QUERY_KEYS = new Set([
  'scope', 'service', 'account', 'client_id', 'offline_token', 'n', 'last', 'orderby', 'digest', 'mount', 'from',
  'tag', 'ns', '_state_hint',
])
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-registry-auth'])
const SECRET_JSON_KEYS = new Set([
  'token', 'access_token', 'refresh_token', 'identitytoken', 'identity_token', 'password', 'secret', 'auth',
  'registrytoken', 'id_token', 'client_secret',
])
const SECRET_FORM_KEYS = new Set(['password', 'refresh_token', 'access_token', 'client_secret', 'token'])

export function redactAuthorization(value: string): string {
  const space = value.indexOf(' ')
  const scheme = space === -1 ? value : value.slice(0, space)
  const cred = space === -1 ? '' : value.slice(space + 1).trim()
  if (!cred) return scheme
  if (scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(cred, 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    const user = colon > 0 ? decoded.slice(0, colon) : undefined
    const r = redactSecret(cred, 'basic')
    return `${scheme} ${describeRedacted(r)}${user ? ` (user ${JSON.stringify(user)})` : ''}`
  }
  return `${scheme} ${describeRedacted(redactSecret(cred))}`
}

export function redactHeaders(headers: Record<string, string>, box: SecretBox): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(headers)) {
    const lower = k.toLowerCase()
    if (box.disabled) out[lower] = v
    else if (lower === 'authorization' || lower === 'proxy-authorization') out[lower] = redactAuthorization(v)
    else if (SECRET_HEADERS.has(lower)) out[lower] = describeRedacted(redactSecret(v, 'opaque'))
    // A redirect to object storage carries a presigned URL: its signature grants the object to whoever holds it.
    else if (lower === 'location' || lower === 'content-location') out[lower] = redactLocation(v, box)
    else out[lower] = box.scrub(redactUrlUserinfo(v), {passwords: false})
  }
  return out
}

/**
 * A URL's password inside free text the server sent (a realm of `user:password@host` in a challenge): by its place in
 * a URL, wherever the URL sits, never by its value.
 */
export function redactUrlUserinfo(text: string): string {
  if (!text.includes('@') || !text.includes('://')) return text
  // The authority runs to the first / ? # white space or unescaped quote; its user information to its last @ (as
  // WHATWG URL reads it), so a password with , ' @ or an escaped quote is covered whole. The lookbehind starts a
  // scheme only at its first letter, and the character classes are disjoint: linear on a hostile header.
  return text.replace(/(?<![a-z0-9+.-])([a-z][a-z0-9+.-]*:\/\/)((?:\\.|[^\s/?#"\\])*)/gi, (whole, scheme: string, authority: string) => {
    const at = authority.lastIndexOf('@')
    const colon = authority.indexOf(':')
    if (at === -1 || colon === -1 || colon > at) return whole
    return `${scheme}${authority.slice(0, colon)}:REDACTED${authority.slice(at)}`
  })
}

/** Query keys of a presigned URL whose values grant access (S3, GCS, Azure SAS, CloudFront, Docker Hub's CDN). */
const PRESIGNED_SECRET_KEY = /signature|credential|token|^sig$|^se?$|key-pair-id|^policy$|^verify$/i

/**
 * A Location value, absolute or relative, with its query values redacted as a request URL's are. The secret values
 * of a presigned URL also join the run's secrets here, before the same response's body is recorded: a storage or a
 * registry repeats them in bodies (a 307's HTML link, S3's SignatureDoesNotMatch).
 */
function redactLocation(value: string, box: SecretBox): string {
  const withoutQuery = () => box.scrub(value.split('?')[0]!, {passwords: false})
  try {
    for (const [k, v] of new URL(value, 'http://relative.invalid/').searchParams) if (PRESIGNED_SECRET_KEY.test(k)) box.add(v)
  } catch {
    // unparsable: its query is dropped below
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(value)) return redactUrl(value, box)
  const base = 'http://relative.invalid'
  let absolute: string
  try {
    absolute = redactUrl(new URL(value, `${base}/`).toString(), box)
  } catch {
    return withoutQuery()
  }
  return absolute.startsWith(base) && value.startsWith('/') && !value.startsWith('//') ? absolute.slice(base.length) : withoutQuery()
}

export function redactUrl(url: string, box: SecretBox): string {
  if (box.disabled) return url
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return box.scrub(url, {passwords: false})
  }
  if (u.username || u.password) {
    u.username = u.username ? 'REDACTED' : ''
    u.password = ''
  }
  const params = [...u.searchParams]
  if (params.length > 0) {
    const q = new URLSearchParams()
    for (const [k, v] of params) q.append(k, SAFE_QUERY_KEYS.has(k.toLowerCase()) ? v : 'REDACTED')
    u.search = q.toString()
  }
  return box.scrub(u.toString(), {passwords: false})
}

/** Keys of a token endpoint's 2xx answer that carry no secret (token.md, RFC 6749 §5.1): the rest is redacted. */
const SAFE_TOKEN_ANSWER_KEYS = new Set([
  'expires_in', 'expires_at', 'issued_at', 'scope', 'scopes', 'token_type', 'refresh_expires_in', 'not_before',
  'iat', 'exp', 'nbf',
])

interface JsonPolicy {
  /** Look for the user's password too (a token endpoint's answer). */
  passwords: boolean
  /** A token endpoint's 2xx answer: every string value is a secret unless its key is known safe. */
  tokenAnswer: boolean
}

/** JSON values under secret keys become RedactedSecret objects; the structure stays so a reader sees what came back. */
export function redactJson(value: unknown, box: SecretBox, policy: Partial<JsonPolicy> = {}): unknown {
  return box.disabled ? value : jsonValue(value, box, {passwords: policy.passwords ?? true, tokenAnswer: policy.tokenAnswer ?? false}, 0, undefined)
}

function jsonValue(value: unknown, box: SecretBox, p: JsonPolicy, depth: number, key: string | undefined): unknown {
  if (depth > 32) return p.tokenAnswer ? '<redacted: nested too deep>' : value
  if (Array.isArray(value)) return value.map((v) => jsonValue(v, box, p, depth + 1, key))
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const lower = k.toLowerCase()
      if (SECRET_JSON_KEYS.has(lower) && typeof v === 'string' && v.length > 0) out[k] = redactSecret(v, lower === 'auth' ? 'basic' : undefined)
      else out[k] = jsonValue(v, box, p, depth + 1, lower)
    }
    return out
  }
  if (typeof value !== 'string') return value
  if (p.tokenAnswer && value.length > 0 && !(key && SAFE_TOKEN_ANSWER_KEYS.has(key))) return redactSecret(value)
  return box.scrub(redactUrlUserinfo(value), {passwords: p.passwords})
}

export function redactForm(body: string, box: SecretBox): string {
  if (box.disabled) return body
  const params = new URLSearchParams(body)
  const out: string[] = []
  for (const [k, v] of params) {
    const shown = SECRET_FORM_KEYS.has(k.toLowerCase()) && v ? describeRedacted(redactSecret(v, k === 'password' ? 'password' : undefined)) : box.scrub(v)
    out.push(`${k}=${shown}`)
  }
  return out.join('&')
}

/** A request body as recorded: a form or JSON by its fields, anything else cleaned of every known secret. */
export function redactRequestBody(body: string, contentType: string | undefined, box: SecretBox): string {
  if (contentType?.includes('application/x-www-form-urlencoded')) return redactForm(body, box)
  if (contentType?.includes('json')) {
    try {
      return JSON.stringify(redactJson(JSON.parse(body), box))
    } catch {}
  }
  return box.scrub(body)
}

/** How much of a non-JSON body the trace keeps to show a person (an HTML error page's title is enough). */
export const TEXT_PREVIEW_CHARS = 2000

export interface BodyToRecord {
  bytes: number
  text: string
  json: unknown
  contentType?: string
  truncated: boolean
  /** Set for an answer from a token endpoint (a realm): its status. */
  tokenAnswerStatus?: number
}

/**
 * A response body as the trace keeps it. From a token endpoint, a 2xx answer is a secret unless known safe: its JSON
 * keeps only safe keys' strings, other text only an HTML page's title (a realm pointing at a login page), never the
 * body itself (a token in a shape regprobe does not know, plain text or `{"data":{"jwt":…}}`). Its error answers are
 * searched for the user's password, which a token server may echo.
 */
export function recordBody(b: BodyToRecord, box: SecretBox): RecordedBody {
  const body: RecordedBody = {bytes: b.bytes, ...(b.contentType ? {contentType: b.contentType} : {})}
  if (b.truncated) body.truncated = true
  const realm = b.tokenAnswerStatus !== undefined
  const secretAnswer = realm && b.tokenAnswerStatus! >= 200 && b.tokenAnswerStatus! < 300 && !box.disabled
  if (b.json !== undefined) body.json = redactJson(b.json, box, {passwords: realm, tokenAnswer: secretAnswer})
  else if (b.text && secretAnswer) body.textPreview = htmlTitleOnly(b.text, b.contentType) ?? describeRedacted(redactSecret(b.text.trim()))
  else if (b.text) body.textPreview = box.scrub(redactUrlUserinfo(b.text.slice(0, TEXT_PREVIEW_CHARS)), {passwords: realm})
  return body
}

function htmlTitleOnly(text: string, contentType: string | undefined): string | undefined {
  if (!contentType?.includes('text/html')) return undefined
  const m = /<title[^>]*>([^<]{0,200})<\/title>/i.exec(text.slice(0, 4096))
  return m ? `<title>${m[1]}</title> (the rest of a token endpoint's 2xx page is not recorded)` : undefined
}

/** A recorded body as one line of text for a message: JSON with each redacted value as its marker. */
export function recordedText(body: RecordedBody | undefined): string {
  if (!body) return ''
  if (body.json === undefined) return body.textPreview ?? ''
  return JSON.stringify(body.json, (_k, v: unknown) => (v && typeof v === 'object' && (v as {redacted?: unknown}).redacted === true ? describeRedacted(v as Parameters<typeof describeRedacted>[0]) : v))
}
