import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'
import {setTimeout as sleep} from 'node:timers/promises'
import {parseWWWAuthenticate} from '../../src/auth/challenge.js'
import {sha256Digest} from '../../src/sandbox/digest.js'
import {startSandbox, type Sandbox} from '../../src/sandbox/index.js'
import {OCI_MANIFEST} from '../../src/sandbox/media-types.js'
import {buildSeedImage} from '../../src/sandbox/seed.js'
import {parseJsonOut, runCli} from '../helpers/cli.js'
import {startDistribution, type RealRegistry} from '../helpers/distribution.js'
import {startTogether} from '../helpers/together.js'
import {plainRequest} from '../../tools/record/plain-request.js'

/**
 * The REAL distribution registry (Debian docker-registry 2.8) in its three auth modes, asserted with plain fetch.
 * Token mode proves the sandbox's token server is compatible with the reference registry; open mode compares the
 * sandbox's API answers with the real ones.
 */

interface Answer {
  status: number
  headers: Headers
  text: string
}

/** fetch, or node:https trusting `ca` (a CA this test generated) when given. */
async function call(url: string, init: {method?: string; headers?: Record<string, string>; body?: string | Buffer; ca?: string} = {}): Promise<Answer> {
  if (init.ca !== undefined) return plainRequest(url, init)
  const res = await fetch(url, init as RequestInit)
  return {status: res.status, headers: res.headers, text: await res.text()}
}

const errorCode = (a: Answer): string | undefined => {
  try {
    return JSON.parse(a.text).errors?.[0]?.code
  } catch {
    return undefined
  }
}

const basic = (name: string, password: string) => `Basic ${Buffer.from(`${name}:${password}`).toString('base64')}`
const image = buildSeedImage()

/** Pushes the sandbox's seed image with the plain upload flow (POST, PUT ?digest=, manifest PUT). */
async function pushSeed(base: string, repo: string, headers: Record<string, string> = {}): Promise<void> {
  for (const blob of [image.config, image.layer]) {
    const start = await call(`${base}/v2/${repo}/blobs/uploads/`, {method: 'POST', headers})
    assert.equal(start.status, 202, `upload start: ${start.text}`)
    const location = new URL(start.headers.get('location')!, base)
    location.searchParams.set('digest', sha256Digest(blob))
    const put = await call(location.href, {method: 'PUT', headers, body: blob})
    assert.equal(put.status, 201, `upload end: ${put.text}`)
  }
  const manifest = await call(`${base}/v2/${repo}/manifests/latest`, {method: 'PUT', headers: {...headers, 'Content-Type': OCI_MANIFEST}, body: image.manifest})
  assert.equal(manifest.status, 201, `manifest: ${manifest.text}`)
}

async function tokenFor(reg: RealRegistry, scopes: string[], user?: {name: string; password: string}): Promise<string> {
  const url = new URL(reg.tokenServer!.url)
  url.searchParams.set('service', reg.service!)
  for (const scope of scopes) url.searchParams.append('scope', scope)
  const res = await call(url.href, {headers: user === undefined ? {} : {Authorization: basic(user.name, user.password)}})
  assert.equal(res.status, 200)
  return JSON.parse(res.text).token as string
}

const alice = {name: 'alice', password: 'wonderland'}
const bob = {name: 'bob', password: 'builder'}

describe('real distribution registry: open mode, and the sandbox answering like it', () => {
  let real: RealRegistry
  let sb: Sandbox
  before(async () => {
    ;[real, sb] = await startTogether([startDistribution('open'), startSandbox({switches: {open: true}})])
    await pushSeed(real.url, 'library/hello')
    await pushSeed(real.url, 'team/app')
  })
  after(async () => {
    await Promise.all([real?.close(), sb?.close()])
  })

  it('GET /v2/ is 200 {} with the API version header', async () => {
    const res = await call(`${real.url}/v2/`)
    assert.equal(res.status, 200)
    assert.equal(res.text, '{}')
    assert.equal(res.headers.get('docker-distribution-api-version'), 'registry/2.0')
  })

  const layer = sha256Digest(image.layer)
  const zero = `sha256:${'0'.repeat(64)}`
  const oci = {Accept: OCI_MANIFEST}
  const cases: Array<{name: string; method?: string; path: string; headers?: Record<string, string>; body?: string; compare?: string[]}> = [
    {name: 'base', path: '/v2/', compare: ['content-type']},
    {name: 'manifest by tag', path: '/v2/library/hello/manifests/latest', headers: oci, compare: ['content-type', 'docker-content-digest', 'content-length']},
    {name: 'manifest HEAD by digest', method: 'HEAD', path: `/v2/library/hello/manifests/${image.manifestDigest}`, headers: oci, compare: ['docker-content-digest', 'content-length']},
    {name: 'OCI manifest without Accept', path: '/v2/library/hello/manifests/latest'},
    {name: 'unknown tag', path: '/v2/library/hello/manifests/nope'},
    {name: 'unknown repository', path: '/v2/nope/manifests/latest'},
    {name: 'unknown digest', path: `/v2/library/hello/manifests/${zero}`},
    {name: 'blob', path: `/v2/library/hello/blobs/${layer}`, compare: ['content-type', 'docker-content-digest', 'content-length']},
    {name: 'unknown blob', path: `/v2/library/hello/blobs/${zero}`},
    {name: 'tags list', path: '/v2/library/hello/tags/list'},
    {name: 'tags of unknown repository', path: '/v2/nope/tags/list'},
    {name: 'catalog', path: '/v2/_catalog'},
    {name: 'catalog first page', path: '/v2/_catalog?n=1', compare: ['link']},
    {name: 'catalog last page', path: '/v2/_catalog?n=1&last=library%2Fhello', compare: ['link']},
    {name: 'catalog n too large', path: '/v2/_catalog?n=5000'},
    {name: 'catalog n not a number', path: '/v2/_catalog?n=abc'},
    {name: 'upload start', method: 'POST', path: '/v2/library/hello/blobs/uploads/', compare: ['range', 'content-length']},
    {name: 'manifest with a missing blob', method: 'PUT', path: '/v2/library/hello/manifests/broken', headers: {'Content-Type': OCI_MANIFEST}, body: JSON.stringify({schemaVersion: 2, mediaType: OCI_MANIFEST, config: {mediaType: 'application/vnd.oci.image.config.v1+json', digest: zero, size: 1}, layers: []})},
    {name: 'manifest delete by tag', method: 'DELETE', path: '/v2/library/hello/manifests/latest'},
    {name: 'manifest delete of unknown digest', method: 'DELETE', path: `/v2/library/hello/manifests/${zero}`},
    {name: 'wrong method on a blob', method: 'PUT', path: `/v2/library/hello/blobs/${layer}`, compare: ['allow']},
    {name: 'unknown endpoint', path: '/v2/library/hello/nothing', compare: ['content-type']},
  ]
  for (const c of cases) {
    it(`sandbox matches the real registry: ${c.name}`, async () => {
      const init = {method: c.method ?? 'GET', headers: c.headers, body: c.body}
      const [want, got] = await Promise.all([call(`${real.url}${c.path}`, init), call(`${sb.registryUrl}${c.path}`, init)])
      assert.equal(got.status, want.status, `status (real body: ${want.text})`)
      assert.equal(errorCode(got), errorCode(want), 'error code')
      if (want.status === 200 && c.method !== 'HEAD' && (c.path.includes('_catalog') || c.path.includes('tags'))) assert.equal(got.text, want.text)
      for (const header of c.compare ?? []) assert.equal(got.headers.get(header), want.headers.get(header), header)
    })
  }
})

describe('real distribution registry: htpasswd mode over TLS', () => {
  let real: RealRegistry
  let ca: string
  before(async () => {
    real = await startDistribution('htpasswd')
    assert.ok(real.caPem, 'htpasswd mode serves HTTPS with a CA the harness generated')
    ca = real.caPem
  })
  after(() => real?.close())

  it('is HTTPS with a CA the test generated', () => {
    assert.match(real.url, /^https:\/\/127\.0\.0\.1:\d+$/)
    assert.ok(real.caPath !== undefined)
  })

  it('challenges with Basic and the configured realm', async () => {
    const res = await call(`${real.url}/v2/`, {ca})
    assert.equal(res.status, 401)
    assert.equal(res.headers.get('www-authenticate'), `Basic realm="${real.realm}"`)
    assert.equal(errorCode(res), 'UNAUTHORIZED')
  })

  it('a wrong password gets the same answer as none', async () => {
    const res = await call(`${real.url}/v2/`, {ca, headers: {Authorization: basic('alice', 'nope')}})
    assert.equal(res.status, 401)
    assert.equal(res.headers.get('www-authenticate'), `Basic realm="${real.realm}"`)
  })

  it('accepts bcrypt credentials over TLS, with no per-repository rights', async () => {
    assert.equal((await call(`${real.url}/v2/`, {ca, headers: {Authorization: basic('alice', 'wonderland')}})).status, 200)
    const push = await call(`${real.url}/v2/anything/blobs/uploads/`, {method: 'POST', ca, headers: {Authorization: basic('bob', 'builder')}})
    assert.equal(push.status, 202)
  })

  it('is not trusted without the CA', async () => {
    await assert.rejects(fetch(`${real.url}/v2/`))
  })
})

describe('real distribution registry: token mode with the sandbox token server as issuer', () => {
  let real: RealRegistry
  before(async () => {
    real = await startDistribution('token')
  })
  after(() => real?.close())

  it('challenges with Bearer naming the sandbox token server', async () => {
    const res = await call(`${real.url}/v2/`)
    assert.equal(res.status, 401)
    assert.equal(res.headers.get('www-authenticate'), `Bearer realm="${real.tokenServer!.url}",service="${real.service}"`)
  })

  it('accepts a token with empty access for /v2/ (docker login without scope)', async () => {
    const token = await tokenFor(real, [], alice)
    assert.equal((await call(`${real.url}/v2/`, {headers: {Authorization: `Bearer ${token}`}})).status, 200)
  })

  it("accepts alice's push token for a full push, then an anonymous pull", async () => {
    const push = await tokenFor(real, ['repository:library/hello:pull,push'], alice)
    await pushSeed(real.url, 'library/hello', {Authorization: `Bearer ${push}`})
    const pull = await tokenFor(real, ['repository:library/hello:pull'])
    const res = await call(`${real.url}/v2/library/hello/manifests/latest`, {headers: {Authorization: `Bearer ${pull}`, Accept: OCI_MANIFEST}})
    assert.equal(res.status, 200)
    assert.equal(res.headers.get('docker-content-digest'), image.manifestDigest)
  })

  it('refuses a push POST with a pull-only token: 401 insufficient_scope', async () => {
    const token = await tokenFor(real, ['repository:team/app:pull,push'], bob)
    const res = await call(`${real.url}/v2/team/app/blobs/uploads/`, {method: 'POST', headers: {Authorization: `Bearer ${token}`}})
    assert.equal(res.status, 401)
    // distribution keeps the required actions in a Go map, so the scope says pull,push or push,pull from one run to
    // the next (seen both ways here): a client must not depend on the order.
    const header = res.headers.get('www-authenticate')!
    assert.match(header, /^Bearer realm="[^"]+",service="[^"]+",scope="repository:team\/app:(pull,push|push,pull)",error="insufficient_scope"$/)
    const [challenge] = parseWWWAuthenticate(header).challenges
    assert.deepEqual(
      {realm: challenge!.realm, service: challenge!.service, scope: challenge!.params.scope!.replace('push,pull', 'pull,push'), error: challenge!.params.error},
      {realm: real.tokenServer!.url, service: real.service, scope: 'repository:team/app:pull,push', error: 'insufficient_scope'},
    )
    assert.equal(errorCode(res), 'UNAUTHORIZED')
  })

  it('cancelling an upload needs the delete action (what doctor --push must ask for)', async () => {
    const pushOnly = await tokenFor(real, ['repository:alice/probe:pull,push'], alice)
    const start = await call(`${real.url}/v2/alice/probe/blobs/uploads/`, {method: 'POST', headers: {Authorization: `Bearer ${pushOnly}`}})
    assert.equal(start.status, 202)
    const refused = await call(start.headers.get('location')!, {method: 'DELETE', headers: {Authorization: `Bearer ${pushOnly}`}})
    assert.equal(refused.status, 401)
    assert.match(refused.headers.get('www-authenticate')!, /scope="repository:alice\/probe:delete",error="insufficient_scope"/)
    const withDelete = await tokenFor(real, ['repository:alice/probe:pull,push,delete'], alice)
    assert.equal((await call(start.headers.get('location')!, {method: 'DELETE', headers: {Authorization: `Bearer ${withDelete}`}})).status, 204)
  })

  it('refuses a garbage token with invalid_token', async () => {
    const res = await call(`${real.url}/v2/`, {headers: {Authorization: 'Bearer not.a.token'}})
    assert.equal(res.status, 401)
    assert.match(res.headers.get('www-authenticate')!, /error="invalid_token"$/)
  })
})

describe('real distribution registry: token mode with the failure switches', () => {
  const switches: Array<[string, {expiredTokens?: boolean; wrongAudience?: boolean; noAccess?: boolean; clockAheadSeconds?: number}, RegExp, RegExp]> = [
    ['an expired token is invalid_token', {expiredTokens: true}, /error="invalid_token"$/, /not to be used after/],
    ['a token from a token server 300 s ahead is invalid_token', {clockAheadSeconds: 300}, /error="invalid_token"$/, /not to be used before/],
    ['a token for another audience is invalid_token', {wrongAudience: true}, /error="invalid_token"$/, /another audience/],
    ['a token without access is insufficient_scope', {noAccess: true}, /error="insufficient_scope"$/, /insufficient scope/],
  ]
  for (const [name, sw, challenge, log] of switches) {
    it(name, async () => {
      const real = await startDistribution('token', {switches: sw})
      try {
        const token = await tokenFor(real, ['repository:library/hello:pull'], alice)
        const res = await call(`${real.url}/v2/library/hello/manifests/latest`, {headers: {Authorization: `Bearer ${token}`}})
        assert.equal(res.status, 401)
        assert.match(res.headers.get('www-authenticate')!, challenge)
        // The registry's log line and its answer race to this process (two pipes): wait for the line a little.
        for (const deadline = Date.now() + 2000; !log.test(real.logs()) && Date.now() < deadline; ) await sleep(20)
        assert.match(real.logs(), log)
      } finally {
        await real.close()
      }
    })
  }

  it('doctor names the clocks when the token server runs ahead of the registry (failure-stories §11)', async () => {
    const real = await startDistribution('token', {switches: {clockAheadSeconds: 300}})
    try {
      const r = await runCli(['doctor', `${real.url}/library/hello`, '-u', 'alice', '--password-stdin', '--json'], {stdin: 'wonderland'})
      assert.equal(r.code, 6, r.stdout + r.stderr)
      const t = parseJsonOut(r)
      assert.equal(t.verdict.causes[0].code, 'access.invalid-token')
      assert.equal(t.verdict.causes[1].code, 'clock.token-rejected')
      assert.match(t.verdict.fixes[0], /^Sync the token server's and the registry's clocks/)
      const token = t.steps.find((s: {stage: string}) => s.stage === 'token')
      const codes = token.findings.map((f: {code: string}) => f.code)
      assert.ok(codes.includes('clock.skew.issuer-registry') && codes.includes('token.not-yet-valid-for-registry'), codes.join(', '))
      assert.ok(!codes.includes('token.not-yet-valid'), 'judged by the registry\'s clock, not only this machine\'s')
      assert.match(token.findings.find((f: {code: string}) => f.code === 'clock.skew.issuer-registry').message, /^the token server's clock is (29\d|30\d) s ahead of the registry's/)
      assert.ok(Math.abs(token.facts.registryClockSkew) <= 2, String(token.facts.registryClockSkew))
    } finally {
      await real.close()
    }
  })

  it('with the clocks in step, none of the clock findings', async () => {
    const real = await startDistribution('token')
    try {
      const r = await runCli(['doctor', `${real.url}/library/hello`, '-u', 'alice', '--password-stdin', '--json'], {stdin: 'wonderland'})
      // The registry starts empty: the token is good and used, the image is simply missing (exit 8).
      assert.equal(r.code, 8, r.stdout + r.stderr)
      const token = parseJsonOut(r).steps.find((s: {stage: string}) => s.stage === 'token')
      assert.equal(token.status, 'ok', r.stdout)
      assert.deepEqual(token.findings.map((f: {code: string}) => f.code).filter((c: string) => /clock|valid|expired/.test(c)), [])
    } finally {
      await real.close()
    }
  })
})
