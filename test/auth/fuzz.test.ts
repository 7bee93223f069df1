/**
 * Property-based tests of the pure parsers. Each property runs thousands of generated inputs; the whole file
 * is meant to stay under about 5 s. A failure prints the shrunk counterexample and the seed to replay it.
 */
import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {parseWWWAuthenticate, type ParsedChallenges} from '../../src/auth/challenge.js'
import {formatScope, parseScope, parseScopes, type ResourceScope} from '../../src/auth/scope.js'
import {decodeJwt} from '../../src/auth/jwt.js'
import {tokenRequestUrl} from '../../src/auth/token-url.js'
import {parseReference, parseRegistry} from '../../src/reference.js'
import {UsageError} from '../../src/errors.js'

const RUNS = 5000

const TCHARS = [..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~"]
const TOKEN68_CHARS = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~+/']
/** Characters that matter to the header grammar, to reach deep paths more often than uniform text would. */
const HEADER_CHARS = [...'aBz09=",\\ \t/:;!{}()?é✓\u0000\r\n'.split(''), 'Bearer', 'Basic', 'realm', 'scope']

const token = (max = 10): fc.Arbitrary<string> => fc.string({unit: fc.constantFrom(...TCHARS), minLength: 1, maxLength: max})
const ows = fc.constantFrom('', ' ', '\t', '  ', ' \t')

// -------------------------------------------------------------------------------------------------
// WWW-Authenticate

interface GenChallenge {
  scheme: string
  params: Array<[string, string]>
  token68?: string
}

/** Param values: mostly the characters quoting must get right, plus any code point now and then. */
const valueArb = fc.string({
  unit: fc.oneof(
    {arbitrary: fc.constantFrom('"', '\\', ',', ' ', '\t', '=', ';', 'é', '✓'), weight: 2},
    {arbitrary: fc.constantFrom(...TCHARS), weight: 3},
    {arbitrary: fc.string({unit: 'binary', minLength: 1, maxLength: 1}), weight: 1},
  ),
  maxLength: 24,
})
const paramsArb = fc.uniqueArray(fc.tuple(token(12), valueArb), {
  maxLength: 5,
  selector: ([k]) => k.toLowerCase(),
})
const token68Arb = fc
  .tuple(fc.string({unit: fc.constantFrom(...TOKEN68_CHARS), minLength: 1, maxLength: 20}), fc.integer({min: 0, max: 2}))
  .map(([body, pad]) => body + '='.repeat(pad))
const challengeArb: fc.Arbitrary<GenChallenge> = fc.oneof(
  fc.record({scheme: token(), params: paramsArb}),
  fc.record({scheme: token(), params: fc.constant([] as Array<[string, string]>), token68: token68Arb}),
)

/** Case changes of a token that the parser must fold. */
const recase = (s: string, how: number): string => (how === 0 ? s : how === 1 ? s.toUpperCase() : s.toLowerCase())
const isToken = (s: string): boolean => s.length > 0 && [...s].every((c) => TCHARS.includes(c))
const quote = (v: string): string => `"${v.replace(/["\\]/g, (m) => `\\${m}`)}"`

/** Serialise with random but legal whitespace, case and quoting; returns one string or several header values. */
const serialisedArb = fc
  .record({
    challenges: fc.array(challengeArb, {minLength: 1, maxLength: 4}),
    layout: fc.array(fc.record({how: fc.nat(2), a: ows, b: ows, sp: fc.constantFrom(' ', '  '), bare: fc.boolean(), empty: fc.boolean()}), {
      minLength: 40,
      maxLength: 40,
    }),
    splitAt: fc.array(fc.boolean(), {minLength: 4, maxLength: 4}),
  })
  .map(({challenges, layout, splitAt}) => {
    let n = 0
    const next = () => layout[n++ % layout.length]!
    const rendered = challenges.map((c) => {
      const l = next()
      if (c.token68 !== undefined) return `${recase(c.scheme, l.how)}${l.sp}${c.token68}`
      if (c.params.length === 0) return recase(c.scheme, l.how)
      const params = c.params.map(([k, v]) => {
        const p = next()
        const value = p.bare && isToken(v) ? v : quote(v)
        return `${recase(k, p.how)}${p.a}=${p.b}${value}`
      })
      const sep = () => {
        const s = next()
        return `${s.a},${s.empty ? ' ,' : ''}${s.b}`
      }
      return `${recase(c.scheme, l.how)}${l.sp}${params.reduce((acc, p) => `${acc}${sep()}${p}`)}`
    })
    const values: string[] = [rendered[0]!]
    for (let i = 1; i < rendered.length; i++) {
      if (splitAt[i]) values.push(rendered[i]!)
      else values[values.length - 1] += `${next().a},${next().b}${rendered[i]}`
    }
    return {challenges, header: values.length === 1 ? values[0]! : values}
  })

function checkInvariants(input: unknown, parsed: ParsedChallenges): void {
  const joined = Array.isArray(input) ? input.map((v) => (typeof v === 'string' ? v : '')).join(', ') : typeof input === 'string' ? input : ''
  assert.ok(parsed.problems.length <= 51)
  for (const p of parsed.problems) {
    assert.match(p.code, /^challenge\.[a-z-]+$/)
    if (p.offset !== undefined) assert.ok(p.offset >= 0 && p.offset <= joined.length, `offset ${p.offset} outside ${joined.length}`)
  }
  for (const c of parsed.challenges) {
    assert.ok(c.scheme.length > 0 && c.scheme === c.scheme.toLowerCase())
    for (const k of Object.keys(c.params)) assert.equal(k, k.toLowerCase())
    assert.ok(joined.includes(c.raw), 'raw must be a slice of the input')
  }
}

const mutationArb = fc.record({
  kind: fc.constantFrom('insert', 'delete', 'duplicate', 'truncate', 'swap'),
  at: fc.nat(),
  len: fc.integer({min: 1, max: 6}),
  text: fc.constantFrom(...HEADER_CHARS),
})

function mutate(s: string, ms: Array<{kind: string; at: number; len: number; text: string}>): string {
  for (const m of ms) {
    const at = m.at % (s.length + 1)
    if (m.kind === 'insert') s = s.slice(0, at) + m.text + s.slice(at)
    else if (m.kind === 'delete') s = s.slice(0, at) + s.slice(at + m.len)
    else if (m.kind === 'duplicate') s = s.slice(0, at + m.len) + s.slice(at)
    else if (m.kind === 'truncate') s = s.slice(0, at)
    else s = s.slice(0, at) + s.slice(at + m.len, at + 2 * m.len) + s.slice(at, at + m.len) + s.slice(at + 2 * m.len)
  }
  return s
}

describe('parseWWWAuthenticate properties', () => {
  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({unit: 'binary', maxLength: 200}), (s) => checkInvariants(s, parseWWWAuthenticate(s))),
      {numRuns: RUNS},
    )
  })

  it('never throws on grammar-heavy text, alone or as several values', () => {
    const text = fc.string({unit: fc.constantFrom(...HEADER_CHARS), maxLength: 60})
    fc.assert(
      fc.property(fc.oneof(text, fc.array(text, {maxLength: 4})), (v) => checkInvariants(v, parseWWWAuthenticate(v))),
      {numRuns: RUNS},
    )
  })

  it('never throws on values of the wrong type', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.array(fc.anything(), {maxLength: 3})), (v) => {
        parseWWWAuthenticate(v as string[])
      }),
      {numRuns: 1000},
    )
  })

  it('never throws on well-formed challenges after random mutations', () => {
    fc.assert(
      fc.property(serialisedArb, fc.array(mutationArb, {minLength: 1, maxLength: 4}), ({header}, ms) => {
        const mutated = Array.isArray(header) ? header.map((h) => mutate(h, ms)) : mutate(header, ms)
        checkInvariants(mutated, parseWWWAuthenticate(mutated))
      }),
      {numRuns: RUNS},
    )
  })

  it('round trip: a serialised well-formed list parses back to the same schemes, params and token68', () => {
    fc.assert(
      fc.property(serialisedArb, ({challenges, header}) => {
        const parsed = parseWWWAuthenticate(header)
        assert.deepEqual(parsed.problems, [])
        assert.deepEqual(
          parsed.challenges.map((c) => ({scheme: c.scheme, params: {...c.params}, token68: c.token68})),
          challenges.map((c) => ({
            scheme: c.scheme.toLowerCase(),
            params: Object.fromEntries(c.params.map(([k, v]) => [k.toLowerCase(), v])),
            token68: c.token68,
          })),
        )
      }),
      {numRuns: RUNS},
    )
  })
})

// -------------------------------------------------------------------------------------------------
// References

const REF_CHARS = [...'abcXYZ019:/@._-[]'.split(''), 'sha256:', 'localhost', 'docker.io', 'a'.repeat(64)]

function returnsOrUsageError(fn: () => unknown): void {
  try {
    fn()
  } catch (err) {
    if (!(err instanceof UsageError)) throw err
    assert.match(err.code, /^(reference|registry)\.[a-z-]+$/)
  }
}

const alnum = fc.string({unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'), minLength: 1, maxLength: 8})
const componentArb = fc
  .tuple(alnum, fc.array(fc.tuple(fc.constantFrom('.', '_', '__', '-', '---'), alnum), {maxLength: 2}))
  .map(([head, rest]) => head + rest.map(([sep, a]) => sep + a).join(''))
const registryArb = fc.oneof(
  fc.constant(''),
  fc.constantFrom('docker.io/', 'index.docker.io/', 'registry-1.docker.io/', 'localhost/', 'ghcr.io/', '[::1]:5000/', '127.0.0.1:5000/'),
  fc.tuple(alnum, alnum, fc.option(fc.integer({min: 1, max: 65535}), {nil: undefined})).map(([a, b, port]) => `${a}.${b}${port ? `:${port}` : ''}/`),
)
const validRefArb = fc
  .record({
    registry: registryArb,
    path: fc.array(componentArb, {minLength: 1, maxLength: 3}),
    tag: fc.option(fc.stringMatching(/^\w[\w.-]{0,20}$/), {nil: undefined}),
    digest: fc.option(fc.stringMatching(/^[0-9a-f]{64}$/), {nil: undefined}),
  })
  // Without a registry, a first component with a '.' would itself be read as a registry (docker's rule).
  .map(({registry, path, tag, digest}) => {
    const [first, ...rest] = path
    const head = registry === '' && rest.length > 0 ? first!.replace(/\./g, '-') : first!
    return `${registry}${[head, ...rest].join('/')}${tag ? `:${tag}` : ''}${digest ? `@sha256:${digest}` : ''}`
  })

describe('parseReference and parseRegistry properties', () => {
  it('parseReference returns or throws a UsageError for arbitrary text', () => {
    fc.assert(fc.property(fc.string({unit: 'binary', maxLength: 120}), (s) => returnsOrUsageError(() => parseReference(s))), {numRuns: RUNS})
  })

  it('parseReference returns or throws a UsageError for reference-like text', () => {
    const text = fc.string({unit: fc.constantFrom(...REF_CHARS), maxLength: 30})
    fc.assert(fc.property(text, (s) => returnsOrUsageError(() => parseReference(s))), {numRuns: RUNS})
  })

  it('parseRegistry returns or throws a UsageError for arbitrary and registry-like text', () => {
    const text = fc.oneof(fc.string({unit: 'binary', maxLength: 60}), fc.string({unit: fc.constantFrom(...REF_CHARS, 'http://', 'https://'), maxLength: 12}))
    fc.assert(fc.property(text, (s) => returnsOrUsageError(() => parseRegistry(s))), {numRuns: RUNS})
  })

  it('a valid reference parses, and its canonical form parses to itself', () => {
    fc.assert(
      fc.property(validRefArb, (s) => {
        const ref = parseReference(s)
        const again = parseReference(ref.canonical)
        assert.equal(again.canonical, ref.canonical)
        assert.equal(again.repository, ref.repository)
        assert.equal(again.registry.host, ref.registry.host)
        assert.equal(ref.reference, ref.digest ?? ref.tag)
      }),
      {numRuns: RUNS},
    )
  })

  it('a password in USER:PASSWORD@… input never appears in an error', () => {
    const secret = fc.stringMatching(/^[A-Z][A-Za-z0-9]{7,15}$/).map((s) => `Zq${s}`)
    fc.assert(
      fc.property(fc.constantFrom('', 'https://', 'http://'), secret, fc.constantFrom('host', 'host:5000', 'host/app', 'reg.io/a/b:1'), (scheme, pw, rest) => {
        const input = `${scheme}alice:${pw}@${rest}`
        for (const parse of [parseReference, parseRegistry]) {
          try {
            parse(input)
          } catch (err) {
            assert.ok(err instanceof UsageError)
            assert.ok(!err.message.includes(pw) && !(err.hint ?? '').includes(pw), err.message)
          }
        }
      }),
      {numRuns: 1000},
    )
  })
})

// -------------------------------------------------------------------------------------------------
// Scopes, JWTs, token URLs

const scopeArb: fc.Arbitrary<ResourceScope> = fc
  .record({
    type: fc.stringMatching(/^[a-z0-9_-]{1,10}$/),
    resourceClass: fc.option(fc.stringMatching(/^[a-z0-9]{1,8}$/), {nil: undefined}),
    // Names may hold ':' (host:port); nothing else in them is special once split on the first and last colon.
    name: fc.stringMatching(/^[a-z0-9._\/:-]{1,30}$/),
    actions: fc.array(fc.stringMatching(/^[a-z*-]{1,8}$/), {maxLength: 4}),
  })
  .map(({resourceClass, ...rest}) => (resourceClass === undefined ? rest : {...rest, resourceClass}))

describe('scope, JWT and token URL properties', () => {
  it('parseScope(formatScope(s)) gives s back', () => {
    fc.assert(fc.property(scopeArb, (s) => assert.deepEqual(parseScope(formatScope(s)), s)), {numRuns: RUNS})
  })

  it('parseScopes of a space-joined list gives every scope back, in order', () => {
    fc.assert(
      fc.property(fc.array(scopeArb, {maxLength: 4}), (list) => {
        assert.deepEqual(parseScopes(list.map(formatScope).join(' ')), {scopes: list, invalid: []})
      }),
      {numRuns: 2000},
    )
  })

  it('parseScope and parseScopes never throw', () => {
    fc.assert(
      fc.property(fc.string({unit: 'binary', maxLength: 60}), (s) => {
        parseScope(s)
        parseScopes(s)
      }),
      {numRuns: RUNS},
    )
  })

  it('decodeJwt never throws on arbitrary text or three base64url-ish segments', () => {
    const seg = fc.oneof(fc.base64String({maxLength: 40}), fc.string({unit: 'binary', maxLength: 20}))
    fc.assert(
      fc.property(fc.oneof(fc.string({unit: 'binary', maxLength: 80}), fc.tuple(seg, seg, seg).map((p) => p.join('.'))), (s) => {
        decodeJwt(s)
      }),
      {numRuns: RUNS},
    )
  })

  it('decodeJwt gives back the claims that were encoded', () => {
    const RESERVED = new Set(['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', 'access'])
    const claimsArb = fc.dictionary(
      fc.string({maxLength: 8}).filter((k) => !RESERVED.has(k)),
      fc.jsonValue({maxDepth: 2}),
      {maxKeys: 5},
    )
    fc.assert(
      fc.property(claimsArb, (claims) => {
        const seg = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
        const decoded = decodeJwt(`${seg({alg: 'RS256'})}.${seg(claims)}.c2ln`)
        assert.deepEqual(decoded?.claims, JSON.parse(JSON.stringify(claims)))
      }),
      {numRuns: 2000},
    )
  })

  it('tokenRequestUrl keeps every scope, in order, and sorts the keys', () => {
    const value = fc.string({unit: 'grapheme', maxLength: 20})
    fc.assert(
      fc.property(fc.array(value, {maxLength: 3}), fc.option(value, {nil: undefined}), fc.option(value, {nil: undefined}), (scopes, service, account) => {
        const url = new URL(tokenRequestUrl('https://auth.example/token?x=1', {scopes, service, account}))
        assert.deepEqual(url.searchParams.getAll('scope'), scopes)
        const keys = [...url.searchParams.keys()]
        assert.deepEqual(keys, [...keys].sort())
        if (service) assert.equal(url.searchParams.get('service'), service)
      }),
      {numRuns: 2000},
    )
  })
})
