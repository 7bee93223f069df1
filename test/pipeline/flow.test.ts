import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {HttpClient} from '../../src/http/client.js'
import {authorized, named, reached, runStages, startFlow, type FlowState, type StageSpec} from '../../src/pipeline/flow.js'
import {parseRegistry} from '../../src/reference.js'
import type {Step} from '../../src/trace/types.js'

const ok = (stage: Step['stage'], seen: string[]): StageSpec => ({
  stage,
  async run() {
    seen.push(stage)
    return {stage, status: 'ok', summary: `${stage} ran`, facts: {}, exchanges: [], findings: []}
  },
})

function flow(): FlowState {
  return startFlow(new HttpClient(), {registry: parseRegistry('registry.example')})
}

describe('pipeline: stages run in order, and an unmet need becomes a skip step with its reason', () => {
  it('runs every stage whose needs are met, in the declared order', async () => {
    const seen: string[] = []
    const s = await runStages(flow(), [ok('probe', seen), ok('challenge', seen), ok('credentials', seen)])
    assert.deepEqual(seen, ['probe', 'challenge', 'credentials'])
    assert.deepEqual(s.steps.map((x) => x.stage), ['probe', 'challenge', 'credentials'])
  })

  it('skips a stage whose first unmet need says why, and goes on with the next stages', async () => {
    const seen: string[] = []
    const s = flow()
    await runStages(s, [{...ok('token', seen), needs: [reached]}, {...ok('access', seen), needs: [named, reached]}, ok('credentials', seen)])
    assert.deepEqual(seen, ['credentials'])
    assert.equal(s.steps[0]!.status, 'skip')
    assert.equal(s.steps[0]!.summary, 'skipped: the probe did not reach a registry')
    // needs are checked in their order: "no repository" before "not reached"
    assert.equal(s.steps[1]!.summary, 'skipped: no repository was named')
  })

  it('reached: a probe with a base URL and no failure', () => {
    const s = flow()
    assert.match(reached(s) ?? '', /did not reach/)
    s.probe = {baseUrl: 'https://registry.example', challenges: [], problems: [], fellBackToHttp: false}
    assert.equal(reached(s), undefined)
    s.probe = {...s.probe, failure: {code: 'refused', exitCode: 3, message: 'refused'}}
    assert.match(reached(s) ?? '', /did not reach/)
  })

  it('authorized: a Bearer registry needs a token; Basic and open registries do not', () => {
    const s = flow()
    assert.equal(authorized(s), undefined)
    s.challenge = {challenge: {scheme: 'bearer', params: {}, raw: 'Bearer realm="https://auth.example/token"', realm: 'https://auth.example/token'}, scopes: []}
    assert.match(authorized(s) ?? '', /no token was issued/)
    s.token = {refused: true, anonymous: true} as unknown as FlowState['token']
    assert.match(authorized(s) ?? '', /token stage failed/)
    s.token = {refused: false, anonymous: true, authorization: 'Bearer x'} as unknown as FlowState['token']
    assert.equal(authorized(s), undefined)
    s.challenge = {challenge: {scheme: 'basic', params: {}, raw: 'Basic'}, scopes: []}
    s.token = undefined
    assert.equal(authorized(s), undefined)
  })
})

describe('pipeline: a stage judged after the flow keeps its step in the trace and joins the verdict its own way', () => {
  const failing = (stage: Step['stage'], code: string, exitCode: 6 | 7): StageSpec => ({
    stage,
    async run() {
      return {stage, status: 'fail', summary: `${stage} failed`, facts: {}, exchanges: [], findings: [{code, severity: 'error', exitCode, message: `${code} said so`, fix: `fix ${code}`}]}
    },
  })

  it('the flow\'s stages decide first; the late step is left out of that verdict, folded in by its join, and stays in the steps', async () => {
    const {judge} = await import('../../src/pipeline/judge.js')
    const joined: string[] = []
    const late: StageSpec = {
      ...failing('daemon', 'daemon.test', 7),
      joinVerdict(v, step) {
        joined.push(step.stage)
        return {...v, causes: [...v.causes, ...step.findings]}
      },
    }
    const s = await runStages(flow(), [ok('probe', []), late])
    assert.deepEqual(s.steps.map((x) => x.stage), ['probe', 'daemon'])
    const v = judge(s, {okHeadline: 'all good', actions: ['pull']})
    assert.deepEqual(joined, ['daemon'])
    // As a flow stage its error would decide (exit 7); as a late stage only its join speaks, and this one only adds.
    assert.equal(v.code, 0)
    assert.equal(v.headline, 'all good')
    assert.deepEqual(v.causes.map((c) => c.code), ['daemon.test'])
  })

  it('several late stages join in their order, after the flow\'s own cause', async () => {
    const {judge} = await import('../../src/pipeline/judge.js')
    const append: StageSpec['joinVerdict'] = (v, step) => ({...v, causes: [...v.causes, ...step.findings]})
    const s = await runStages(flow(), [failing('token', 'token.test', 6), {...failing('daemon', 'daemon.test', 7), joinVerdict: append}, {...failing('docker-error', 'docker-error.test', 7), joinVerdict: append}])
    const v = judge(s, {okHeadline: 'ok', actions: ['pull']})
    assert.equal(v.code, 6)
    assert.deepEqual(v.causes.map((c) => c.code), ['token.test', 'daemon.test', 'docker-error.test'])
  })

  it('a late stage whose need is unmet is a skip step and does not join the verdict', async () => {
    const {judge} = await import('../../src/pipeline/judge.js')
    let joined = false
    const late: StageSpec = {...failing('daemon', 'daemon.test', 7), needs: [named], joinVerdict: (v) => ((joined = true), v)}
    const s = await runStages(flow(), [ok('probe', []), late])
    assert.equal(s.steps[1]!.status, 'skip')
    const v = judge(s, {okHeadline: 'all good', actions: ['pull']})
    assert.equal(joined, false)
    assert.equal(v.status, 'ok')
    assert.equal(v.headline, 'all good')
  })
})
