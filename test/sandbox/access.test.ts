import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {authorize, bearerChallenge, requiredAccess, type RegistryAuth} from '../../src/sandbox/access.js'
import {createSigningKey, signJwt} from '../../src/sandbox/jwt-sign.js'
import {DEFAULT_RULES, DEFAULT_USERS} from '../../src/sandbox/rules.js'
import {basic} from './support.js'

const repo = (name: string) => ({kind: 'repository' as const, name})

describe('sandbox access controller', () => {
  const methods: Array<[string, string, ReturnType<typeof requiredAccess>]> = [
    ['GET pulls', 'GET', [{type: 'repository', name: 'a', actions: ['pull']}]],
    ['HEAD pulls', 'HEAD', [{type: 'repository', name: 'a', actions: ['pull']}]],
    ['POST pulls and pushes', 'POST', [{type: 'repository', name: 'a', actions: ['pull', 'push']}]],
    ['PUT pulls and pushes', 'PUT', [{type: 'repository', name: 'a', actions: ['pull', 'push']}]],
    ['PATCH pulls and pushes', 'PATCH', [{type: 'repository', name: 'a', actions: ['pull', 'push']}]],
    ['DELETE deletes', 'DELETE', [{type: 'repository', name: 'a', actions: ['delete']}]],
  ]
  for (const [name, method, want] of methods) it(`scope from method: ${name}`, () => assert.deepEqual(requiredAccess(method, repo('a')), want))

  it('/v2/ asks for nothing and the catalog for registry:catalog:*', () => {
    assert.deepEqual(requiredAccess('GET', {kind: 'base'}), [])
    assert.deepEqual(requiredAccess('GET', {kind: 'catalog'}), [{type: 'registry', name: 'catalog', actions: ['*']}])
  })

  it('a mount also asks for pull on the source repository', () => {
    assert.deepEqual(requiredAccess('POST', {kind: 'repository', name: 'dst', mountFrom: 'src'}), [
      {type: 'repository', name: 'dst', actions: ['pull', 'push']},
      {type: 'repository', name: 'src', actions: ['pull']},
    ])
  })

  it('builds the challenge like accesscontroller.go', () => {
    const records = [{type: 'repository', name: 'dst', actions: ['pull', 'push']}, {type: 'repository', name: 'src', actions: ['pull']}]
    assert.equal(
      bearerChallenge('http://r/token', 'svc', records, 'insufficient_scope'),
      'Bearer realm="http://r/token",service="svc",scope="repository:dst:pull,push repository:src:pull",error="insufficient_scope"',
    )
    assert.equal(bearerChallenge('http://r/token', 'svc', []), 'Bearer realm="http://r/token",service="svc"')
  })

  const key = createSigningKey()
  const now = Math.floor(Date.now() / 1000)
  const token: RegistryAuth = {kind: 'token', realm: 'http://r/token', service: 'svc', issuer: 'iss', key}
  const sign = (access: unknown[], over: Record<string, unknown> = {}) =>
    `Bearer ${signJwt({iss: 'iss', sub: 'bob', aud: 'svc', exp: now + 300, nbf: now, iat: now, jti: 'j', access: access as never, ...over}, key)}`
  const pull = [{type: 'repository', name: 'a', actions: ['pull']}]
  const push = [{type: 'repository', name: 'a', actions: ['pull', 'push']}]

  it('token mode without a token: challenge without error, detail null on /v2/', () => {
    const d = authorize(token, undefined, [])
    assert.equal(d.ok, false)
    if (d.ok) return
    assert.equal(d.code, 'UNAUTHORIZED')
    assert.equal(d.challenge, 'Bearer realm="http://r/token",service="svc"')
    assert.equal(d.detail, null)
  })

  it('token mode ignores Basic credentials and challenges for a token', () => {
    const d = authorize(token, basic('alice', 'wonderland'), pull)
    assert.equal(!d.ok && d.reason, 'missing')
  })

  it('a token with empty access passes /v2/ (how docker login succeeds)', () => {
    assert.deepEqual(authorize(token, sign([]), []), {ok: true, who: 'bob'})
  })

  it('a pull token pulls', () => assert.equal(authorize(token, sign(pull), pull).ok, true))

  it('a pull token pushing gets insufficient_scope, still 401 UNAUTHORIZED, detail per action', () => {
    const d = authorize(token, sign(pull), push)
    assert.equal(d.ok, false)
    if (d.ok) return
    assert.equal(d.code, 'UNAUTHORIZED')
    assert.match(d.challenge!, /,scope="repository:a:pull,push",error="insufficient_scope"$/)
    assert.deepEqual(d.detail, [
      {Type: 'repository', Class: '', Name: 'a', Action: 'pull'},
      {Type: 'repository', Class: '', Name: 'a', Action: 'push'},
    ])
  })

  const invalid: Array<[string, string, string]> = [
    ['expired', sign(pull, {exp: now - 3600}), 'expired'],
    ['wrong audience', sign(pull, {aud: 'elsewhere'}), 'audience'],
    ['garbage', 'Bearer abc', 'malformed'],
  ]
  for (const [name, header, reason] of invalid) {
    it(`an ${name} token gets error="invalid_token"`, () => {
      const d = authorize(token, header, pull)
      assert.equal(d.ok, false)
      if (d.ok) return
      assert.match(d.challenge!, /,error="invalid_token"$/)
      assert.equal(d.reason, reason)
    })
  }

  it("a '*' action in the token grants everything on that resource", () => {
    assert.equal(authorize(token, sign([{type: 'repository', name: 'a', actions: ['*']}]), push).ok, true)
  })

  const basicAuth: RegistryAuth = {kind: 'basic', realm: 'regprobe-sandbox', users: DEFAULT_USERS, rules: DEFAULT_RULES}
  it('basic mode: no credentials and wrong credentials get the same Basic challenge', () => {
    for (const header of [undefined, basic('alice', 'nope'), basic('nobody', 'x')]) {
      const d = authorize(basicAuth, header, [])
      assert.equal(!d.ok && d.challenge, 'Basic realm="regprobe-sandbox"')
    }
  })

  it('basic mode: a known user without the right gets 403 DENIED, with the right passes', () => {
    const d = authorize(basicAuth, basic('bob', 'builder'), [{type: 'repository', name: 'team/app', actions: ['pull', 'push']}])
    assert.equal(!d.ok && d.code, 'DENIED')
    assert.deepEqual(authorize(basicAuth, basic('alice', 'wonderland'), [{type: 'repository', name: 'team/app', actions: ['pull', 'push']}]), {ok: true, who: 'alice'})
  })

  it('open mode lets everything through', () => assert.deepEqual(authorize({kind: 'open'}, undefined, push), {ok: true, who: ''}))
})
