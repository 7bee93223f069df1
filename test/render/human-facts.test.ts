import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {renderHuman} from '../../src/render/human.js'
import type {Step, Trace} from '../../src/trace/types.js'

/** The trace keeps values; the human renderer gives them units and words (synthetic steps, one fact each). */
function render(step: Step, verbose = true): string {
  const trace: Trace = {schema: 'regprobe/trace@1', tool: 'regprobe', version: '0', command: 'doctor', target: 'r.example', startedAt: '2026-12-07T03:00:00.000Z', durationMs: 1, steps: [step], verdict: {status: 'ok', code: 0, headline: 'ok', causes: [], fixes: []}}
  return renderHuman(trace, {color: false, verbose})
}
const common = {status: 'ok' as const, summary: 's', exchanges: [], findings: []}

describe('the human renderer formats fact values', () => {
  const cases: Array<{name: string; step: Step; verbose?: boolean; shows: RegExp; hides?: RegExp}> = [
    {name: 'seconds get their unit', step: {...common, stage: 'token', facts: {expiresIn: 300}}, verbose: false, shows: /expiresIn: +300 s\n/},
    {name: 'an absent expires_in says what clients assume', step: {...common, stage: 'token', facts: {expiresIn: 60, expiresInAbsent: true}}, shows: /expiresIn: +60 s \(absent: clients assume 60 s\)/, hides: /expiresInAbsent/},
    {name: 'a small clock skew is left out without -v', step: {...common, stage: 'token', facts: {registryClockSkew: 1, serverClockSkew: 40}}, verbose: false, shows: /serverClockSkew: +40 s/, hides: /registryClockSkew/},
    {name: 'the probe\'s clock skew in seconds (-v)', step: {...common, stage: 'probe', facts: {clockSkew: -3}}, shows: /clockSkew: +-3 s/},
    {name: 'no identity token: docker stores the password', step: {...common, stage: 'login', facts: {configKey: 'r.example', identityToken: null}}, shows: /identityToken: +none \(docker stores the password\)/},
    {name: 'derived scopes: the sentence behind the boolean', step: {...common, stage: 'challenge', facts: {derived: true}}, shows: /derived: +from the reference and actions, as docker does/},
    {name: 'the daemon\'s /auth request, password never shown', step: {...common, stage: 'daemon', facts: {request: {method: 'POST', path: '/auth', username: 'alice', serveraddress: 'r.example'}}}, shows: /request: +POST \/auth \{username: "alice", password: <redacted>, serveraddress: "r\.example"\}/},
    {name: 'the blob hops as values stay out (blobPath says them)', step: {...common, stage: 'access', facts: {blobPath: 'r (with Authorization) → 200', blobHops: [{host: 'r', authorization: true, status: 200}]}}, shows: /blobPath: +r \(with Authorization\) → 200/, hides: /blobHops/},
    {name: 'docker\'s error without -v: whether regprobe saw the same (the summary names the stage)', step: {...common, stage: 'docker-error', facts: {mapped: {stage: 'access', code: 'docker.access.denied'}, reproduced: true}}, verbose: false, shows: /reproduced: +true/, hides: /mapped/},
    {name: 'docker\'s error with -v: the mapping too', step: {...common, stage: 'docker-error', facts: {mapped: {stage: 'access', code: 'docker.access.denied'}, reproduced: true}}, shows: /mapped: +\{"stage":"access","code":"docker\.access\.denied"\}/},
  ]
  for (const c of cases) {
    it(c.name, () => {
      const out = render(c.step, c.verbose ?? true)
      assert.match(out, c.shows)
      if (c.hides) assert.doesNotMatch(out, c.hides)
    })
  }
})
