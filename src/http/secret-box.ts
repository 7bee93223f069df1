import {createHmac, randomBytes} from 'node:crypto'
import type {RedactedSecret} from '../trace/types.js'

/**
 * The key of this run's fingerprints. A plain SHA-256 prefix of a password lets anyone holding a CI log test guesses
 * offline; an HMAC under a key that lives only in this process does not, and two values still compare within a run.
 */
const RUN_KEY = randomBytes(32)

/** First 8 hex chars of HMAC-SHA256(value) under this run's random key: comparable within one run only. */
export function fingerprint(value: string): string {
  return createHmac('sha256', RUN_KEY).update(value).digest('hex').slice(0, 8)
}

export function looksLikeJwt(value: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(value) && value.startsWith('ey')
}

export function redactSecret(secret: string, kind?: RedactedSecret['kind']): RedactedSecret {
  return {redacted: true, kind: kind ?? (looksLikeJwt(secret) ? 'jwt' : 'opaque'), length: secret.length, sha256: fingerprint(secret)}
}

/** `hmac:` says what the fingerprint is: keyed per run, so it identifies a value within this output and nowhere else. */
export function describeRedacted(r: RedactedSecret): string {
  return `<redacted ${r.kind} ${r.length} chars hmac:${r.sha256}>`
}

/** A form this long is a token or a key, not a word: it is replaced wherever it appears. */
const LONG_FORM = 16

/**
 * Every secret of a run, so that free text recorded from a server (an error body, a header, a transport message) can
 * be cleaned of it in any encoding when it is recorded. Tokens and keys are searched everywhere. A password (it may be
 * an ordinary word: `true`, `status`, `latest`) is searched only where a server may echo it: a token endpoint's answer
 * and error messages about this login. A short form is replaced only as a whole word, never inside another word.
 * Rendered output is never searched: each value is redacted once, where it is recorded, by what it is.
 */
export class SecretBox {
  private readonly secrets = new Map<string, RedactedSecret>()
  private readonly passwords = new Map<string, RedactedSecret>()
  constructor(readonly disabled = false) {}

  add(secret: string | undefined, kind?: RedactedSecret['kind']): void {
    // Very short values would match ordinary words; a 1–3 character secret is its own problem (a finding elsewhere).
    if (!secret || secret.length < 4) return
    remember(this.secrets, secret, redactSecret(secret, kind))
  }

  /** A password: searched in a realm's answers and error messages; a long one (a pasted token) everywhere. */
  addPassword(password: string | undefined): void {
    if (!password || password.length < 4) return
    if (password.length >= LONG_FORM) this.add(password, 'password')
    else remember(this.passwords, password, redactSecret(password, 'password'))
  }

  addBasic(username: string, password: string): void {
    this.addPassword(password)
    this.add(Buffer.from(`${username}:${password}`).toString('base64'), 'basic')
  }

  /** `passwords: false` for what any server sends (a tag list may hold the word that is the password). */
  scrub(text: string, opts: {passwords?: boolean} = {}): string {
    if (this.disabled || !text) return text
    const all = opts.passwords === false ? [...this.secrets] : [...this.secrets, ...this.passwords]
    if (all.length === 0) return text
    let out = text
    // Longest first so that a base64 form is not half-replaced by a shorter raw form inside it.
    for (const [form, r] of all.sort((a, b) => b[0].length - a[0].length)) {
      if (!out.includes(form)) continue
      if (form.length >= LONG_FORM) out = out.split(form).join(describeRedacted(r))
      else out = out.replace(new RegExp(`(?<![A-Za-z0-9])${escapeRegExp(form)}(?![A-Za-z0-9])`, 'g'), describeRedacted(r))
    }
    return out
  }

  get size(): number {
    return this.secrets.size + this.passwords.size
  }
}

function remember(into: Map<string, RedactedSecret>, secret: string, r: RedactedSecret): void {
  for (const form of encodings(secret)) if (!into.has(form)) into.set(form, r)
}

function encodings(secret: string): string[] {
  const forms = new Set([secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')])
  try {
    forms.add(new URLSearchParams({x: secret}).toString().slice(2))
  } catch {}
  return [...forms].filter((f) => f.length >= 4)
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
