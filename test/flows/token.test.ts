import assert from 'node:assert/strict'
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, before, describe, it} from 'node:test'
import nock from 'nock'
import {HttpClient} from '../../src/http/client.js'
import {tokenFlow} from '../../src/flows/token.js'
import {doctorFlow} from '../../src/flows/doctor.js'
import type {CredentialInput} from '../../src/flows/credentials.js'
import {stepOf, type StageName, type Trace} from '../../src/trace/types.js'
import {loadWire, mountRequest, resetNock, setupNock} from '../helpers/wire.js'

/** The fixtures' tokens were issued around this instant (iat 1760000000): judge them then, not today. */
const FIXTURE_NOW = () => 1_760_000_010_000
const home = mkdtempSync(join(tmpdir(), 'regprobe-token-'))
/** Hermetic credentials: never this machine's ~/.docker or auth.json. */
const creds = (extra: Partial<CredentialInput> = {}): CredentialInput => ({env: {}, homeDir: home, dockerConfigDir: join(home, 'none'), ...extra})
const codes = (t: Trace) => t.steps.flatMap((s) => s.findings.map((f) => f.code))
const stage = <S extends StageName>(t: Trace, name: S) => stepOf(t.steps, name)!

function hubPing() {
  return mountRequest(loadWire('dockerhub-anonymous-pull').requests[0]!)
}

describe('token and doctor flows against registry fixtures', () => {
  before(setupNock)
  afterEach(resetNock)

  it('Docker Hub anonymous pull: the exact GET docker sends, the JWT decoded, access matches, HEAD accepted', async () => {
    const fx = loadWire('dockerhub-anonymous-pull')
    const scopes = [hubPing(), mountRequest(fx.requests[1]!), mountRequest(fx.requests[2]!, {method: 'HEAD', expectHeaders: {authorization: /^Bearer eyJ/}})]
    const {trace, token} = await tokenFlow(new HttpClient(), 'token', 'alpine', ['pull'], {credentials: creds(), now: FIXTURE_NOW})
    for (const s of scopes) s.done()
    assert.equal(trace.verdict.code, 0, trace.verdict.headline)
    const t = stage(trace, 'token')
    assert.equal(t.exchanges[0]!.request.url, 'https://auth.docker.io/token?scope=repository%3Alibrary%2Falpine%3Apull&service=registry.docker.io')
    assert.equal(t.exchanges[0]!.request.headers.authorization, undefined, 'anonymous: no Authorization header')
    assert.deepEqual(t.facts.comparison, [{type: 'repository', name: 'library/alpine', requested: ['pull'], granted: ['pull'], missing: []}])
    assert.match(String(t.facts.format), /^JWT alg=RS256.*x5c/)
    assert.ok(token?.startsWith('eyJ'))
    assert.ok(!JSON.stringify(trace).includes(token!), 'the raw token never reaches the trace')
  })

  it('Docker Hub private repo, anonymous: token 200 with access [] → exit 6, "may require docker login"', async () => {
    const fx = loadWire('dockerhub-private-repo-anonymous')
    hubPing()
    mountRequest(fx.requests[0]!)
    mountRequest(fx.requests[1]!, {method: 'HEAD'})
    const trace = await doctorFlow(new HttpClient(), 'acme/secret', ['pull'], {credentials: creds(), now: FIXTURE_NOW})
    assert.equal(trace.verdict.code, 6)
    assert.ok(codes(trace).includes('token.access.empty'))
    assert.ok(codes(trace).includes('access.pull.anonymous-denied'))
    assert.ok(trace.verdict.causes.some((c) => c.code === 'anonymous.private'))
  })

  it('ghcr.io: an opaque token is said to be opaque and judged by using it', async () => {
    const fx = loadWire('ghcr-anonymous-pull')
    mountRequest(fx.requests[0]!)
    // fx.requests[1] is the unauthenticated manifest challenge: clients derive the scope instead of asking.
    mountRequest(fx.requests[2]!)
    mountRequest(fx.requests[3]!, {method: 'HEAD', expectHeaders: {authorization: /^Bearer djE6/}})
    const {trace} = await tokenFlow(new HttpClient(), 'token', 'ghcr.io/acme/app:1.0.0', ['pull'], {credentials: creds(), now: FIXTURE_NOW})
    assert.equal(trace.verdict.code, 0, trace.verdict.headline)
    assert.ok(codes(trace).includes('token.opaque'))
    assert.equal(stage(trace, 'token').facts.expiresIn, 60)
    assert.equal(stage(trace, 'token').facts.expiresInAbsent, true)
  })

  it('ghcr.io private package, anonymous: 403 DENIED at the token endpoint → exit 6', async () => {
    const fx = loadWire('ghcr-private-anonymous')
    const ping = loadWire('ghcr-anonymous-pull').requests[0]!
    mountRequest(ping)
    mountRequest(fx.requests[0]!)
    const trace = await doctorFlow(new HttpClient(), 'ghcr.io/acme/private', ['pull'], {credentials: creds(), now: FIXTURE_NOW})
    assert.equal(trace.verdict.code, 6)
    assert.equal(trace.verdict.causes[0]!.code, 'token.anonymous-denied')
    assert.equal(stage(trace, 'access').status, 'skip')
  })

  it('Quay: {"token"} only is enough; anonymous pull works', async () => {
    const fx = loadWire('quay-anonymous-pull')
    mountRequest(fx.requests[0]!)
    mountRequest(fx.requests[2]!)
    mountRequest(fx.requests[3]!, {method: 'HEAD'})
    const {trace} = await tokenFlow(new HttpClient(), 'token', 'quay.io/redhat/ubi8', ['pull'], {credentials: creds(), now: FIXTURE_NOW})
    assert.equal(trace.verdict.code, 0, trace.verdict.headline)
    assert.equal(stage(trace, 'token').facts.field, 'token')
  })

  it('Quay wrong password: GET with account= and Basic → 401 → exit 6, and no secret in the trace', async () => {
    const fx = loadWire('quay-wrong-password')
    mountRequest(loadWire('quay-anonymous-pull').requests[0]!)
    const tok = mountRequest(fx.requests[0]!, {expectHeaders: {authorization: /^Basic YWxpY2U6d3Jvbmc=$/}})
    const trace = await doctorFlow(new HttpClient(), 'quay.io/alice/app', ['pull'], {credentials: creds({username: 'alice', password: 'wrong'}), now: FIXTURE_NOW})
    tok.done()
    assert.equal(trace.verdict.code, 6)
    assert.equal(trace.verdict.causes[0]!.code, 'token.credentials-rejected')
    assert.match(trace.verdict.headline, /Invalid Username or Password/)
    const json = JSON.stringify(trace)
    assert.ok(!json.includes('YWxpY2U6d3Jvbmc='), 'no Basic value')
  })

  it('distribution token mode: a pull-only token for a push → the comparison names push missing (exit 7), and the upload is refused', async () => {
    const fx = loadWire('distribution-token-push-insufficient-scope')
    nock('https://registry.local:5000').get('/v2/').reply(401, '', {'www-authenticate': 'Bearer realm="https://auth.local/token",service="registry.local:5000"', 'docker-distribution-api-version': 'registry/2.0'})
    // fx.requests[0] is the unauthenticated upload start: clients derive the push scope instead of asking.
    const tok = mountRequest(fx.requests[1]!, {expectHeaders: {authorization: /^Basic /}})
    mountRequest(fx.requests[2]!)
    const trace = await doctorFlow(new HttpClient(), 'registry.local:5000/alice/app', ['push'], {credentials: creds({username: 'alice', password: 's3cret'}), now: FIXTURE_NOW})
    tok.done()
    assert.equal(trace.verdict.code, 7, trace.verdict.headline)
    assert.equal(trace.verdict.causes[0]!.code, 'token.scope.missing-action')
    assert.ok(codes(trace).includes('access.push.denied'))
    assert.ok(!JSON.stringify(trace).includes('s3cret'))
  })

  it('distribution token mode: invalid_token on use → exit 6 with the cause explained', async () => {
    const fx = loadWire('distribution-token-invalid-token')
    nock('https://registry.local:5000').get('/v2/').reply(401, '', {'www-authenticate': 'Bearer realm="https://auth.local/token",service="registry.local:5000"', 'docker-distribution-api-version': 'registry/2.0'})
    const token = loadWire('distribution-token-push-insufficient-scope').requests[1]!
    nock('https://auth.local').get('/token').query(true).reply(200, token.body, token.resHeaders)
    mountRequest(fx.requests[0]!, {method: 'HEAD'})
    const trace = await doctorFlow(new HttpClient(), 'registry.local:5000/alice/app', ['pull'], {credentials: creds({username: 'alice', password: 's3cret'}), now: FIXTURE_NOW})
    assert.equal(trace.verdict.code, 6, trace.verdict.headline)
    // exp, nbf and aud of the token check out, so what is left is the key that signed it.
    assert.equal(trace.verdict.causes[0]!.code, 'access.invalid-token.signature')
    assert.equal(trace.verdict.causes[1]!.code, 'access.invalid-token')
    assert.match(trace.verdict.fixes[0]!, /rootcertbundle/)
  })

  it('an identity token is exchanged with the OAuth2 refresh POST docker sends', async () => {
    const fx = loadWire('oauth2-refresh-post')
    hubPing()
    let form: URLSearchParams | undefined
    nock('https://auth.docker.io').post('/token', (body) => {
      form = new URLSearchParams(body as string)
      return true
    }).reply(200, fx.requests[0]!.body, fx.requests[0]!.resHeaders)
    nock('https://registry-1.docker.io').head('/v2/library/alpine/manifests/latest').reply(200)
    const {trace} = await tokenFlow(new HttpClient(), 'token', 'alpine', ['pull'], {credentials: creds({identityToken: 'refresh-kas9Da81Dfa8'}), now: FIXTURE_NOW})
    assert.equal(form?.get('grant_type'), 'refresh_token')
    assert.equal(form?.get('refresh_token'), 'refresh-kas9Da81Dfa8')
    assert.equal(form?.get('service'), 'registry.docker.io')
    assert.equal(form?.get('scope'), 'repository:library/alpine:pull')
    assert.equal(form?.get('client_id'), 'regprobe')
    assert.equal(stage(trace, 'token').facts.method, 'POST')
    const json = JSON.stringify(trace)
    assert.ok(!json.includes('refresh-kas9Da81Dfa8') && !json.includes('kas9Da81Dfa8'), 'refresh tokens are redacted in the request form and the response')
  })

  it('--oauth with a password: POST grant_type=password, and a 404 falls back to GET, saying so', async () => {
    hubPing()
    let form: URLSearchParams | undefined
    nock('https://auth.docker.io').post('/token', (b) => ((form = new URLSearchParams(b as string)), true)).reply(404, 'not found')
    const get = nock('https://auth.docker.io').get('/token').query({account: 'alice', scope: 'repository:library/alpine:pull', service: 'registry.docker.io'}).matchHeader('authorization', /^Basic /).reply(200, loadWire('dockerhub-anonymous-pull').requests[1]!.body, {'content-type': 'application/json'})
    nock('https://registry-1.docker.io').head('/v2/library/alpine/manifests/latest').reply(200)
    const {trace} = await tokenFlow(new HttpClient(), 'token', 'alpine', ['pull'], {credentials: creds({username: 'alice', password: 'pw-123456'}), oauth: true, now: FIXTURE_NOW})
    get.done()
    assert.equal(form?.get('grant_type'), 'password')
    assert.equal(form?.get('username'), 'alice')
    assert.equal(form?.get('access_type'), 'offline')
    assert.ok(codes(trace).includes('token.oauth-fallback-get'))
    assert.equal(trace.verdict.code, 0)
    assert.ok(!JSON.stringify(trace).includes('pw-123456'))
  })

  it('ACR: a response with only access_token is accepted', async () => {
    nock('https://acme.azurecr.io').get('/v2/').reply(401, '', {'www-authenticate': 'Bearer realm="https://acme.azurecr.io/oauth2/token",service="acme.azurecr.io"', 'docker-distribution-api-version': 'registry/2.0'})
    nock('https://acme.azurecr.io').get('/oauth2/token').query(true).reply(200, {access_token: 'opaque-acr-token-value'})
    nock('https://acme.azurecr.io').head('/v2/app/manifests/latest').reply(200)
    const {trace} = await tokenFlow(new HttpClient(), 'token', 'acme.azurecr.io/app', ['pull'], {credentials: creds({username: 'admin', password: 'adminpw1'}), now: FIXTURE_NOW})
    assert.equal(stage(trace, 'token').facts.field, 'access_token')
    assert.equal(trace.verdict.code, 0)
  })

  it('ECR: Basic registry, no credentials → "no basic auth credentials", exit 6', async () => {
    const fx = loadWire('ecr-basic')
    mountRequest(fx.requests[0]!)
    const trace = await doctorFlow(new HttpClient(), '123456789012.dkr.ecr.eu-west-2.amazonaws.com/app', ['pull'], {credentials: creds(), now: FIXTURE_NOW})
    assert.equal(trace.verdict.code, 6)
    assert.equal(trace.verdict.causes[0]!.code, 'access.no-basic-credentials')
    assert.ok(trace.verdict.causes.some((c) => c.code === 'ecr.basic-credentials'))
  })

  it('ECR: an expired password → 403 DENIED → exit 7 with the 12-hour hint', async () => {
    const fx = loadWire('ecr-expired-token')
    nock('https://123456789012.dkr.ecr.us-east-1.amazonaws.com').get('/v2/').reply(401, 'Not Authorized\n', loadWire('ecr-basic').requests[0]!.resHeaders)
    mountRequest(fx.requests[0]!, {method: 'HEAD', expectHeaders: {authorization: /^Basic /}})
    // The HEAD's 403 has no body: regprobe reads the reason with a GET, as the recorded exchange was.
    mountRequest(fx.requests[0]!, {expectHeaders: {authorization: /^Basic /}})
    const trace = await doctorFlow(new HttpClient(), '123456789012.dkr.ecr.us-east-1.amazonaws.com/app', ['pull'], {credentials: creds({username: 'AWS', password: 'expired-password'}), now: FIXTURE_NOW})
    assert.equal(trace.verdict.code, 7, trace.verdict.headline)
    assert.ok(trace.verdict.causes.some((c) => c.code === 'ecr.password-expired'))
  })

  it('Docker Hub rate limit: 429 on the manifest → exit 9, with the rate-limit headers', async () => {
    const fx = loadWire('dockerhub-rate-limited')
    hubPing()
    mountRequest(loadWire('dockerhub-anonymous-pull').requests[1]!)
    mountRequest(fx.requests[0]!, {method: 'HEAD'})
    const trace = await doctorFlow(new HttpClient(), 'alpine', ['pull'], {credentials: creds(), now: FIXTURE_NOW})
    assert.equal(trace.verdict.code, 9)
    // The headers as sent, and their numbers as values: 100 pulls per 21600 s, none left.
    assert.deepEqual(stage(trace, 'access').facts.rateLimit, {'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '0;w=21600', 'docker-ratelimit-source': '203.0.113.7', limit: 100, windowS: 21600, remaining: 0})
    // In words: the window, what is left, what it is counted against, and that this pull was anonymous.
    assert.match(trace.verdict.causes[0]!.message, /; 100 pulls per 6 h, 0 left, counted against 203\.0\.113\.7 \(an IP address: anonymous pulls share the limit with every machine behind it\); this request was anonymous$/)
    assert.match(trace.verdict.fixes[0]!, /^Wait for the window to reset, or authenticate: an account gets its own, higher limit/)
  })

  // failure-stories.md §7, a custom token server writing the wrong access claim. The registry side is distribution's
  // (a 401 with error="insufficient_scope" when the claim does not cover the request); the token is made here.
  for (const c of [
    {name: 'a name with the registry host in it', access: [{type: 'repository', name: 'registry.custom.example/team/app', actions: ['pull']}], hostPrefixed: true},
    {name: 'the right name with push but not pull', access: [{type: 'repository', name: 'team/app', actions: ['push']}], hostPrefixed: false},
  ]) {
    it(`a custom token server's access claim: ${c.name}`, async () => {
      const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url')
      const iat = FIXTURE_NOW() / 1000 - 5
      const jwt = `${b64({alg: 'ES256', typ: 'JWT'})}.${b64({iss: 'custom', sub: 'ci', aud: 'custom-registry', iat, nbf: iat, exp: iat + 300, access: c.access})}.${'s'.repeat(86)}`
      const headers = {'docker-distribution-api-version': 'registry/2.0', 'content-type': 'application/json'}
      nock('https://registry.custom.example').get('/v2/').reply(401, '{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}', {...headers, 'www-authenticate': 'Bearer realm="https://auth.custom.example/token",service="custom-registry"'})
      nock('https://auth.custom.example').get('/token').query(true).reply(200, {token: jwt, expires_in: 300})
      nock('https://registry.custom.example').head('/v2/team/app/manifests/latest').reply(401, undefined, {...headers, 'www-authenticate': 'Bearer realm="https://auth.custom.example/token",service="custom-registry",scope="repository:team/app:pull",error="insufficient_scope"'})
      nock('https://registry.custom.example').get('/v2/team/app/manifests/latest').reply(401, '{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}', {...headers, 'www-authenticate': 'Bearer realm="https://auth.custom.example/token",service="custom-registry",scope="repository:team/app:pull",error="insufficient_scope"'})
      const trace = await doctorFlow(new HttpClient(), 'registry.custom.example/team/app', ['pull'], {credentials: creds({username: 'ci', password: 'fixture-pw'}), now: FIXTURE_NOW})
      assert.ok(codes(trace).includes('token.scope.missing-action'), codes(trace).join(', '))
      assert.equal(codes(trace).includes('token.access.host-prefixed'), c.hostPrefixed, codes(trace).join(', '))
      if (c.hostPrefixed) assert.match(stage(trace, 'token').findings.find((f) => f.code === 'token.access.host-prefixed')!.message, /grants pull on "registry\.custom\.example\/team\/app", not on "team\/app"/)
    })
  }

  it('a slow token server is not clock skew: each Date is compared with this machine\'s clock when its answer arrived', async () => {
    // One clock for registry, token server and this machine; the token server takes 35 s to answer. The exchanges are
    // shaped on distribution's token auth (401 + Bearer challenge, {token, expires_in}, a JWT with access); the delay
    // and the clock are simulated.
    let clock = FIXTURE_NOW()
    const date = () => new Date(clock).toUTCString()
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url')
    const headers = {'docker-distribution-api-version': 'registry/2.0', 'content-type': 'application/json'}
    nock('https://slow.example').get('/v2/').reply(() => [401, '{}', {...headers, date: date(), 'www-authenticate': 'Bearer realm="https://slow.example/token",service="slow"'}])
    nock('https://slow.example').get('/token').query(true).reply(() => {
      clock += 35_000
      const iat = Math.floor(clock / 1000)
      const jwt = `${b64({alg: 'ES256'})}.${b64({iss: 'slow', aud: 'slow', iat, nbf: iat, exp: iat + 300, access: [{type: 'repository', name: 'team/app', actions: ['pull']}]})}.${'s'.repeat(86)}`
      return [200, {token: jwt, expires_in: 300}, {date: date()}]
    })
    nock('https://slow.example').head('/v2/team/app/manifests/latest').reply(() => [200, '', {...headers, date: date()}])
    const trace = await doctorFlow(new HttpClient(), 'slow.example/team/app', ['pull'], {credentials: creds(), now: () => clock})
    assert.equal(trace.verdict.code, 0, trace.verdict.headline)
    assert.deepEqual(codes(trace).filter((c) => /clock|valid/.test(c)), [])
    assert.equal(stage(trace, 'token').facts.registryClockSkew, 0)
  })

  it('a plain challenge to a token whose claim grants nothing is not "a proxy stripped the header"', async () => {
    // Quay answers a token without the scope with a plain Bearer challenge (no error=): the claim explains it. Shapes
    // from quay/quay's auth (registry_jwt_auth.py get_auth_headers); see test/fixtures/wire/quay-anonymous-pull.json.
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url')
    const iat = FIXTURE_NOW() / 1000 - 5
    const jwt = `${b64({alg: 'RS256'})}.${b64({iss: 'quay', aud: 'quay.example', iat, nbf: iat, exp: iat + 300, access: []})}.${'s'.repeat(86)}`
    const challenge = 'Bearer realm="https://quay.example/v2/auth",service="quay.example"'
    nock('https://quay.example').get('/v2/').reply(401, '{"errors":[{"code":"UNAUTHORIZED","message":"access to the requested resource is not authorized"}]}', {'docker-distribution-api-version': 'registry/2.0', 'www-authenticate': challenge})
    nock('https://quay.example').get('/v2/auth').query(true).reply(200, {token: jwt})
    nock('https://quay.example').head('/v2/acme/app/manifests/latest').reply(401, undefined, {'www-authenticate': challenge})
    nock('https://quay.example').get('/v2/acme/app/manifests/latest').reply(401, '{"errors":[{"code":"UNAUTHORIZED","message":"access to the requested resource is not authorized"}]}', {'www-authenticate': challenge})
    const trace = await doctorFlow(new HttpClient(), 'quay.example/acme/app', ['pull'], {credentials: creds({username: 'robot', password: 'fixture-pw'}), now: FIXTURE_NOW})
    assert.ok(codes(trace).includes('token.access.empty'), codes(trace).join(', '))
    assert.ok(!codes(trace).includes('access.token-not-seen'), codes(trace).join(', '))
  })

  it('a token endpoint that answers 200 without a token is a protocol error (exit 5)', async () => {
    hubPing()
    nock('https://auth.docker.io').get('/token').query(true).reply(200, {details: 'ok'})
    const trace = await doctorFlow(new HttpClient(), 'alpine', ['pull'], {credentials: creds(), now: FIXTURE_NOW})
    assert.equal(trace.verdict.code, 5)
    assert.equal(trace.verdict.causes[0]!.code, 'token.no-token')
  })

  it('credentials are never sent to a plain-HTTP realm on another host without --plain-http (exit 4)', async () => {
    nock('https://reg.example').get('/v2/').reply(401, '', {'www-authenticate': 'Bearer realm="http://auth.example/token",service="reg"', 'docker-distribution-api-version': 'registry/2.0'})
    const trace = await doctorFlow(new HttpClient(), 'reg.example/a/b', ['pull'], {credentials: creds({username: 'u', password: 'secret-pw'}), now: FIXTURE_NOW})
    assert.equal(trace.verdict.code, 4)
    assert.equal(trace.verdict.causes[0]!.code, 'token.refused-plain-http-credentials')
    assert.equal(nock.pendingMocks().length, 0)
  })
})
