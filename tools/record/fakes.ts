import {randomInt} from 'node:crypto'
import {looksLikeJwt} from '../../src/http/redact.js'

/**
 * Same-shaped fakes for secrets in recorded fixtures. A replayed token must look like the real one to every parser
 * (JWT or not, its length, its alphabet, its claims) and be worthless as a credential. Pure apart from randomness.
 */

const LOWER = 'abcdefghijklmnopqrstuvwxyz'
const UPPER = LOWER.toUpperCase()
const DIGITS = '0123456789'

function pick(alphabet: string): string {
  return alphabet[randomInt(alphabet.length)]!
}

/** Each letter or digit becomes a random one of its class; everything else ('=', '-', '_', '.', ':') stays put. */
export function fakeOpaque(secret: string): string {
  let out = ''
  for (const ch of secret) {
    if (LOWER.includes(ch)) out += pick(LOWER)
    else if (UPPER.includes(ch)) out += pick(UPPER)
    else if (DIGITS.includes(ch)) out += pick(DIGITS)
    else out += ch
  }
  // A fake equal to the original would be no fake (a one-character class can repeat by chance).
  return out === secret && /[A-Za-z0-9]/.test(secret) ? fakeOpaque(secret) : out
}

/**
 * A JWT keeps its header and claims (they are not secret, and the tests read them), passed through `rewrite` (to
 * normalise hosts), and gets a random signature of the same length and alphabet.
 */
export function fakeJwt(token: string, rewrite: (s: string) => string = (s) => s): string {
  const [h, p, sig] = token.split('.')
  const re = (part: string) => {
    try {
      const text = Buffer.from(part, 'base64url').toString('utf8')
      JSON.parse(text)
      const next = rewrite(text)
      return next === text ? part : Buffer.from(next).toString('base64url')
    } catch {
      return part
    }
  }
  return `${re(h!)}.${re(p!)}.${fakeOpaque(sig ?? '')}`
}

export function fakeToken(token: string, rewrite?: (s: string) => string): string {
  return looksLikeJwt(token) ? fakeJwt(token, rewrite) : fakeOpaque(token)
}

/** Basic credentials keep the user name (it is in the URL as account= anyway) and get a fake password. */
export function fakeBasic(b64: string): string {
  const decoded = Buffer.from(b64, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) return Buffer.from(fakeOpaque(decoded)).toString('base64')
  return Buffer.from(`${decoded.slice(0, colon)}:${fakeOpaque(decoded.slice(colon + 1))}`).toString('base64')
}
