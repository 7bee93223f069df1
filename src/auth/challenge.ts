/**
 * WWW-Authenticate parser (RFC 7235 §2.1 and §4.1, RFC 9110 §11 and §5.6), tolerant of what registries send.
 *
 * Why our own: distribution's Go parser reads one challenge per header line and cuts an unquoted realm URL at
 * the ':'; Node's fetch joins repeated headers with ", ", so several challenges arrive in one string. The npm
 * parsers handle one challenge per header. This one never throws: every deviation becomes a ChallengeProblem
 * and parsing goes on at the next list element.
 */
import {addProblem, ValueParser} from './challenge-parser.js'

export interface Challenge {
  /** Lower-cased: 'bearer', 'basic', … */
  scheme: string
  /** Lower-cased keys; on a repeated key the first value wins (and a problem is reported). */
  params: Record<string, string>
  token68?: string
  realm?: string
  service?: string
  scope?: string
  error?: string
  errorDescription?: string
  /** The slice of the header value this challenge came from. */
  raw: string
}

export interface ChallengeProblem {
  /**
   * 'challenge.empty', 'challenge.missing-scheme', 'challenge.unterminated-quote', 'challenge.duplicate-param',
   * 'challenge.bad-param', 'challenge.empty-value', 'challenge.unquoted-value-with-separators',
   * 'challenge.missing-comma', 'challenge.trailing-garbage', 'challenge.not-a-string'.
   */
  code: string
  message: string
  /** Index into the header values joined with ", " (what Node's Headers.get shows). */
  offset?: number
}

export interface ParsedChallenges {
  challenges: Challenge[]
  problems: ChallengeProblem[]
}

/** A hostile header must not turn into thousands of problems in the trace. */
export function parseWWWAuthenticate(values: string | string[] | undefined): ParsedChallenges {
  const out: ParsedChallenges = {challenges: [], problems: []}
  const list = values === undefined || values === null ? [] : Array.isArray(values) ? values : [values]
  let base = 0
  let sawContent = false
  for (const value of list) {
    if (typeof value !== 'string') {
      addProblem(out, {code: 'challenge.not-a-string', message: `a header value is a ${typeof value}, not a string`})
      continue
    }
    if (!/^[\s,]*$/.test(value)) {
      sawContent = true
      new ValueParser(value, base, out).run()
    }
    // Offsets follow the joined form "v1, v2" because that is the string a Node caller sees.
    base += value.length + 2
  }
  if (!sawContent) {
    out.problems.unshift({code: 'challenge.empty', message: 'no challenge: the WWW-Authenticate header is missing or empty'})
  }
  return out
}

/**
 * Prefer the first Bearer, then the first Basic, else the first challenge. This is docker's order (its
 * authorizer tries the token handler before the basic one); ggcr takes whichever of the two comes first.
 */
export function pickChallenge(challenges: Challenge[]): Challenge | undefined {
  return (
    challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic') ?? challenges[0]
  )
}

/**
 * Serialises a challenge the way registries write it: params as quoted-strings joined by ',' with no spaces
 * (distribution's `realm=%q,service=%q`). Used by the sandbox registry and by the round-trip tests.
 */
export function formatChallenge(c: {scheme: string; params?: Record<string, string>; token68?: string}): string {
  if (c.token68 !== undefined) return `${c.scheme} ${c.token68}`
  const params = Object.entries(c.params ?? {}).map(([k, v]) => `${k}=${quoteString(v)}`)
  return params.length === 0 ? c.scheme : `${c.scheme} ${params.join(',')}`
}

// quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE ; escape exactly the two characters that need it
function quoteString(v: string): string {
  return `"${v.replace(/["\\]/g, (m) => `\\${m}`)}"`
}
