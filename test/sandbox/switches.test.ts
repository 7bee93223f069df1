import assert from 'node:assert/strict'
import {existsSync} from 'node:fs'
import {describe, it} from 'node:test'
import {startSandbox, type SandboxOptions} from '../../src/sandbox/index.js'
import {OCI_ACCEPT, basic, call, claimsOf, getToken, tlsDispatcher} from './support.js'

async function withSandbox(opts: SandboxOptions, body: (sb: Awaited<ReturnType<typeof startSandbox>>) => Promise<void>): Promise<void> {
  const sb = await startSandbox(opts)
  try {
    await body(sb)
  } finally {
    await sb.close()
  }
}

const pullHello = 'repository:library/hello:pull'
const manifestPath = '/v2/library/hello/manifests/latest'

describe('sandbox switches (each one observable on the wire)', () => {
  it('expiredTokens: exp is beyond the 60 s leeway and the registry says invalid_token', () =>
    withSandbox({switches: {expiredTokens: true}}, async (sb) => {
      const token = await getToken(sb, [pullHello])
      const claims = claimsOf(token)
      assert.ok(claims.exp < Date.now() / 1000 - 60)
      const res = await call(`${sb.registryUrl}${manifestPath}`, {headers: {Authorization: `Bearer ${token}`, Accept: OCI_ACCEPT}})
      assert.equal(res.status, 401)
      assert.match(res.headers.get('www-authenticate')!, /error="invalid_token"/)
    }))

  it('noAccess: the token grants nothing and the registry says insufficient_scope', () =>
    withSandbox({switches: {noAccess: true}}, async (sb) => {
      const token = await getToken(sb, [pullHello], {name: 'alice', password: 'wonderland'})
      assert.deepEqual(claimsOf(token).access, [])
      const res = await call(`${sb.registryUrl}${manifestPath}`, {headers: {Authorization: `Bearer ${token}`}})
      assert.equal(res.status, 401)
      assert.match(res.headers.get('www-authenticate')!, /error="insufficient_scope"/)
      assert.equal((await call(`${sb.registryUrl}/v2/`, {headers: {Authorization: `Bearer ${token}`}})).status, 200)
    }))

  it('wrongAudience: aud is not the service and the registry says invalid_token', () =>
    withSandbox({switches: {wrongAudience: true}}, async (sb) => {
      const token = await getToken(sb, [pullHello])
      assert.notEqual(claimsOf(token).aud, sb.service)
      const res = await call(`${sb.registryUrl}/v2/`, {headers: {Authorization: `Bearer ${token}`}})
      assert.equal(res.status, 401)
      assert.match(res.headers.get('www-authenticate')!, /error="invalid_token"/)
    }))

  it('basicOnly: Basic challenge, no token server, 403 DENIED for a known user without the right', () =>
    withSandbox({switches: {basicOnly: true}}, async (sb) => {
      assert.equal(sb.tokenUrl, '')
      const anon = await call(`${sb.registryUrl}/v2/`)
      assert.equal(anon.status, 401)
      assert.equal(anon.headers.get('www-authenticate'), 'Basic realm="regprobe-sandbox"')
      const wrong = await call(`${sb.registryUrl}/v2/`, {headers: {Authorization: basic('alice', 'nope')}})
      assert.equal(wrong.status, 401)
      assert.equal((await call(`${sb.registryUrl}/v2/`, {headers: {Authorization: basic('alice', 'wonderland')}})).status, 200)
      const denied = await call(`${sb.registryUrl}/v2/team/app/blobs/uploads/`, {method: 'POST', headers: {Authorization: basic('bob', 'builder')}})
      assert.equal(denied.status, 403)
      assert.equal(denied.json().errors[0].code, 'DENIED')
      assert.equal(sb.stats().openUploads, 0)
    }))

  it('open: no authentication anywhere', () =>
    withSandbox({switches: {open: true}}, async (sb) => {
      assert.equal(sb.tokenUrl, '')
      assert.equal((await call(`${sb.registryUrl}/v2/`)).status, 200)
      assert.equal((await call(`${sb.registryUrl}/v2/_catalog`)).status, 200)
      assert.equal((await call(`${sb.registryUrl}${manifestPath}`, {headers: {Accept: OCI_ACCEPT}})).status, 200)
    }))

  it('realmHost: the realm names another host than the registry', () =>
    withSandbox({switches: {realmHost: 'localhost'}}, async (sb) => {
      assert.match(sb.tokenUrl, /^http:\/\/localhost:\d+\/token$/)
      const res = await call(`${sb.registryUrl}/v2/`)
      assert.match(res.headers.get('www-authenticate')!, /^Bearer realm="http:\/\/localhost:\d+\/token"/)
      assert.ok(!sb.registryUrl.includes('localhost'))
    }))

  it('realmPlainHttp: HTTPS registry, plain-HTTP realm that really serves tokens', () =>
    withSandbox({tls: true, switches: {realmPlainHttp: true}}, async (sb) => {
      assert.match(sb.registryUrl, /^https:/)
      assert.match(sb.tokenUrl, /^http:\/\/127\.0\.0\.1:\d+\/token$/)
      const dispatcher = await tlsDispatcher(sb.caPem)
      const res = await call(`${sb.registryUrl}/v2/`, {dispatcher})
      assert.match(res.headers.get('www-authenticate')!, /realm="http:\/\//)
      assert.equal(typeof (await getToken(sb, [pullHello])), 'string')
    }))

  it("rateLimit: manifest GET and HEAD answer 429 TOOMANYREQUESTS with Docker Hub's headers", () =>
    withSandbox({switches: {rateLimit: true}}, async (sb) => {
      const token = await getToken(sb, [pullHello])
      for (const method of ['GET', 'HEAD']) {
        const res = await call(`${sb.registryUrl}${manifestPath}`, {method, headers: {Authorization: `Bearer ${token}`, Accept: OCI_ACCEPT}})
        assert.equal(res.status, 429)
        assert.equal(res.headers.get('ratelimit-limit'), '100;w=21600')
        assert.equal(res.headers.get('ratelimit-remaining'), '0;w=21600')
        assert.equal(res.headers.get('docker-ratelimit-source'), '127.0.0.1')
        if (method === 'GET') assert.equal(res.json().errors[0].code, 'TOOMANYREQUESTS')
      }
      assert.equal((await call(`${sb.registryUrl}/v2/`, {headers: {Authorization: `Bearer ${token}`}})).status, 200)
    }))

  it('slowTokenMs: the token server waits, and close() does not wait for it', async () => {
    await withSandbox({switches: {slowTokenMs: 300}}, async (sb) => {
      const started = Date.now()
      await getToken(sb, [pullHello])
      assert.ok(Date.now() - started >= 290)
    })
    const sb = await startSandbox({switches: {slowTokenMs: 60_000}})
    const pending = fetch(`${sb.tokenUrl}?service=${sb.service}`).catch((error: unknown) => error)
    await new Promise((resolve) => setTimeout(resolve, 50))
    const started = Date.now()
    await sb.close()
    assert.ok(Date.now() - started < 2000)
    assert.ok((await pending) instanceof Error)
  })

  it('tls: HTTPS registry and realm trusted through the generated CA, whose file close() removes', () =>
    withSandbox({tls: true}, async (sb) => {
      assert.match(sb.registryUrl, /^https:\/\/127\.0\.0\.1:\d+$/)
      assert.match(sb.tokenUrl, /^https:/)
      assert.ok(sb.caPath !== undefined && existsSync(sb.caPath))
      const dispatcher = await tlsDispatcher(sb.caPem)
      const token = await getToken(sb, [pullHello], undefined, dispatcher)
      const res = await call(`${sb.registryUrl}${manifestPath}`, {headers: {Authorization: `Bearer ${token}`, Accept: OCI_ACCEPT}, dispatcher})
      assert.equal(res.status, 200)
      await assert.rejects(fetch(`${sb.registryUrl}/v2/`), 'the CA is not trusted by default')
      const caPath = sb.caPath
      await sb.close()
      assert.ok(!existsSync(caPath))
    }))

  it('seed: false starts empty', () =>
    withSandbox({seed: false, switches: {open: true}}, async (sb) => {
      assert.deepEqual((await call(`${sb.registryUrl}/v2/_catalog`)).json(), {repositories: []})
    }))
})
