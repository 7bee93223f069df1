import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'
import {startSandbox, type Sandbox} from '../../src/sandbox/index.js'
import {basic, call, claimsOf, getToken} from './support.js'

describe('sandbox token server', () => {
  let sb: Sandbox
  before(async () => {
    sb = await startSandbox({tokenTtlSeconds: 120})
  })
  after(() => sb.close())

  const form = (fields: Record<string, string>) => ({
    method: 'POST',
    headers: {'Content-Type': 'application/x-www-form-urlencoded'},
    body: new URLSearchParams(fields).toString(),
  })

  it('GET anonymous: token and access_token equal, expires_in and issued_at, no refresh token', async () => {
    const res = await call(`${sb.tokenUrl}?service=${sb.service}&scope=repository:library/hello:pull&offline_token=true`)
    assert.equal(res.status, 200)
    const body = res.json()
    assert.equal(body.token, body.access_token)
    assert.equal(body.expires_in, 120)
    assert.ok(!Number.isNaN(Date.parse(body.issued_at)))
    assert.equal(body.refresh_token, undefined)
  })

  it('issues the claims distribution checks, sub empty for anonymous, aud a plain string', async () => {
    const claims = claimsOf(await getToken(sb, ['repository:library/hello:pull']))
    assert.equal(claims.iss, sb.issuer)
    assert.equal(claims.sub, '')
    assert.equal(claims.aud, sb.service)
    assert.equal(claims.exp - claims.iat, 120)
    assert.equal(claims.nbf, claims.iat)
    assert.match(claims.jti, /^[0-9a-f]{32}$/)
    assert.deepEqual(claims.access, [{type: 'repository', name: 'library/hello', actions: ['pull']}])
  })

  it('grants the intersection and never refuses for lack of rights', async () => {
    const token = await getToken(sb, ['repository:team/app:pull,push', 'registry:catalog:*'], {name: 'bob', password: 'builder'})
    const claims = claimsOf(token)
    assert.equal(claims.sub, 'bob')
    assert.deepEqual(claims.access, [
      {type: 'repository', name: 'team/app', actions: ['pull']},
      {type: 'registry', name: 'catalog', actions: []},
    ])
  })

  it('GET with Basic and offline_token=true returns a refresh token', async () => {
    const res = await call(`${sb.tokenUrl}?service=${sb.service}&offline_token=true&client_id=docker`, {headers: {Authorization: basic('alice', 'wonderland')}})
    assert.equal(res.status, 200)
    assert.equal(typeof res.json().refresh_token, 'string')
  })

  it('wrong password: 401 with the errors envelope and a Basic challenge, no password echoed', async () => {
    const res = await call(`${sb.tokenUrl}?service=${sb.service}`, {headers: {Authorization: basic('alice', 'not-the-password')}})
    assert.equal(res.status, 401)
    assert.equal(res.json().errors[0].code, 'UNAUTHORIZED')
    assert.match(res.headers.get('www-authenticate') ?? '', /^Basic realm="/)
    assert.ok(!res.text.includes('not-the-password'))
  })

  it('a malformed scope is a 400 INVALID_REQUEST', async () => {
    const res = await call(`${sb.tokenUrl}?service=${sb.service}&scope=repository`)
    assert.equal(res.status, 400)
    assert.equal(res.json().errors[0].code, 'INVALID_REQUEST')
  })

  it('OAuth2 POST password grant with access_type=offline returns access_token, scope and a refresh token', async () => {
    const scope = 'repository:team/app:pull repository:other/x:push'
    const res = await call(sb.tokenUrl, form({grant_type: 'password', username: 'alice', password: 'wonderland', service: sb.service, client_id: 'regprobe-test', access_type: 'offline', scope}))
    assert.equal(res.status, 200)
    const body = res.json()
    assert.equal(body.scope, scope)
    assert.equal(body.token, undefined)
    assert.deepEqual(claimsOf(body.access_token).access, [
      {type: 'repository', name: 'team/app', actions: ['pull']},
      {type: 'repository', name: 'other/x', actions: ['push']},
    ])
    const refreshed = await call(sb.tokenUrl, form({grant_type: 'refresh_token', refresh_token: body.refresh_token, service: sb.service, client_id: 'regprobe-test', scope: 'repository:team/app:push'}))
    assert.equal(refreshed.status, 200)
    assert.equal(claimsOf(refreshed.json().access_token).sub, 'alice')
    assert.deepEqual(claimsOf(refreshed.json().access_token).access, [{type: 'repository', name: 'team/app', actions: ['push']}])
  })

  const refusals: Array<[string, Record<string, string>, number, string]> = [
    ['missing client_id', {grant_type: 'password', username: 'alice', password: 'wonderland', service: 'regprobe-sandbox'}, 400, 'invalid_request'],
    ['unsupported grant', {grant_type: 'authorization_code', client_id: 'c', service: 'regprobe-sandbox'}, 400, 'unsupported_grant_type'],
    ['wrong password', {grant_type: 'password', username: 'alice', password: 'x', client_id: 'c', service: 'regprobe-sandbox'}, 401, 'UNAUTHORIZED'],
    ['unknown refresh token', {grant_type: 'refresh_token', refresh_token: 'nope', client_id: 'c', service: 'regprobe-sandbox'}, 401, 'UNAUTHORIZED'],
  ]
  for (const [name, fields, status, code] of refusals) {
    it(`OAuth2 POST refuses ${name} with ${status}`, async () => {
      const res = await call(sb.tokenUrl, form(fields))
      assert.equal(res.status, status)
      const body = res.json()
      assert.equal(body.error ?? body.errors[0].code, code)
    })
  }

  it('answers other methods with 405 and other paths with 404', async () => {
    assert.equal((await call(sb.tokenUrl, {method: 'PUT'})).status, 405)
    assert.equal((await call(sb.tokenUrl.replace('/token', '/nope'))).status, 404)
  })

  it('counts token requests', () => assert.ok(sb.stats().tokenRequests >= 10))
})
