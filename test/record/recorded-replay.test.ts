import assert from 'node:assert/strict'
import {readdirSync, readFileSync} from 'node:fs'
import {afterEach, before, describe, it} from 'node:test'
import {decodeJwt} from '../../src/auth/jwt.js'
import type {Credential} from '../../src/credentials/types.js'
import {HttpClient} from '../../src/http/client.js'
import {recordPipeline} from '../../tools/record/pipeline.js'
import {assertDone, loadWire, mountRequest, resetNock, setupNock} from '../helpers/wire.js'

const dir = new URL('../../../test/fixtures/wire/', import.meta.url)
const basic = (username: string, password: string): Credential => ({kind: 'basic', username, password, source: {type: 'flag', location: 'test'}})

/** What each checked-in recording of the real docker-registry must replay to. The passwords here are fakes' originals: any will do on replay. */
const SCENARIOS: Array<{scenario: string; ref: string; actions: string[]; credential?: Credential; code: number; finding?: string}> = [
  {scenario: 'distribution-open-pull', ref: 'http://registry.local:5000/library/hello:latest', actions: ['pull'], code: 0},
  {scenario: 'distribution-token-anonymous-pull', ref: 'http://registry.local:5000/library/hello:latest', actions: ['pull'], code: 0},
  {scenario: 'distribution-token-anonymous-private', ref: 'http://registry.local:5000/team/app:latest', actions: ['pull'], code: 6, finding: 'token.scope.missing-action'},
  {scenario: 'distribution-token-push-not-granted', ref: 'http://registry.local:5000/team/app:latest', actions: ['pull', 'push'], credential: basic('bob', 'any-password'), code: 7, finding: 'token.scope.missing-action'},
  {scenario: 'distribution-token-wrong-password', ref: 'http://registry.local:5000/library/hello:latest', actions: ['pull'], credential: basic('alice', 'any-password'), code: 6},
]

describe('recorded fixtures of the real docker-registry replay to the same verdicts', () => {
  before(setupNock)
  afterEach(resetNock)

  it('every recorded-*.json file has a replay case', () => {
    const files = readdirSync(dir).filter((f) => /^recorded-.*\.json$/.test(f)).map((f) => f.slice('recorded-'.length, -'.json'.length))
    assert.deepEqual(files.sort(), SCENARIOS.map((s) => s.scenario).sort())
  })

  for (const s of SCENARIOS) {
    it(`${s.scenario} → exit ${s.code}`, async () => {
      const fx = loadWire(`recorded-${s.scenario}`) as ReturnType<typeof loadWire> & {verdict: {code: number}; recordedAt: string}
      assert.equal(fx.confirmed, 'capture')
      assert.match(fx.source, /recorded by npm run record from http:\/\/registry\.local:5000/)
      const scopes = fx.requests.map((r) => mountRequest(r))
      // The recording's own time, so the recorded tokens are as fresh as when they were issued.
      const now = () => Date.parse(fx.recordedAt)
      const trace = await recordPipeline(new HttpClient({timeoutMs: 2000}), s.ref, {actions: s.actions, credential: s.credential, plainHttp: true, now})
      assertDone(scopes)
      assert.equal(trace.verdict.code, s.code, trace.verdict.headline)
      assert.equal(trace.verdict.code, fx.verdict.code, 'the verdict noted at recording time')
      if (s.finding) assert.ok(trace.steps.flatMap((x) => x.findings).some((f) => f.code === s.finding), trace.verdict.headline)
    })
  }

  it('recorded files hold no secret, no ephemeral port, and same-shaped fake tokens', () => {
    for (const s of SCENARIOS) {
      const text = readFileSync(new URL(`recorded-${s.scenario}.json`, dir), 'utf8')
      for (const secret of ['wonderland', 'builder', 'not-her-password']) assert.ok(!text.includes(secret), `${s.scenario} holds "${secret}"`)
      const fx = JSON.parse(text) as {requests: Array<{url: string; body: string; reqHeaders: Record<string, string>}>}
      for (const r of fx.requests) assert.match(r.url, /^http:\/\/(registry\.local:5000|auth\.local:5001)\//)
      for (const r of fx.requests) {
        const token = /"token":"([^"]+)"/.exec(r.body)?.[1]
        if (!token) continue
        const jwt = decodeJwt(token)
        assert.ok(jwt, 'the fake is still a JWT')
        assert.equal(jwt.claims.aud, 'registry.local:5000')
        assert.equal(jwt.header.alg, 'ES256')
      }
    }
  })
})
