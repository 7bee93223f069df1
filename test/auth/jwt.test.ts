import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {decodeJwt, describeOpaqueToken} from '../../src/auth/jwt.js'

/** A FAKE token: real-looking header and claims, meaningless signature bytes. */
function jwt(header: unknown, claims: unknown, signature = 'ZmFrZS1zaWduYXR1cmU'): string {
  const seg = (v: unknown): string => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url')
  return `${seg(header)}.${seg(claims)}.${signature}`
}

// Header and claims as decoded from the FAKE tokens in fixtures/registries.json.
const HUB_HEADER = {alg: 'RS256', typ: 'JWT', x5c: ['MIIC+TCCAp+gAwIBAgIBADAKBggqhkjOPQQDAjBGMUQwQgYDVQQDEzs...FAKE']}
const HUB_CLAIMS = {
  access: [{type: 'repository', name: 'library/alpine', actions: ['pull']}],
  aud: 'registry.docker.io',
  exp: 1760000300,
  iat: 1760000000,
  iss: 'auth.docker.io',
  jti: 'bKHHqBFDcFqoozasqfUt',
  nbf: 1759999700,
  sub: '',
}
const QUAY_CLAIMS = {
  iss: 'quay',
  aud: 'quay.io',
  nbf: 1760000000,
  iat: 1760000000,
  exp: 1760003600,
  sub: '(anonymous)',
  access: [{type: 'repository', name: 'redhat/ubi8', actions: ['pull']}],
  context: {version: 2, entity_kind: 'anonymous', entity_reference: null},
}
const GHCR_TOKEN = Buffer.from('v1:acme/app:1760000000123456789').toString('base64')

describe('decodeJwt: registry tokens', () => {
  it('Docker Hub: x5c header, anonymous sub "", back-dated nbf', () => {
    const d = decodeJwt(jwt(HUB_HEADER, HUB_CLAIMS))
    assert.deepEqual(d?.header, {alg: 'RS256', typ: 'JWT', hasX5c: true, hasJwk: false})
    assert.deepEqual(d?.claims, HUB_CLAIMS)
    assert.deepEqual(d?.problems, [])
  })

  it('Docker Hub for a private repository: empty access list', () => {
    const d = decodeJwt(jwt(HUB_HEADER, {...HUB_CLAIMS, access: []}))
    assert.deepEqual(d?.claims.access, [])
  })

  it('Quay: kid header and a vendor claim kept as is', () => {
    const d = decodeJwt(jwt({typ: 'JWT', alg: 'RS256', kid: 'quay-service-key-FAKE'}, QUAY_CLAIMS))
    assert.deepEqual(d?.header, {alg: 'RS256', typ: 'JWT', kid: 'quay-service-key-FAKE', hasX5c: false, hasJwk: false})
    assert.deepEqual(d?.claims['context'], QUAY_CLAIMS.context)
    assert.equal(d?.claims.sub, '(anonymous)')
  })

  it('registry:2 token server: libtrust kid, catalog wildcard', () => {
    const kid = 'PYYO:TEWU:V7JH:26JV:AQTZ:LJC3:SXVJ:XGHA:34F2:2LAQ:ZRMK:Z7Q6'
    const d = decodeJwt(jwt({typ: 'JWT', alg: 'ES256', kid}, {iss: 'acme-auth', access: [{type: 'registry', name: 'catalog', actions: ['*']}]}))
    assert.equal(d?.header.kid, kid)
    assert.deepEqual(d?.claims.access, [{type: 'registry', name: 'catalog', actions: ['*']}])
  })

  it('a jwk header and an audience list', () => {
    const d = decodeJwt(jwt({alg: 'ES256', jwk: {kty: 'EC'}}, {aud: ['a', 'b']}))
    assert.equal(d?.header.hasJwk, true)
    assert.deepEqual(d?.claims.aud, ['a', 'b'])
  })

  it('an unsigned token (alg none, empty signature) still decodes', () => {
    assert.equal(decodeJwt(jwt({alg: 'none'}, {sub: 'x'}, ''))?.claims.sub, 'x')
  })

  it('tolerates base64 padding and the standard alphabet', () => {
    const header = Buffer.from(JSON.stringify({alg: 'RS256'})).toString('base64')
    const claims = Buffer.from(JSON.stringify({sub: '>>>???'})).toString('base64')
    assert.ok(/[=+/]/.test(header + claims), 'fixture should exercise padding or +/')
    assert.equal(decodeJwt(`${header}.${claims}.sig`)?.claims.sub, '>>>???')
  })

  it('UTF-8 claims', () => {
    assert.equal(decodeJwt(jwt({alg: 'RS256'}, {sub: 'zoë ✓'}))?.claims.sub, 'zoë ✓')
  })
})

describe('decodeJwt: claims of the wrong shape are reported, not trusted', () => {
  const cases: Array<{name: string; claims: Record<string, unknown>; check: (d: NonNullable<ReturnType<typeof decodeJwt>>) => void; problem: RegExp}> = [
    {
      name: 'access is an object, not a list',
      claims: {access: {type: 'repository'}},
      check: (d) => assert.equal(d.claims.access, undefined),
      problem: /claim "access" is an object/,
    },
    {
      name: 'an access entry without a name is dropped, the others kept',
      claims: {access: [{type: 'repository', actions: ['pull']}, {type: 'repository', name: 'a', actions: ['pull']}]},
      check: (d) => assert.deepEqual(d.claims.access, [{type: 'repository', name: 'a', actions: ['pull']}]),
      problem: /access\[0\] lacks a string "type" or "name"/,
    },
    {
      name: 'actions as a comma-joined string',
      claims: {access: [{type: 'repository', name: 'a', actions: 'pull,push'}]},
      check: (d) => assert.deepEqual(d.claims.access, []),
      problem: /access\[0\]\.actions is a string/,
    },
    {
      name: 'exp as a string',
      claims: {exp: '1760000300'},
      check: (d) => assert.equal(d.claims.exp, undefined),
      problem: /claim "exp" is a string/,
    },
    {
      name: 'aud as a number',
      claims: {aud: 5},
      check: (d) => assert.equal(d.claims.aud, undefined),
      problem: /claim "aud" is a number/,
    },
  ]
  for (const c of cases) {
    it(c.name, () => {
      const d = decodeJwt(jwt({alg: 'RS256'}, c.claims))
      assert.ok(d)
      c.check(d)
      assert.ok(d.problems.some((p) => c.problem.test(p)), JSON.stringify(d.problems))
    })
  }

  it('null actions (a Go nil slice) mean nothing granted, without a problem', () => {
    const d = decodeJwt(jwt({alg: 'RS256'}, {access: [{type: 'repository', name: 'a', actions: null}]}))
    assert.deepEqual(d?.claims.access, [{type: 'repository', name: 'a', actions: []}])
    assert.deepEqual(d?.problems, [])
  })
})

describe('decodeJwt: not a JWT', () => {
  const cases: Array<[string, string]> = [
    ['GHCR token (base64 of v1:repo:number)', GHCR_TOKEN],
    ['empty string', ''],
    ['two segments', 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0'],
    ['four segments', `${jwt({alg: 'RS256'}, {})}.extra`],
    ['five segments (JWE)', 'a.b.c.d.e'],
    ['payload is not JSON', `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from('not json').toString('base64url')}.sig`],
    ['payload is a JSON array', jwt({alg: 'RS256'}, [1, 2])],
    ['payload is JSON null', jwt({alg: 'RS256'}, 'null')],
    ['header is a JSON string', jwt('"RS256"', {sub: 'x'})],
    ['invalid characters in a segment', `${jwt({alg: 'RS256'}, {}).slice(0, -3)}!!!`],
    ['empty header segment', `.${Buffer.from('{}').toString('base64url')}.sig`],
    ['a Docker Hub PAT', 'dckr_pat_0123456789abcdef'],
  ]
  for (const [name, token] of cases) it(name, () => assert.equal(decodeJwt(token), undefined))
})

describe('describeOpaqueToken', () => {
  it('GHCR token: names the format and repository, never the number', () => {
    const text = describeOpaqueToken(GHCR_TOKEN)
    assert.equal(text, 'GHCR token: base64 of "v1:<repository>:<number>" for repository acme/app')
    assert.ok(!text?.includes('1760000000123456789'))
    assert.ok(!text?.includes(GHCR_TOKEN))
  })

  const kinds: Array<[string, string, RegExp]> = [
    ['GitHub classic PAT', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', /classic personal access token/],
    ['GitHub fine-grained PAT', 'github_pat_11ABCDEFG0123456789_abcdefghijklmnop', /fine-grained/],
    ['GitHub Actions token', 'ghs_abcdefghijklmnopqrstuvwxyz0123456789', /Actions or app installation/],
    ['Docker Hub PAT', 'dckr_pat_abcdefghijklmnopqrstuvwxyz0', /Docker Hub personal access token/],
    ['GitLab PAT', 'glpat-abcdefghijklmnopqrst', /GitLab personal access token/],
  ]
  for (const [name, token, kind] of kinds) {
    it(`${name}: tells the kind without the value`, () => {
      const text = describeOpaqueToken(token)
      assert.match(text ?? '', kind)
      assert.ok(!text?.includes(token.slice(6)), 'the description must not contain the secret part')
    })
  }

  const nothing: Array<[string, string]> = [
    ['a JWT (use decodeJwt)', jwt({alg: 'RS256'}, {sub: 'x'})],
    ['random opaque text', 'kas9Da81Dfa8'],
    ['base64 of something else', Buffer.from('hello world, this is not ghcr').toString('base64')],
    ['GHCR-like but the number is not digits', Buffer.from('v1:acme/app:secret').toString('base64')],
    ['empty', ''],
  ]
  for (const [name, token] of nothing) it(`nothing for ${name}`, () => assert.equal(describeOpaqueToken(token), undefined))
})
