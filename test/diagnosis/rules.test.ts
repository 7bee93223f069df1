// Every diagnosis rule, on the smallest trace that should trigger it and on the nearest one that should not. The
// flows' tests show rules firing on real wire exchanges; this table makes sure each one fires, and only then.
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {diagnose, RULES, type DiagnosisInput} from '../../src/diagnosis/rules.js'
import {parseRegistry} from '../../src/reference.js'
import type {Exchange, Finding, StageName, Step} from '../../src/trace/types.js'

const ECR = '123456789012.dkr.ecr.eu-west-1.amazonaws.com'

function step(stage: StageName, opts: {findings?: Array<Partial<Finding> & {code: string}>; facts?: Record<string, unknown>; exchanges?: Exchange[]} = {}): Step {
  const findings = (opts.findings ?? []).map((f) => ({severity: 'error' as const, message: f.code, ...f}))
  return {stage, status: 'ok', summary: '', facts: opts.facts ?? {}, exchanges: opts.exchanges ?? [], findings}
}

function input(registry: string, steps: Step[], extra: Partial<DiagnosisInput> = {}): DiagnosisInput {
  return {registry: parseRegistry(registry), steps, repository: 'team/app', actions: ['pull'], ...extra}
}

function answered(wwwAuthenticate: string): Exchange {
  return {request: {method: 'HEAD', url: 'https://harbor.example/v2/team/app/manifests/1', headers: {}}, response: {status: 401, statusText: 'Unauthorized', headers: {'www-authenticate': wwwAuthenticate}}, timing: {startMs: 0, totalMs: 1}} as unknown as Exchange
}

const denied = {code: 'access.push.denied'}
const cases: Array<{rule: string; fires: DiagnosisInput; quiet: DiagnosisInput; why: string}> = [
  {
    rule: 'hub.pat-read-only',
    fires: input('docker.io', [step('access', {findings: [denied]})], {username: 'alice', actions: ['pull', 'push']}),
    quiet: input('docker.io', [step('access', {findings: [denied]})], {actions: ['pull', 'push']}),
    why: 'anonymous: no token scope to blame',
  },
  {
    rule: 'hub.library-prefix',
    fires: input('docker.io', [step('challenge', {facts: {scopes: ['repository:alpine:pull']}})]),
    quiet: input('docker.io', [step('challenge', {facts: {scopes: ['repository:library/alpine:pull']}})]),
    why: 'the scope has library/',
  },
  {
    rule: 'ghcr.write-packages',
    fires: input('ghcr.io', [step('access', {findings: [denied]})], {username: 'octo', actions: ['pull', 'push']}),
    quiet: input('ghcr.io', [step('access', {findings: [{code: 'access.push.upload-left-open', severity: 'warn'}]})], {username: 'octo', actions: ['pull', 'push']}),
    why: 'the push was allowed; only the cancel of the empty upload failed',
  },
  {
    rule: 'ghcr.wrong-token',
    fires: input('ghcr.io', [step('token', {findings: [{code: 'token.credentials-rejected'}]})], {username: 'octo'}),
    quiet: input('ghcr.io', [step('token', {findings: [{code: 'token.credentials-rejectedness'}]})], {username: 'octo'}),
    why: 'a code that only starts with the same letters',
  },
  {
    rule: 'ecr.password-expired',
    fires: input(ECR, [step('access', {findings: [{code: 'access.pull.forbidden', message: 'pull of team/app forbidden (403: DENIED: Your authorization token has expired.)'}]})], {username: 'AWS'}),
    quiet: input(ECR, [step('access', {findings: [{code: 'access.pull.forbidden', message: 'pull of team/app forbidden (403: DENIED: not authorized)'}]})], {username: 'AWS'}),
    why: 'forbidden for another reason',
  },
  {
    rule: 'ecr.basic-credentials',
    fires: input(ECR, [step('access', {findings: [{code: 'access.credentials-rejected'}]})], {username: 'AWS'}),
    quiet: input('registry.corp:5000', [step('access', {findings: [{code: 'access.credentials-rejected'}]})], {username: 'AWS'}),
    why: 'not ECR',
  },
  {
    rule: 'harbor.basic-after-reject',
    fires: input('harbor.example', [step('access', {exchanges: [answered('Basic realm="harbor"')]})], {username: 'robot$ci'}),
    quiet: input('harbor.example', [step('access', {exchanges: [answered('Basic realm="harbor"')]})]),
    why: 'no credentials were sent, so Basic is just the challenge',
  },
  {
    rule: 'gitlab.realm-host',
    fires: input('registry.gitlab.com', [step('probe', {facts: {realm: 'https://gitlab.com/jwt/auth'}})]),
    quiet: input('registry.gitlab.com', [step('probe', {facts: {realm: 'https://registry.gitlab.com/jwt/auth'}})]),
    why: 'the realm is on the registry host',
  },
  {
    rule: 'insecure.docker-needs-config',
    fires: input('registry.corp:5000', [step('probe', {facts: {scheme: 'http'}})]),
    quiet: input('127.0.0.1:5000', [step('probe', {facts: {scheme: 'http'}})]),
    why: 'docker allows plain HTTP to loopback',
  },
  {
    rule: 'tls.docker-ca-location',
    fires: input('registry.corp:5000', [step('probe', {findings: [{code: 'probe.tls.unknown-ca'}]})]),
    quiet: input('registry.corp:5000', [step('probe', {findings: [{code: 'probe.tls.hostname'}]})]),
    why: 'a name mismatch is not fixed by a CA file',
  },
  {
    rule: 'clock.token-rejected',
    fires: input('registry.corp:5000', [step('token', {findings: [{code: 'token.not-yet-valid-for-registry', severity: 'warn', message: 'by the registry\'s clock the token is not valid for another 240 s (nbf)'}]}), step('access', {findings: [{code: 'access.invalid-token'}]})], {username: 'bob'}),
    quiet: input('registry.corp:5000', [step('token', {findings: [{code: 'token.aud-mismatch', severity: 'warn'}]}), step('access', {findings: [{code: 'access.invalid-token'}]})], {username: 'bob'}),
    why: 'the token is invalid for another reason (its audience)',
  },
  {
    rule: 'login.not-access',
    fires: input('registry.corp:5000', [step('access', {findings: [denied]})], {username: 'bob', actions: ['pull', 'push']}),
    quiet: input('registry.corp:5000', [step('token', {findings: [{code: 'token.credentials-rejected'}]}), step('access', {findings: [denied]})], {username: 'bob', actions: ['pull', 'push']}),
    why: 'the credentials themselves were rejected',
  },
  {
    rule: 'anonymous.private',
    fires: input('registry.corp:5000', [step('access', {findings: [{code: 'access.pull.anonymous-denied'}]})]),
    quiet: input('registry.corp:5000', [step('access', {findings: [{code: 'access.pull.anonymous-denied'}]})], {username: 'bob'}),
    why: 'credentials were used',
  },
]

describe('diagnosis rules', () => {
  it('the table covers every rule', () => {
    assert.deepEqual(cases.map((c) => c.rule).sort(), RULES.map((r) => r.code).sort())
  })

  it('insecure.docker-needs-config tells docker, podman/skopeo and containerd/nerdctl users what to set (failure-stories §13)', () => {
    const f = diagnose(cases.find((c) => c.rule === 'insecure.docker-needs-config')!.fires).find((x) => x.code === 'insecure.docker-needs-config')!
    assert.match(f.fix!, /"insecure-registries" in \/etc\/docker\/daemon\.json/)
    assert.match(f.fix!, /insecure = true in \/etc\/containers\/registries\.conf \(or --tls-verify=false per command\)/)
    assert.match(f.fix!, /\/etc\/containerd\/certs\.d\/registry\.corp:5000\/hosts\.toml with server = "http:\/\/registry\.corp:5000"/)
  })

  for (const c of cases) {
    it(`${c.rule}: fires on its story, and stays quiet when ${c.why}`, () => {
      const fired = diagnose(c.fires).map((f) => f.code)
      assert.ok(fired.includes(c.rule), `expected ${c.rule}, got [${fired.join(', ')}]`)
      const quiet = diagnose(c.quiet).map((f) => f.code)
      assert.ok(!quiet.includes(c.rule), `${c.rule} fired when ${c.why}: [${quiet.join(', ')}]`)
    })
  }
})
