/**
 * The lexical half of the WWW-Authenticate parser (challenge-parser.ts): RFC 9110 §11 / RFC 7235 tokens, token68,
 * quoted strings, list separators and the recovery that skips to the next ",", over one header value. Never throws;
 * a problem is recorded with its offset in the joined "v1, v2" form.
 */
import type {ChallengeProblem, ParsedChallenges} from './challenge.js'

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
export function isWS(c: string | undefined): boolean {
  return c === ' ' || c === '\t'
}

export function addProblem(out: ParsedChallenges, p: ChallengeProblem): void {
  if (out.problems.length < MAX_PROBLEMS) out.problems.push(p)
}

export function snippet(s: string): string {
  return JSON.stringify(s.length > MAX_SNIPPET ? `${s.slice(0, MAX_SNIPPET)}…` : s)
}

/** A cursor over one header value; `base` places its offsets in the joined form. */
export class ChallengeScanner {
  protected i = 0

  constructor(
    protected readonly s: string,
    private readonly base: number,
    protected readonly out: ParsedChallenges,
  ) {}

  // token68 is only taken when nothing but OWS follows it before "," or the end: otherwise the same characters
  // start an auth-param ("realm=…" would otherwise read as the token68 "realm=").
  protected tryToken68(): string | undefined {
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

  // token / quoted-string; plus the ad-hoc unquoted URL that some servers send (realm=https://x/token)
  protected readValue(name: string): string {
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

  // token = 1*tchar
  protected readToken(): string {
    const start = this.i
    while (this.i < this.s.length && isTchar(this.s[this.i]!)) this.i++
    return this.s.slice(start, this.i)
  }

  protected skipOWS(): void {
    while (isWS(this.s[this.i])) this.i++
  }

  // OWS "," OWS, any number of times (empty list elements)
  protected skipSeparators(): void {
    while (isWS(this.s[this.i]) || this.s[this.i] === ',') this.i++
  }

  /** Recovery: move to the next "," outside a quoted-string, or the end. */
  protected skipToComma(): void {
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

  protected problem(code: string, message: string, at: number): void {
    addProblem(this.out, {code, message, offset: this.base + at})
  }
}
