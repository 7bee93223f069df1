/**
 * The parser behind parseWWWAuthenticate: one header value at a time, RFC 9110 §11 / RFC 7235 grammar, never
 * throwing; every problem is reported with its offset in the joined "v1, v2" form. The lexical reads (tokens,
 * token68, quoted strings, separators, recovery) are in challenge-scanner.ts; here, what they mean.
 */
import {redactUrlUserinfo} from '../http/redact.js'
import type {Challenge} from './challenge.js'
import {ChallengeScanner, isWS, snippet} from './challenge-scanner.js'

export {addProblem} from './challenge-scanner.js'

/**
 * Reads one header value as challenges (RFC 7235 §2.1: a scheme, then a token68 or auth-params), on the lexical
 * reads of ChallengeScanner; `base` places its offsets in the joined form.
 */
export class ValueParser extends ChallengeScanner {
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
}

/** The realm is one URL: its password is found by the URL parser (any character), else by its place in the text. */
function realmWithoutPassword(realm: string): string {
  try {
    const u = new URL(realm)
    if (!u.password) return redactUrlUserinfo(realm)
    u.password = 'REDACTED'
    return u.href
  } catch {
    return redactUrlUserinfo(realm)
  }
}

function withConvenienceCopies(c: Challenge): Challenge {
  const p = c.params
  const copy = (key: string): string | undefined => (Object.hasOwn(p, key) ? p[key] : undefined)
  // A realm of user:password@host: the password is dropped here, where the challenge is read, so no output shows it.
  if (p.realm !== undefined) {
    const safe = realmWithoutPassword(p.realm)
    if (safe !== p.realm) {
      p.realm = safe
      c.raw = redactUrlUserinfo(c.raw)
    }
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
