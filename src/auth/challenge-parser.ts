/**
 * The scanner behind parseWWWAuthenticate: one header value at a time, RFC 9110 §11 / RFC 7235 grammar, never
 * throwing; every problem is reported with its offset in the joined "v1, v2" form.
 */
import {redactUrlUserinfo} from '../http/redact.js'
import type {Challenge, ChallengeProblem, ParsedChallenges} from './challenge.js'

const MAX_PROBLEMS = 50
/** Header text quoted in a problem message is cut here. */
const MAX_SNIPPET = 40

// tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
const TCHAR_PUNCTUATION = "!#$%&'*+-.^_`|~"
// token68 = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
const TOKEN68_PUNCTUATION = '-._~+/'

function isAlnum(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}
function isTchar(c: string): boolean {
  return isAlnum(c) || TCHAR_PUNCTUATION.includes(c)
}
function isToken68Char(c: string): boolean {
  return isAlnum(c) || TOKEN68_PUNCTUATION.includes(c)
}
// OWS = *( SP / HTAB )
function isWS(c: string | undefined): boolean {
  return c === ' ' || c === '\t'
}


export function addProblem(out: ParsedChallenges, p: ChallengeProblem): void {
  if (out.problems.length < MAX_PROBLEMS) out.problems.push(p)
}

function snippet(s: string): string {
  return JSON.stringify(s.length > MAX_SNIPPET ? `${s.slice(0, MAX_SNIPPET)}…` : s)
}


/** Scans one header value; `base` places its offsets in the joined form. */
export class ValueParser {
  private i = 0

  constructor(
    private readonly s: string,
    private readonly base: number,
    private readonly out: ParsedChallenges,
  ) {}

  // WWW-Authenticate = 1#challenge
  // 1#element => element *( OWS "," OWS element ); empty list elements are accepted and ignored (RFC 9110 §5.6.1)
  run(): void {
    const s = this.s
    for (;;) {
      this.skipSeparators()
      if (this.i >= s.length) return
      const start = this.i
      // auth-scheme = token
      const scheme = this.readToken()
      if (scheme.length === 0) {
        this.problem('challenge.missing-scheme', `expected an auth-scheme, found ${snippet(s.slice(start))}`, start)
        this.skipToComma()
        continue
      }
      const afterScheme = this.i
      this.skipOWS()
      if (s[this.i] === '=') {
        // A token followed by "=" is an auth-param: the header starts (or goes on) without a scheme.
        this.problem('challenge.missing-scheme', `parameter ${snippet(scheme)} has no auth-scheme before it`, start)
        this.i = start
        this.parseParams({scheme: '', params: {}, raw: ''})
        continue
      }
      this.i = afterScheme
      const challenge: Challenge = {scheme: scheme.toLowerCase(), params: {}, raw: ''}
      // challenge = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
      let end = afterScheme
      const next = s[this.i]
      if (next !== undefined && next !== ',') {
        if (!isWS(next)) {
          this.problem('challenge.trailing-garbage', `unexpected ${snippet(next)} right after the scheme ${snippet(scheme)}`, this.i)
          this.skipToComma()
          end = this.i
        } else {
          this.skipOWS()
          const token68 = this.tryToken68()
          if (token68 !== undefined) {
            challenge.token68 = token68
            end = this.i
          } else {
            end = Math.max(end, this.parseParams(challenge))
          }
        }
      }
      challenge.raw = s.slice(start, end).trim()
      this.out.challenges.push(withConvenienceCopies(challenge))
    }
  }

  // token68 is only taken when nothing but OWS follows it before "," or the end: otherwise the same characters
  // start an auth-param ("realm=…" would otherwise read as the token68 "realm=").
  private tryToken68(): string | undefined {
    const s = this.s
    let j = this.i
    while (j < s.length && isToken68Char(s[j]!)) j++
    if (j === this.i) return undefined
    while (s[j] === '=') j++
    let k = j
    while (isWS(s[k])) k++
    if (k < s.length && s[k] !== ',') return undefined
    const token68 = s.slice(this.i, j)
    this.i = j
    return token68
  }

  /**
   * #auth-param after a scheme. Stops, leaving `i` on it, at a token that is not followed by BWS "=": that is
   * the next challenge's scheme. Returns the end of the last element it consumed.
   */
  private parseParams(challenge: Challenge): number {
    const s = this.s
    let end = this.i
    // Whether a "," (or a tolerated missing one) precedes this element. Only then may a bare token start the
    // next challenge; right after "Bearer " a token without "=" is just a broken parameter.
    let separated = false
    for (;;) {
      const beforeSeparators = this.i
      this.skipSeparators()
      if (s.slice(beforeSeparators, this.i).includes(',')) separated = true
      if (this.i >= s.length) return end
      const elementStart = this.i
      // auth-param = token BWS "=" BWS ( token / quoted-string )
      const name = this.readToken()
      if (name.length === 0) {
        const what = s[this.i] === '=' ? '"=" without a parameter name' : `unexpected ${snippet(s.slice(this.i))}`
        this.problem('challenge.bad-param', `${what} in the ${snippet(challenge.scheme)} challenge`, elementStart)
        this.skipToComma()
        end = this.i
        continue
      }
      const afterName = this.i
      this.skipOWS()
      if (s[this.i] !== '=') {
        const following = s[afterName]
        if (separated && (following === undefined || following === ',' || isWS(following))) {
          // A token followed by SP, "," or the end, not "=": the next challenge's auth-scheme.
          this.i = elementStart
          return end
        }
        const found = this.i < s.length ? snippet(s.slice(this.i)) : 'the end'
        this.problem('challenge.bad-param', `parameter ${snippet(name)} is followed by ${found}, not "="`, elementStart)
        this.i = afterName
        this.skipToComma()
        end = this.i
        separated = false
        continue
      }
      this.i++ // "="
      this.skipOWS()
      const value = this.readValue(name)
      this.setParam(challenge, name, value, elementStart)
      end = this.i
      separated = false
      // After a value only OWS, then "," or the end, may follow.
      const afterValue = this.i
      this.skipOWS()
      if (this.i < s.length && s[this.i] !== ',') {
        if (this.i > afterValue) {
          // Whitespace then more text: a forgotten comma. Go on as if it were there, so that
          // 'Bearer realm="a" Basic realm="b"' still yields both challenges.
          this.problem('challenge.missing-comma', `missing "," before ${snippet(s.slice(this.i))}`, this.i)
          separated = true
        } else {
          this.problem('challenge.trailing-garbage', `unexpected ${snippet(s.slice(this.i))} after parameter ${snippet(name)}`, this.i)
          this.skipToComma()
        }
      }
    }
  }

  // token / quoted-string; plus the ad-hoc unquoted URL that some servers send (realm=https://x/token)
  private readValue(name: string): string {
    const s = this.s
    if (s[this.i] === '"') return this.readQuoted(name)
    const start = this.i
    const token = this.readToken()
    const next = s[this.i]
    if (next === undefined || next === ',' || isWS(next)) {
      if (token.length === 0) {
        this.problem('challenge.empty-value', `parameter ${snippet(name)} has no value`, start)
      }
      return token
    }
    // RFC 7235 wants a quoted-string here; take everything up to the next "," as distribution's users would
    // expect (its parser would stop at the ':' and read the realm as "https").
    let j = this.i
    while (j < s.length && s[j] !== ',') j++
    const value = s.slice(start, j).replace(/[ \t]+$/, '')
    this.problem(
      'challenge.unquoted-value-with-separators',
      `the value of ${snippet(name)} is not quoted but contains separators: ${snippet(value)}`,
      start,
    )
    this.i = start + value.length
    return value
  }

  // quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE
  // qdtext        = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text
  // quoted-pair   = "\" ( HTAB / SP / VCHAR / obs-text )
  private readQuoted(name: string): string {
    const s = this.s
    const open = this.i
    const parts: string[] = []
    let runStart = open + 1
    let j = open + 1
    while (j < s.length) {
      const c = s[j]
      if (c === '"') {
        parts.push(s.slice(runStart, j))
        this.i = j + 1
        return parts.join('')
      }
      if (c === '\\' && j + 1 < s.length) {
        parts.push(s.slice(runStart, j), s[j + 1]!)
        j += 2
        runStart = j
        continue
      }
      j++
    }
    // Lenient: keep what was there, so the realm or scope is still visible in the trace.
    parts.push(s.slice(runStart, s.length).replace(/\\$/, ''))
    this.problem('challenge.unterminated-quote', `the quoted value of ${snippet(name)} has no closing quote`, open)
    this.i = s.length
    return parts.join('')
  }

  private setParam(challenge: Challenge, name: string, value: string, at: number): void {
    const key = name.toLowerCase()
    if (Object.hasOwn(challenge.params, key)) {
      this.problem(
        'challenge.duplicate-param',
        `parameter ${snippet(key)} appears twice in the ${snippet(challenge.scheme)} challenge; the first value is kept`,
        at,
      )
      return
    }
    // defineProperty, so a parameter called "__proto__" becomes data instead of touching the prototype.
    Object.defineProperty(challenge.params, key, {value, enumerable: true, writable: true, configurable: true})
  }

  // token = 1*tchar
  private readToken(): string {
    const start = this.i
    while (this.i < this.s.length && isTchar(this.s[this.i]!)) this.i++
    return this.s.slice(start, this.i)
  }

  private skipOWS(): void {
    while (isWS(this.s[this.i])) this.i++
  }

  // OWS "," OWS, any number of times (empty list elements)
  private skipSeparators(): void {
    while (isWS(this.s[this.i]) || this.s[this.i] === ',') this.i++
  }

  /** Recovery: move to the next "," outside a quoted-string, or the end. */
  private skipToComma(): void {
    const s = this.s
    while (this.i < s.length && s[this.i] !== ',') {
      if (s[this.i] === '"') {
        this.i++
        while (this.i < s.length && s[this.i] !== '"') this.i += s[this.i] === '\\' ? 2 : 1
      }
      this.i++
    }
    if (this.i > s.length) this.i = s.length
  }

  private problem(code: string, message: string, at: number): void {
    addProblem(this.out, {code, message, offset: this.base + at})
  }
}

function withConvenienceCopies(c: Challenge): Challenge {
  const p = c.params
  const copy = (key: string): string | undefined => (Object.hasOwn(p, key) ? p[key] : undefined)
  // A realm of user:password@host: the password is dropped here, where the challenge is read, so no output shows it.
  if (p.realm !== undefined && redactUrlUserinfo(p.realm) !== p.realm) {
    p.realm = redactUrlUserinfo(p.realm)
    c.raw = redactUrlUserinfo(c.raw)
  }
  const realm = copy('realm')
  const service = copy('service')
  const scope = copy('scope')
  const error = copy('error')
  const errorDescription = copy('error_description')
  if (realm !== undefined) c.realm = realm
  if (service !== undefined) c.service = service
  if (scope !== undefined) c.scope = scope
  if (error !== undefined) c.error = error
  if (errorDescription !== undefined) c.errorDescription = errorDescription
  return c
}
