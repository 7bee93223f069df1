import assert from 'node:assert/strict'
import {afterEach, before, describe, it} from 'node:test'
import nock from 'nock'
import {HttpClient} from '../../src/http/client.js'
import {probeFlow} from '../../src/flows/probe.js'
import {challengeFlow} from '../../src/flows/challenge.js'
import {stepOf} from '../../src/trace/types.js'
import {loadWire, mountRequest, resetNock, setupNock} from '../helpers/wire.js'

const client = () => new HttpClient({timeoutMs: 2000})

describe('probe against real registries\' wire shapes (nock fixtures)', () => {
  before(setupNock)
  afterEach(resetNock)

  const cases: Array<{name: string; fixture: string; index: number; target: string; auth: string; realm?: string; service?: string}> = [
    {name: 'Docker Hub: Bearer at auth.docker.io, no scope on the ping', fixture: 'dockerhub-anonymous-pull', index: 0, target: 'docker.io', auth: 'bearer', realm: 'https://auth.docker.io/token', service: 'registry.docker.io'},
    {name: 'Quay: 401 with body "true" as text/html is still a registry', fixture: 'quay-anonymous-pull', index: 0, target: 'quay.io', auth: 'bearer', realm: 'https://quay.io/v2/auth', service: 'quay.io'},
    {name: 'ghcr.io: Bearer with a placeholder scope on the ping', fixture: 'ghcr-anonymous-pull', index: 0, target: 'ghcr.io', auth: 'bearer', realm: 'https://ghcr.io/token', service: 'ghcr.io'},
    {name: 'ECR: Basic with a service parameter, text/plain body', fixture: 'ecr-basic', index: 0, target: '123456789012.dkr.ecr.eu-west-2.amazonaws.com', auth: 'basic'},
    {name: 'legacy GitHub Packages: Basic', fixture: 'github-packages-basic', index: 0, target: 'docker.pkg.github.com', auth: 'basic'},
    {name: 'distribution in htpasswd mode: Basic realm', fixture: 'distribution-htpasswd-ping', index: 0, target: 'registry.local:5000', auth: 'basic'},
  ]
  for (const c of cases) {
    it(c.name, async () => {
      const fx = loadWire(c.fixture)
      const scope = mountRequest(fx.requests[c.index]!)
      const trace = await probeFlow(client(), c.target)
      scope.done()
      assert.equal(trace.verdict.code, 0, trace.verdict.headline)
      const facts = stepOf(trace.steps, 'probe')!.facts
      assert.equal(facts.auth, c.auth)
      if (c.realm) assert.equal(facts.realm, c.realm)
      if (c.service) assert.equal(facts.service, c.service)
      assert.equal(trace.schema, 'regprobe/trace@1')
    })
  }

  it('an open registry (200 {}) is "open"', async () => {
    nock('https://open.example').get('/v2/').reply(200, '{}', {'Content-Type': 'application/json', 'Docker-Distribution-Api-Version': 'registry/2.0'})
    const trace = await probeFlow(client(), 'open.example')
    assert.equal(trace.verdict.code, 0)
    assert.equal(stepOf(trace.steps, 'probe')!.facts.auth, 'none')
    // No challenge is what an open registry sends: nothing to warn about.
    assert.deepEqual(trace.steps[0]!.findings.map((f) => f.code), [])
  })

  it('a 401 without a challenge is one error, not also a warning about the missing header', async () => {
    // Synthetic: a proxy in front of distribution that drops WWW-Authenticate (distribution itself always sends it).
    nock('https://nochallenge.example').get('/v2/').reply(401, '{}', {'Content-Type': 'application/json', 'Docker-Distribution-Api-Version': 'registry/2.0'})
    const trace = await probeFlow(client(), 'nochallenge.example')
    assert.equal(trace.verdict.code, 5)
    assert.deepEqual(trace.steps[0]!.findings.map((f) => f.code), ['probe.no-challenge'])
  })

  const failures: Array<{name: string; status: number; body: string; headers: Record<string, string>; code: number; finding: string}> = [
    {name: '404 on /v2/ is not a v2 registry (exit 5)', status: 404, body: '404 page not found', headers: {'Content-Type': 'text/plain'}, code: 5, finding: 'probe.not-v2'},
    {name: 'an HTML page with 200 is not a registry (exit 5)', status: 200, body: '<!doctype html><html><head><title>GitLab</title></head></html>', headers: {'Content-Type': 'text/html'}, code: 5, finding: 'probe.not-a-registry'},
    {name: '401 without WWW-Authenticate is a protocol violation (exit 5)', status: 401, body: '{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}', headers: {'Content-Type': 'application/json', 'Docker-Distribution-Api-Version': 'registry/2.0'}, code: 5, finding: 'probe.no-challenge'},
    {name: '429 on /v2/ is rate limiting (exit 9)', status: 429, body: '{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}', headers: {'Content-Type': 'application/json'}, code: 9, finding: 'probe.rate-limited'},
    {name: '503 is a server failure (exit 5)', status: 503, body: 'upstream connect error', headers: {}, code: 5, finding: 'probe.server-error'},
  ]
  for (const f of failures) {
    it(f.name, async () => {
      nock('https://bad.example').get('/v2/').reply(f.status, f.body, f.headers)
      const trace = await probeFlow(client(), 'bad.example')
      assert.equal(trace.verdict.code, f.code)
      assert.ok(trace.steps[0]!.findings.some((x) => x.code === f.finding), JSON.stringify(trace.steps[0]!.findings))
      assert.equal(trace.verdict.status, 'fail')
    })
  }

  it('a bare host:port REF is the image docker.io/library/host, and the finding says so', async () => {
    const fx = loadWire('dockerhub-repo-challenge')
    mountRequest(loadWire('dockerhub-anonymous-pull').requests[0]!)
    mountRequest(fx.requests[0]!, {method: 'HEAD', anyQuery: true, headers: {}, status: 401})
    nock('https://registry-1.docker.io').head('/v2/library/myhost/manifests/5000').reply(401, undefined, fx.requests[0]!.resHeaders)
    const trace = await challengeFlow(client(), 'myhost:5000', ['pull'])
    const codes = trace.steps.flatMap((s) => s.findings.map((f) => f.code))
    assert.ok(codes.includes('reference.probably-registry'), codes.join(','))
  })
})

describe('challenge: the resource scope, per registry', () => {
  before(setupNock)
  afterEach(resetNock)

  it('Docker Hub: HEAD of the manifest is challenged with repository:library/redis:pull', async () => {
    const hub = loadWire('dockerhub-anonymous-pull')
    const repo = loadWire('dockerhub-repo-challenge')
    const s1 = mountRequest(hub.requests[0]!)
    const s2 = mountRequest(repo.requests[0]!)
    const trace = await challengeFlow(client(), 'redis:5.0.9', ['pull'])
    s1.done()
    s2.done()
    const step = stepOf(trace.steps, 'challenge')!
    assert.deepEqual(step.facts.scopes, ['repository:library/redis:pull'])
    assert.equal(step.facts.tokenUrl, 'https://auth.docker.io/token?scope=repository%3Alibrary%2Fredis%3Apull&service=registry.docker.io')
    assert.ok(step.findings.some((f) => f.code === 'challenge.realm-other-host'))
    assert.equal(trace.verdict.code, 0)
  })

  it('ghcr.io: the ping\'s placeholder scope is not reused', async () => {
    const fx = loadWire('ghcr-anonymous-pull')
    mountRequest(fx.requests[0]!)
    mountRequest(fx.requests[1]!, {method: 'HEAD'})
    const trace = await challengeFlow(client(), 'ghcr.io/acme/app:1.0.0', ['pull'])
    const step = stepOf(trace.steps, 'challenge')!
    assert.deepEqual(step.facts.scopes, ['repository:acme/app:pull'])
    assert.ok(step.findings.some((f) => f.code === 'challenge.ping-scope-ignored'))
  })

  it('distribution token mode: push is challenged with pull,push on POST blobs/uploads', async () => {
    const fx = loadWire('distribution-token-push-insufficient-scope')
    nock('https://registry.local:5000').get('/v2/').reply(401, '', {'WWW-Authenticate': 'Bearer realm="https://auth.local/token",service="registry.local:5000"', 'Docker-Distribution-Api-Version': 'registry/2.0'})
    nock('https://registry.local:5000').head('/v2/alice/app/manifests/latest').reply(401, undefined, {'WWW-Authenticate': 'Bearer realm="https://auth.local/token",service="registry.local:5000",scope="repository:alice/app:pull"'})
    const post = mountRequest(fx.requests[0]!)
    const trace = await challengeFlow(client(), 'registry.local:5000/alice/app', ['pull', 'push'])
    post.done()
    assert.deepEqual(stepOf(trace.steps, 'challenge')!.facts.scopes, ['repository:alice/app:pull,push'])
  })

  it('a realm on plain HTTP on another host is flagged with the host that receives the password', async () => {
    nock('https://reg.example').get('/v2/').reply(401, '', {'WWW-Authenticate': 'Bearer realm="http://auth.example/token",service="reg"', 'Docker-Distribution-Api-Version': 'registry/2.0'})
    nock('https://reg.example').head('/v2/a/b/manifests/latest').reply(401, undefined, {'WWW-Authenticate': 'Bearer realm="http://auth.example/token",service="reg",scope="repository:a/b:pull"'})
    const trace = await challengeFlow(client(), 'reg.example/a/b', ['pull'])
    const f = trace.steps[1]!.findings
    assert.ok(f.some((x) => x.code === 'challenge.realm-not-https' && x.severity === 'warn' && x.message.includes('auth.example')))
    assert.ok(f.some((x) => x.code === 'challenge.realm-other-host'))
  })
})
