import assert from 'node:assert/strict'
import {afterEach, before, describe, it} from 'node:test'
import nock from 'nock'
import {compareFlow} from '../../src/flows/compare.js'
import {HttpClient} from '../../src/http/client.js'
import {renderCompare} from '../../src/render/compare.js'
import {assertDone, loadWire, mountRequest, resetNock, setupNock} from '../helpers/wire.js'

/** Base64url JSON: enough to build a JWT-shaped token whose claims the test controls (the signature is never read). */
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url')
const fakeJwt = (claims: object) => `${b64({alg: 'RS256', typ: 'JWT'})}.${b64(claims)}.c2lnbmF0dXJl`
/** Inside the fixtures' tokens' validity, so the comparison is not about clocks. */
const NOW = () => 1_760_000_100_000

function mountHub(): nock.Scope[] {
  const hub = loadWire('dockerhub-anonymous-pull')
  const repo = loadWire('dockerhub-repo-challenge').requests[0]!
  // The recorded repository challenge is for library/redis:5.0.9; the same answer, re-aimed at the default library/alpine.
  const alpine = {...repo, url: 'https://registry-1.docker.io/v2/library/alpine/manifests/latest', resHeaders: {...repo.resHeaders, 'www-authenticate': repo.resHeaders!['www-authenticate']!.replace('library/redis', 'library/alpine')}}
  return [
    mountRequest(hub.requests[0]!),
    mountRequest(alpine),
    mountRequest(hub.requests[1]!),
    // Catalog: Hub challenges with registry:catalog:* (registry-auth.md §1, [capture]) and grants an anonymous client nothing.
    nock('https://registry-1.docker.io').get('/v2/_catalog?n=1').reply(401, '{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}', {'content-type': 'application/json', 'docker-distribution-api-version': 'registry/2.0', 'www-authenticate': 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="registry:catalog:*"'}),
    nock('https://auth.docker.io').get('/token').query({scope: 'registry:catalog:*', service: 'registry.docker.io'}).reply(200, {token: fakeJwt({iss: 'auth.docker.io', aud: 'registry.docker.io', sub: '', iat: 1760000000, exp: 1760000300, access: []}), expires_in: 300}),
  ]
}

function mountQuay(): nock.Scope[] {
  const q = loadWire('quay-anonymous-pull')
  return [
    mountRequest(q.requests[0]!),
    mountRequest(q.requests[1]!, {method: 'HEAD'}),
    mountRequest(q.requests[2]!),
    // Catalog: Quay serves it with a bearer token (registry-auth.md §4); the anonymous grant here is an assumed shape.
    nock('https://quay.io').get('/v2/_catalog?n=1').reply(401, 'true', {'content-type': 'text/html', 'docker-distribution-api-version': 'registry/2.0', 'www-authenticate': 'Bearer realm="https://quay.io/v2/auth",service="quay.io"'}),
    nock('https://quay.io').get('/v2/auth').query({scope: 'registry:catalog:*', service: 'quay.io'}).reply(200, {token: fakeJwt({iss: 'quay', aud: 'quay.io', sub: '(anonymous)', iat: 1760000000, exp: 1760003600, access: [{type: 'registry', name: 'catalog', actions: ['*']}]})}),
    nock('https://quay.io').get('/v2/_catalog?n=1').matchHeader('authorization', /^Bearer ey/).reply(200, {repositories: ['redhat/ubi8']}, {'content-type': 'application/json', link: '</v2/_catalog?n=1&next_page=x>; rel="next"'}),
  ]
}

function mountGhcr(): nock.Scope[] {
  const g = loadWire('ghcr-anonymous-pull')
  return [
    mountRequest(g.requests[0]!),
    mountRequest(g.requests[1]!, {method: 'HEAD'}),
    mountRequest(g.requests[2]!),
    // Catalog: not available on ghcr.io (registry-auth.md §12, [inferred]).
    nock('https://ghcr.io').get('/v2/_catalog?n=1').reply(404, '{"errors":[{"code":"NOT_FOUND","message":"not found"}]}', {'content-type': 'application/json'}),
  ]
}

describe('compare over nock\'d Docker Hub, Quay and ghcr.io', () => {
  before(setupNock)
  afterEach(resetNock)

  it('fills each column with that registry\'s behaviour', async () => {
    const scopes = [...mountHub(), ...mountQuay(), ...mountGhcr()]
    const {document: doc} = await compareFlow(() => new HttpClient({timeoutMs: 2000}), ['docker.io', 'quay.io/redhat/ubi8', 'ghcr.io/acme/app:1.0.0'], {now: NOW})
    assertDone(scopes)
    assert.equal(doc.schema, 'regprobe/compare@1')
    assert.equal(doc.exitCode, 0)
    const [hub, quay, ghcr] = doc.registries.map((r) => r.cells)
    assert.deepEqual(doc.registries.map((r) => r.label), ['docker.io', 'quay.io', 'ghcr.io'])

    assert.equal(hub!.apiVersion, 'registry/2.0')
    assert.equal(hub!.scheme, 'Bearer (token)')
    assert.equal(hub!.realmHost, 'auth.docker.io (other host)')
    // The full URL: the path is what differs between registries (issue 14 item 9).
    assert.equal(hub!.realm, 'https://auth.docker.io/token')
    assert.equal(quay!.realm, 'https://quay.io/v2/auth')
    assert.equal(hub!.service, 'registry.docker.io')
    assert.equal(hub!.pingScope, '(none)')
    assert.equal(hub!.scope, 'repository:library/alpine:pull')
    assert.equal(hub!.anonymousToken, 'granted (repository:library/alpine:pull)')
    assert.equal(hub!.tokenFormat, 'JWT RS256')
    assert.equal(hub!.lifetime, '300 s (expires_in)')
    assert.equal(hub!.catalog, 'refused (401: anonymous token grants nothing)')
    assert.equal(hub!.rateLimit, 'docker-ratelimit-source: 203.0.113.7')
    assert.equal(hub!.warning, '(none)')

    assert.equal(quay!.realmHost, 'quay.io (same host)')
    assert.equal(quay!.service, 'quay.io')
    assert.equal(quay!.pingScope, '(none)')
    assert.equal(quay!.anonymousToken, 'granted (repository:redhat/ubi8:pull)')
    assert.equal(quay!.lifetime, '3600 s (exp-iat)', 'Quay sends no expires_in: the JWT says how long')
    assert.equal(quay!.catalog, 'offered')
    assert.equal(quay!.rateLimit, '(none)')

    assert.equal(ghcr!.pingScope, 'repository:user/image:pull', 'the placeholder scope on the ping')
    assert.equal(ghcr!.scope, 'repository:acme/app:pull')
    assert.equal(ghcr!.anonymousToken, 'issued (opaque: grant unknown)')
    assert.equal(ghcr!.tokenFormat, 'opaque')
    assert.equal(ghcr!.lifetime, 'not stated (clients assume 60 s)')
    assert.equal(ghcr!.catalog, 'unsupported (404)')

    for (const r of doc.registries) {
      assert.equal(r.trace.schema, 'regprobe/trace@1')
      assert.deepEqual(r.trace.steps.map((s) => s.stage), ['probe', 'challenge', 'token', 'catalog'])
    }
    const text = renderCompare(doc, {color: false})
    assert.match(text, /auth\.docker\.io \(other host\)/)
    assert.doesNotMatch(text, /authenticated token/, 'no credentials: no row for them')
  })

  it('no token in the JSON document: every token is redacted', async () => {
    const scopes = [...mountGhcr()]
    const {document: doc} = await compareFlow(() => new HttpClient({timeoutMs: 2000}), ['ghcr.io/acme/app:1.0.0'], {now: NOW})
    assertDone(scopes)
    const json = JSON.stringify(doc)
    assert.ok(!json.includes('djE6YWNtZS9hcHA6MTc2MDAwMDAwMDEyMzQ1Njc4OQ'), 'the ghcr token does not appear')
    assert.match(json, /"redacted":true/)
  })

  it('a failing registry fills its column with the failure and the others are still compared', async () => {
    const scopes = mountGhcr()
    nock('https://broken.example').get('/v2/').reply(404, '404 page not found', {'content-type': 'text/plain'})
    const {document: doc} = await compareFlow(() => new HttpClient({timeoutMs: 2000}), ['broken.example', 'ghcr.io/acme/app:1.0.0'], {now: NOW})
    assertDone(scopes)
    const [broken, ghcr] = doc.registries
    assert.equal(broken!.exitCode, 5)
    assert.match(broken!.cells.result, /^FAILED: not a v2 registry/)
    assert.equal(broken!.cells.anonymousToken, '—')
    assert.equal(broken!.cells.apiVersion, '(absent)', 'it answered, without the header')
    assert.equal(ghcr!.exitCode, 0)
    assert.equal(ghcr!.cells.tokenFormat, 'opaque')
    assert.equal(doc.exitCode, 5, 'the first failing registry decides')
  })

  it('with credentials, the authenticated token gets its own row', async () => {
    const g = loadWire('ghcr-anonymous-pull')
    const scopes = [
      ...mountGhcr(),
      // The same token endpoint, now with Basic (the fixture's anonymous answer stands in for the authenticated one).
      mountRequest(g.requests[2]!, {anyQuery: true, expectHeaders: {authorization: /^Basic /}}),
    ]
    const {document: doc} = await compareFlow(() => new HttpClient({timeoutMs: 2000}), ['ghcr.io/acme/app:1.0.0'], {now: NOW, username: 'acme', password: 'ghp_s3cretvalue'})
    assertDone(scopes)
    assert.equal(doc.authenticated, true)
    assert.equal(doc.registries[0]!.cells.authenticatedToken, 'issued (opaque: grant unknown)')
    assert.match(renderCompare(doc, {color: false}), /authenticated token/)
    assert.ok(!JSON.stringify(doc).includes('ghp_s3cretvalue'))
  })
})
