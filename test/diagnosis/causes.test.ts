// The precise-cause judges (src/diagnosis/causes.ts) and the 404 and rate-limit judges, as tables without I/O: each on
// the smallest trace that should give the precise cause and on the nearest one that should not.
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {preciseCauses} from '../../src/diagnosis/causes.js'
import {exhaustedFinding} from '../../src/diagnosis/rate-limit.js'
import type {DiagnosisInput} from '../../src/diagnosis/rules.js'
import {verdictOf, withPreciseCauses} from '../../src/diagnosis/verdict.js'
import {parseReference, parseRegistry} from '../../src/reference.js'
import {editDistance, nearestTags, notFoundFinding} from '../../src/stages/not-found.js'
import type {Finding, StageName, Step} from '../../src/trace/types.js'

function step(stage: StageName, findings: Array<Partial<Finding> & {code: string}> = [], facts: Record<string, unknown> = {}, status: Step['status'] = 'ok'): Step {
  return {stage, status, summary: '', facts, exchanges: [], findings: findings.map((f) => ({severity: 'error' as const, message: f.code, exitCode: 6 as const, ...f}))}
}
const input = (steps: Step[], registry = 'registry.corp:5000'): DiagnosisInput => ({registry: parseRegistry(registry), steps, repository: 'team/app', actions: ['pull']})
const invalidToken = step('access', [{code: 'access.invalid-token'}])
const jwt = {jwtHeader: {alg: 'ES256', kid: 'ABCD:EFGH'}, claims: {iss: 'issuer-x', exp: 2_000_000_000}, realm: 'http://auth.corp:5001/token'}
const codes = (i: DiagnosisInput) => preciseCauses(i).map((c) => c.finding.code)

describe('precise causes', () => {
  const cases: Array<{name: string; steps: Step[]; want: string[]}> = [
    {name: 'invalid_token + aud mismatch → audience', steps: [step('probe'), step('token', [{code: 'token.aud-mismatch', severity: 'warn', message: 'the token\'s audience "x" is not the service "y": the registry will reject it as invalid_token'}], jwt), invalidToken], want: ['access.invalid-token.audience']},
    {name: 'invalid_token, claims fine → signature', steps: [step('probe'), step('token', [], jwt), invalidToken], want: ['access.invalid-token.signature']},
    {name: 'invalid_token, clocks off → neither (the clock rule explains it)', steps: [step('probe'), step('token', [{code: 'token.expired-for-registry', severity: 'warn'}], jwt), invalidToken], want: []},
    {name: 'invalid_token, opaque token → nothing to judge', steps: [step('probe'), step('token', [], {realm: jwt.realm}), invalidToken], want: []},
    {name: 'no invalid_token → nothing', steps: [step('probe'), step('token', [], jwt), step('access')], want: []},
    {name: 'realm refused, registry answered → token server', steps: [step('probe'), step('token', [{code: 'token.refused', exitCode: 3}], {realm: jwt.realm})], want: ['token.realm-unreachable']},
    {name: 'realm timed out → not called down (a slow server is not a dead one)', steps: [step('probe'), step('token', [{code: 'token.timeout', exitCode: 3}], {realm: jwt.realm})], want: []},
    {name: 'registry refused too → not the token server', steps: [step('probe', [{code: 'probe.refused'}], {}, 'fail'), step('token', [{code: 'token.refused'}], {realm: jwt.realm})], want: []},
    {name: 'stored password rejected → name the file', steps: [step('credentials', [], {credential: {username: 'alice', source: {type: 'docker-config', location: '/home/a/.docker/config.json', key: 'registry.corp:5000'}}}), step('token', [{code: 'token.credentials-rejected'}])], want: ['credentials.stored.rejected']},
    {name: 'password from flags rejected → no stored-password cause', steps: [step('credentials', [], {credential: {username: 'alice', source: {type: 'flag', location: 'flags'}}}), step('token', [{code: 'token.credentials-rejected'}])], want: []},
  ]
  for (const c of cases) it(c.name, () => assert.deepEqual(codes(input(c.steps)), c.want))

  it('the precise cause leads the verdict, the generic one stays, its fix goes', () => {
    const steps = [step('probe'), step('token', [{code: 'token.refused', exitCode: 3, fix: 'check the registry is running'}], {realm: jwt.realm})]
    const v = withPreciseCauses(verdictOf(steps, 'ok'), preciseCauses(input(steps)))
    assert.equal(v.code, 3)
    assert.deepEqual(v.causes.map((c) => c.code), ['token.realm-unreachable', 'token.refused'])
    assert.match(v.headline, /the registry is up; its realm points at a token server that is down: auth\.corp:5001/)
    assert.ok(!v.fixes.includes('check the registry is running'))
  })

  it('the stored-password fix names the registry, and not for Docker Hub', () => {
    const creds = (registry: string) => step('credentials', [], {credential: {username: 'alice', source: {type: 'docker-config', location: '/c.json', key: registry}}})
    const [corp] = preciseCauses(input([creds('registry.corp:5000'), step('token', [{code: 'token.credentials-rejected'}])]))
    assert.equal(corp!.finding.fix, 'Run docker login registry.corp:5000 again (the stored password is out of date).')
    assert.match(corp!.finding.message, /^the password stored for alice in \/c\.json \(auths\["registry\.corp:5000"\]\) was rejected/)
    const [hub] = preciseCauses(input([creds('https://index.docker.io/v1/'), step('token', [{code: 'token.credentials-rejected'}])], 'docker.io'))
    assert.equal(hub!.finding.fix, 'Run docker login again (the stored password is out of date).')
  })
})

describe('not found, judged from tags/list', () => {
  const ref = parseReference('registry.corp:5000/team/app:v1.2')
  const cases: Array<{name: string; tags?: {status?: number; codes: string[]; tags?: string[]}; pushing?: boolean; code: string; message?: RegExp}> = [
    {name: 'the repository is missing', tags: {status: 404, codes: ['NAME_UNKNOWN']}, code: 'access.pull.repository-not-found'},
    {name: 'the tag is missing: nearest first', tags: {status: 200, codes: [], tags: ['latest', 'v1.0', 'v1.1', 'v2.0']}, code: 'access.pull.tag-not-found', message: /did you mean v1\.1, v1\.0, v2\.0\? \(4 tags in all\)/},
    {name: 'no tags at all', tags: {status: 200, codes: [], tags: []}, code: 'access.pull.tag-not-found', message: /has no tags/},
    {name: 'tags/list refused: undecided', tags: {status: 401, codes: ['UNAUTHORIZED']}, code: 'access.pull.not-found'},
    {name: 'proving push: a new tag is normal', tags: {status: 200, codes: [], tags: ['v1.0']}, pushing: true, code: 'access.pull.not-yet-pushed'},
  ]
  for (const c of cases) {
    it(c.name, () => {
      const f = notFoundFinding({ref, tags: c.tags, pushing: c.pushing ?? false})
      assert.equal(f.code, c.code)
      if (c.message) assert.match(f.message, c.message)
      assert.doesNotMatch(`${f.message} ${f.fix ?? ''}`, /library\//, 'Docker Hub advice only for Docker Hub')
      if (c.pushing) assert.equal(f.severity, 'info')
    })
  }
  it('Docker Hub\'s library/ advice for a one-word name on Docker Hub', () => {
    const f = notFoundFinding({ref: parseReference('alpine:nope'), pushing: false})
    assert.match(f.fix!, /library\//)
  })
  it('edit distance', () => {
    assert.equal(editDistance('v1.2', 'v1.1'), 1)
    assert.equal(editDistance('latest', 'lates'), 1)
    assert.equal(editDistance('', 'abc'), 3)
    assert.equal(nearestTags('lates', ['v1', 'latest', 'stable'])[0], 'latest')
    assert.equal(nearestTags('x', ['a', 'b', 'c', 'd']).length, 3, 'a few, not all')
  })
})

describe('no pulls left', () => {
  const headers = (h: Record<string, string>) => ({get: (n: string) => h[n] ?? null})
  it('ratelimit-remaining 0 on a 200 HEAD fails with exit 9, the window and the fix', () => {
    const f = exhaustedFinding(headers({'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '0;w=21600', 'docker-ratelimit-source': '203.0.113.7'}), true, 0)!
    assert.equal(f.exitCode, 9)
    assert.equal(f.severity, 'error')
    assert.match(f.message, /100 pulls per 6 h, 0 left/)
    assert.match(f.fix!, /authenticate/)
  })
  it('pulls left: nothing', () => {
    assert.equal(exhaustedFinding(headers({'ratelimit-remaining': '3;w=21600'}), true, 0), undefined)
    assert.equal(exhaustedFinding(headers({}), true, 0), undefined)
  })
})
