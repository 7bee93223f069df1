import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, afterEach, before, describe, it} from 'node:test'
import nock from 'nock'
import {HttpClient} from '../../src/http/client.js'
import {loginFlow, logoutFlow} from '../../src/flows/login.js'
import type {CredentialInput} from '../../src/flows/credentials.js'
import type {Trace} from '../../src/trace/types.js'
import {loadWire, mountRequest, resetNock, setupNock} from '../helpers/wire.js'

/** The fixtures' JWTs were issued at 1760000000; judging them at that time keeps expiry findings out of the way. */
const FIXTURE_NOW = () => 1_760_000_010_000
const client = () => new HttpClient({timeoutMs: 2000})

// An empty home and docker config: only the flags may supply credentials, whatever this machine has in ~/.docker.
const home = mkdtempSync(join(tmpdir(), 'regprobe-login-test-'))
function creds(username?: string, password?: string): CredentialInput {
  return {username, password, env: {}, homeDir: home, dockerConfigDir: join(home, '.docker')}
}

function codes(trace: Trace): string[] {
  return trace.steps.flatMap((s) => s.findings.map((f) => f.code))
}

function assertNoSecrets(trace: Trace, secrets: string[]): void {
  const text = JSON.stringify(trace)
  for (const s of secrets) assert.ok(!text.includes(s), `the trace leaks a secret (${s.slice(0, 6)}…)`)
}

function basic(user: string, password: string): string {
  return Buffer.from(`${user}:${password}`).toString('base64')
}

describe('login: docker login, judged as docker would (nock fixtures)', () => {
  before(setupNock)
  afterEach(resetNock)
  after(() => rmSync(home, {recursive: true, force: true}))

  it('Docker Hub: scope-less token request with account, client_id=docker, offline_token=true and Basic; Login Succeeded', async () => {
    const fx = loadWire('dockerhub-login')
    const scopes = [
      mountRequest(fx.requests[0]!),
      mountRequest(fx.requests[1]!, {expectHeaders: {authorization: new RegExp(`^Basic ${basic('alice', 's3cret')}$`)}}),
      mountRequest(fx.requests[2]!, {expectHeaders: {authorization: /^Bearer eyJ/}}),
    ]
    const {trace, login} = await loginFlow(client(), 'docker.io', {credentials: creds('alice', 's3cret'), now: FIXTURE_NOW})
    for (const s of scopes) s.done()
    assert.equal(trace.verdict.code, 0, trace.verdict.headline)
    assert.equal(login.succeeded, true)
    const token = trace.steps.find((s) => s.stage === 'token')!
    // Byte for byte what docker sends: Go's url.Values.Encode sorts the keys; no scope at all.
    assert.equal(token.exchanges[0]!.request.url, 'https://auth.docker.io/token?account=alice&client_id=docker&offline_token=true&service=registry.docker.io')
    const step = trace.steps.find((s) => s.stage === 'login')!
    assert.equal(step.facts.result, 'Login Succeeded')
    assert.equal(step.facts.configKey, 'https://index.docker.io/v1/')
    // No refresh token: the fact is null (docker stores the password), and the token step asked for no scope at all.
    assert.equal(step.facts.identityToken, null)
    assert.deepEqual(token.facts.requested, [])
    assert.ok(codes(trace).includes('login.proves-credentials-only'))
    assert.match(trace.verdict.headline, /doctor/)
    const tokenValue = (JSON.parse(fx.requests[1]!.body!) as {token: string}).token
    assertNoSecrets(trace, ['s3cret', basic('alice', 's3cret'), tokenValue])
  })

  it('Docker Hub wrong password: {"details":…} at the token endpoint is login.credentials-rejected, exit 6', async () => {
    mountRequest(loadWire('dockerhub-login').requests[0]!)
    const wrong = mountRequest(loadWire('dockerhub-wrong-password').requests[0]!, {expectHeaders: {authorization: new RegExp(`^Basic ${basic('alice', 'wrong')}$`)}})
    const {trace, login} = await loginFlow(client(), 'docker.io', {credentials: creds('alice', 'wrong'), now: FIXTURE_NOW})
    wrong.done()
    assert.equal(login.succeeded, false)
    assert.equal(trace.verdict.code, 6)
    assert.equal(trace.verdict.causes[0]!.code, 'login.credentials-rejected')
    assert.match(trace.verdict.headline, /incorrect username or password/)
    assert.ok(trace.verdict.causes.some((f) => f.code === 'token.credentials-rejected'), 'the token step\'s refusal stays as evidence')
    assert.equal(trace.steps.find((s) => s.stage === 'login')!.exchanges.length, 0, 'no /v2/ retry without a token')
    assertNoSecrets(trace, ['wrong', basic('alice', 'wrong')])
  })

  it('Quay wrong password: UNAUTHORIZED from /v2/auth is login.credentials-rejected, exit 6, and the request had no scope', async () => {
    mountRequest(loadWire('quay-anonymous-pull').requests[0]!)
    // The recorded refusal was for a pull token; docker login sends the same credentials without a scope.
    const auth = mountRequest(loadWire('quay-wrong-password').requests[0]!, {anyQuery: true})
    const {trace} = await loginFlow(client(), 'quay.io', {credentials: creds('alice', 'wrong-password'), now: FIXTURE_NOW})
    auth.done()
    assert.equal(trace.verdict.code, 6)
    assert.equal(trace.verdict.causes[0]!.code, 'login.credentials-rejected')
    assert.match(trace.verdict.headline, /Invalid Username or Password/)
    const url = trace.steps.find((s) => s.stage === 'token')!.exchanges[0]!.request.url
    assert.equal(url, 'https://quay.io/v2/auth?account=alice&client_id=docker&offline_token=true&service=quay.io')
    assertNoSecrets(trace, ['wrong-password', basic('alice', 'wrong-password')])
  })

  it('ECR: Basic straight to /v2/ (no token exchange); Login Succeeded under the host key', async () => {
    const fx = loadWire('ecr-basic')
    const password = 'eyJwYXlsb2FkIjoiRkFLRSJ9'
    const scopes = [mountRequest(fx.requests[0]!), mountRequest(fx.requests[1]!, {expectHeaders: {authorization: new RegExp(`^Basic ${basic('AWS', password)}$`)}})]
    const host = '123456789012.dkr.ecr.eu-west-2.amazonaws.com'
    const {trace} = await loginFlow(client(), host, {credentials: creds('AWS', password)})
    for (const s of scopes) s.done()
    assert.equal(trace.verdict.code, 0, trace.verdict.headline)
    assert.equal(trace.steps.find((s) => s.stage === 'token')!.status, 'skip')
    const step = trace.steps.find((s) => s.stage === 'login')!
    assert.equal(step.facts.configKey, host)
    assert.equal(step.facts.result, 'Login Succeeded')
    assertNoSecrets(trace, [password, basic('AWS', password)])
  })

  it('htpasswd registry: Basic login succeeds', async () => {
    const fx = loadWire('distribution-htpasswd-ping')
    const scopes = [mountRequest(fx.requests[0]!), mountRequest(fx.requests[1]!, {expectHeaders: {authorization: /^Basic YWxpY2U6czNjcmV0$/}})]
    const {trace, login} = await loginFlow(client(), 'registry.local:5000', {credentials: creds('alice', 's3cret')})
    for (const s of scopes) s.done()
    assert.equal(trace.verdict.code, 0)
    assert.equal(login.succeeded, true)
    assertNoSecrets(trace, ['s3cret', 'YWxpY2U6czNjcmV0'])
  })

  it('htpasswd registry, wrong password: /v2/ stays 401, docker\'s "login attempt … failed" message, exit 6', async () => {
    const fx = loadWire('distribution-htpasswd-ping')
    mountRequest(fx.requests[0]!)
    // distribution answers a wrong password exactly as no password (registry-auth.md §12, measured).
    mountRequest(fx.requests[1]!, {status: 401, body: fx.requests[0]!.body, headers: fx.requests[0]!.resHeaders})
    const {trace} = await loginFlow(client(), 'registry.local:5000', {credentials: creds('alice', 'nope-nope')})
    assert.equal(trace.verdict.code, 6)
    assert.equal(trace.verdict.causes[0]!.code, 'login.credentials-rejected')
    assert.match(trace.verdict.headline, /login attempt to https:\/\/registry\.local:5000\/v2\/ failed with status: 401 Unauthorized/)
  })

  it('no credentials anywhere: login.credentials-missing, exit 6, and nothing is sent to the token server', async () => {
    mountRequest(loadWire('dockerhub-login').requests[0]!)
    const {trace} = await loginFlow(client(), 'docker.io', {credentials: creds()})
    assert.equal(trace.verdict.code, 6)
    assert.equal(trace.verdict.causes[0]!.code, 'login.credentials-missing')
    assert.equal(trace.steps.find((s) => s.stage === 'token')!.status, 'skip')
    assert.equal(trace.steps.reduce((n, s) => n + s.exchanges.length, 0), 1)
  })

  it('a realm that refuses the credentials with 403 even without scope is login.realm-refused, exit 6 (not 7)', async () => {
    // GitLab-like shape (registry-auth.md §5: a token request without scope answered 403).
    nock('https://registry.example.net').get('/v2/').reply(401, '{"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":null}]}', {'Content-Type': 'application/json', 'Docker-Distribution-Api-Version': 'registry/2.0', 'WWW-Authenticate': 'Bearer realm="https://gitlab.example.net/jwt/auth",service="container_registry"'})
    nock('https://gitlab.example.net').get('/jwt/auth').query({account: 'alice', client_id: 'docker', offline_token: 'true', service: 'container_registry'}).reply(403, '{"errors":[{"code":"DENIED","message":"access forbidden"}]}', {'Content-Type': 'application/json'})
    const {trace} = await loginFlow(client(), 'registry.example.net', {credentials: creds('alice', 'glpat-FAKE')})
    assert.equal(trace.verdict.code, 6)
    assert.equal(trace.verdict.causes[0]!.code, 'login.realm-refused')
    assertNoSecrets(trace, ['glpat-FAKE'])
  })

  it('a token the registry then rejects on /v2/ (invalid_token) is login.token-rejected, exit 6', async () => {
    const fx = loadWire('dockerhub-login')
    mountRequest(fx.requests[0]!)
    mountRequest(fx.requests[1]!)
    mountRequest(fx.requests[2]!, {status: 401, body: '{"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":null}]}', headers: {'Www-Authenticate': 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",error="invalid_token"'}})
    const {trace} = await loginFlow(client(), 'docker.io', {credentials: creds('alice', 's3cret'), now: FIXTURE_NOW})
    assert.equal(trace.verdict.code, 6)
    assert.equal(trace.verdict.causes[0]!.code, 'login.token-rejected')
    assert.match(trace.verdict.headline, /invalid_token/)
  })

  it('an identity token (refresh_token) in the answer: docker stores it instead of the password; both are redacted', async () => {
    const fx = loadWire('dockerhub-login')
    const body = JSON.parse(fx.requests[1]!.body!) as Record<string, unknown>
    const refresh = 'rfr-8f2a1c3e-FAKE-identity-token'
    mountRequest(fx.requests[0]!)
    mountRequest(fx.requests[1]!, {body: JSON.stringify({...body, refresh_token: refresh})})
    mountRequest(fx.requests[2]!)
    const {trace, login} = await loginFlow(client(), 'docker.io', {credentials: creds('alice', 's3cret'), now: FIXTURE_NOW})
    assert.equal(trace.verdict.code, 0)
    assert.equal(login.identityToken, true)
    const step = trace.steps.find((s) => s.stage === 'login')!
    assert.match(String(step.facts.identityToken), /^<redacted opaque \d+ chars hmac:[0-9a-f]{8}>$/)
    assert.match(String(step.facts.dockerWouldStore), /identitytoken/)
    assertNoSecrets(trace, [refresh, 's3cret'])
  })

  describe('--save and logout write and remove docker\'s config.json entry', () => {
    it('a password login is saved as auth = base64(user:password) under the host key, and logout removes it', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'regprobe-save-'))
      try {
        const fx = loadWire('distribution-htpasswd-ping')
        mountRequest(fx.requests[0]!)
        mountRequest(fx.requests[1]!)
        const where = {...creds('alice', 's3cret'), dockerConfigDir: dir}
        const {trace} = await loginFlow(client(), 'registry.local:5000', {credentials: where, save: true})
        assert.equal(trace.verdict.code, 0, trace.verdict.headline)
        assert.ok(codes(trace).includes('login.saved'))
        const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as {auths: Record<string, {auth?: string}>}
        assert.equal(config.auths['registry.local:5000']!.auth, basic('alice', 's3cret'))
        assertNoSecrets(trace, ['s3cret', basic('alice', 's3cret')])
        const out = await logoutFlow('registry.local:5000', {dockerConfigDir: dir}, performance.now())
        assert.equal(out.steps[0]!.summary, 'Removing login credentials for registry.local:5000')
        const after = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as {auths: Record<string, unknown>}
        assert.equal(after.auths['registry.local:5000'], undefined)
        const again = await logoutFlow('registry.local:5000', {dockerConfigDir: dir}, performance.now())
        assert.equal(again.steps[0]!.summary, 'Not logged in to registry.local:5000')
        assert.equal(again.verdict.code, 0)
      } finally {
        rmSync(dir, {recursive: true, force: true})
      }
    })

    it('with an identity token back, docker stores it instead of the password (Docker Hub key)', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'regprobe-save-'))
      try {
        const fx = loadWire('dockerhub-login')
        const body = JSON.parse(fx.requests[1]!.body!) as Record<string, unknown>
        const refresh = 'rfr-8f2a1c3e-FAKE-identity-token'
        mountRequest(fx.requests[0]!)
        mountRequest(fx.requests[1]!, {body: JSON.stringify({...body, refresh_token: refresh})})
        mountRequest(fx.requests[2]!)
        const {trace} = await loginFlow(client(), 'docker.io', {credentials: {...creds('alice', 's3cret'), dockerConfigDir: dir}, save: true, now: FIXTURE_NOW})
        assert.equal(trace.verdict.code, 0, trace.verdict.headline)
        const entry = (JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as {auths: Record<string, {auth?: string; identitytoken?: string}>}).auths['https://index.docker.io/v1/']!
        assert.equal(entry.identitytoken, refresh)
        assert.equal(entry.auth, Buffer.from('alice:').toString('base64'))
        assertNoSecrets(trace, [refresh, 's3cret'])
      } finally {
        rmSync(dir, {recursive: true, force: true})
      }
    })

    it('a failed login saves nothing', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'regprobe-save-'))
      try {
        mountRequest(loadWire('dockerhub-login').requests[0]!)
        mountRequest(loadWire('dockerhub-wrong-password').requests[0]!)
        const {trace} = await loginFlow(client(), 'docker.io', {credentials: {...creds('alice', 'wrong'), dockerConfigDir: dir}, save: true})
        assert.equal(trace.verdict.code, 6)
        assert.throws(() => readFileSync(join(dir, 'config.json')), /ENOENT/)
      } finally {
        rmSync(dir, {recursive: true, force: true})
      }
    })
  })
})
