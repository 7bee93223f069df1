import {createHash} from 'node:crypto'
import type {RedactedSecret} from '../trace/types.js'

/**
 * One redaction policy, applied once when an exchange is recorded (style.md rule 6).
 * Allow-list for query keys (as go-containerregistry's internal/redact does), deny-list for headers and JSON keys
 * that registries and token servers use for secrets, plus a scrubber for every secret value this run has seen,
 * raw, base64 and URL-encoded, as a last line of defence for free text (error messages, HTML previews).
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

export function sha256Prefix(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 8)
}

export function looksLikeJwt(value: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(value) && value.startsWith('ey')
}

export function redactSecret(secret: string, kind?: RedactedSecret['kind']): RedactedSecret {
  return {redacted: true, kind: kind ?? (looksLikeJwt(secret) ? 'jwt' : 'opaque'), length: secret.length, sha256: sha256Prefix(secret)}
}

export function describeRedacted(r: RedactedSecret): string {
  return `<redacted ${r.kind} ${r.length} chars sha256:${r.sha256}>`
}

/** Collects every secret seen in a run so that free text can be scrubbed of it in any encoding. */
export class SecretBox {
  private readonly secrets = new Map<string, RedactedSecret>()
  constructor(readonly disabled = false) {}

  add(secret: string | undefined, kind?: RedactedSecret['kind']): void {
    // Very short values would scrub ordinary words; a 1–3 character secret is its own problem (a finding elsewhere).
    if (!secret || secret.length < 4) return
    const r = redactSecret(secret, kind)
    for (const form of encodings(secret)) if (!this.secrets.has(form)) this.secrets.set(form, r)
  }

  addBasic(username: string, password: string): void {
    this.add(password, 'password')
    this.add(Buffer.from(`${username}:${password}`).toString('base64'), 'basic')
  }

  scrub(text: string): string {
    if (this.disabled || this.secrets.size === 0 || !text) return text
    let out = text
    // Longest first so that a base64 form is not half-replaced by a shorter raw form inside it.
    for (const [form, r] of [...this.secrets].sort((a, b) => b[0].length - a[0].length)) {
      if (out.includes(form)) out = out.split(form).join(describeRedacted(r))
    }
    return out
  }

  get size(): number {
    return this.secrets.size
  }
}

function encodings(secret: string): string[] {
  const forms = new Set([secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')])
  try {
    forms.add(new URLSearchParams({x: secret}).toString().slice(2))
  } catch {}
  return [...forms].filter((f) => f.length >= 4)
}

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
    else out[lower] = box.scrub(v)
  }
  return out
}

/** Query keys of a presigned URL whose values grant access (S3, GCS, Azure SAS, CloudFront, Docker Hub's CDN). */
const PRESIGNED_SECRET_KEY = /signature|credential|token|^sig$|^se?$|key-pair-id|^policy$|^verify$/i

/**
 * A Location value, absolute or relative, with its query values redacted as a request URL's are. The secret values
 * of a presigned URL also join the run's secrets here, before the same response's body is recorded: a storage or a
 * registry repeats them in bodies (a 307's HTML link, S3's SignatureDoesNotMatch).
 */
function redactLocation(value: string, box: SecretBox): string {
  const withoutQuery = () => box.scrub(value.split('?')[0]!)
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
    return box.scrub(url)
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
  return box.scrub(u.toString())
}

/** JSON values under secret keys become RedactedSecret objects; the structure stays so a reader sees what came back. */
export function redactJson(value: unknown, box: SecretBox, depth = 0): unknown {
  if (box.disabled || depth > 32) return value
  if (Array.isArray(value)) return value.map((v) => redactJson(v, box, depth + 1))
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (SECRET_JSON_KEYS.has(k.toLowerCase()) && typeof v === 'string' && v.length > 0) {
        out[k] = redactSecret(v, k.toLowerCase() === 'auth' ? 'basic' : undefined)
      } else out[k] = redactJson(v, box, depth + 1)
    }
    return out
  }
  if (typeof value === 'string') return box.scrub(value)
  return value
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
