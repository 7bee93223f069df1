import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import type {Candidate, SourceOutput} from '../../src/credentials/candidates.js'
import {chooseCredential, dockerFailedSoFar, winnerSoFar} from '../../src/credentials/choose.js'
import type {Credential} from '../../src/credentials/types.js'
import type {Finding} from '../../src/trace/types.js'
import {EXAMPLE} from './support.js'

/** The chooser is pure: candidates in, the pick and the explanation out. No files, no helpers, no environment. */
const basic = (username: string, password: string, type: Credential['source']['type'] = 'docker-config'): Credential => ({kind: 'basic', username, password, source: {type, location: 'x'}})
const found = (place: string, credential: Credential, extra: Partial<Candidate> = {}): Candidate => ({row: {place, outcome: 'not-found', reason: `found at ${place}`}, credential, ...extra})
const empty = (place: string): Candidate => ({row: {place, outcome: 'not-found', reason: 'nothing here'}})
const src = (candidates: Candidate[], findings: Finding[] = [], dockerFailed?: string): SourceOutput => ({candidates, findings, ...(dockerFailed ? {dockerFailed} : {})})
const warn = (code: string): Finding => ({code, severity: 'warn', message: code})

interface Case {
  name: string
  outputs: SourceOutput[]
  winner?: string
  outcomes: string[]
  reasons?: Array<RegExp | undefined>
  codes: string[]
}

const cases: Case[] = [
  {name: 'nothing found: anonymous, and says how many places were looked at', outputs: [src([empty('flags')]), src([empty('config.json')])], outcomes: ['not-found', 'not-found'], codes: ['credentials.none']},
  {
    name: 'the first credential wins; later ones are shadowed with the winner named',
    outputs: [src([empty('flags')]), src([found('DOCKER_AUTH_CONFIG', basic('a', 'fixture-a'))]), src([found('config.json', basic('b', 'fixture-b'))])],
    winner: 'DOCKER_AUTH_CONFIG',
    outcomes: ['not-found', 'used', 'found-but-shadowed'],
    reasons: [undefined, /^found at DOCKER_AUTH_CONFIG$/, /not used: DOCKER_AUTH_CONFIG comes first$/],
    codes: [],
  },
  {
    name: 'a candidate shadowed as a whole (--authfile set) is not used even when nothing came before',
    outputs: [src([found('config.json', basic('a', 'fixture-a'), {passive: '--authfile is set'})]), src([found('--authfile', basic('b', 'fixture-b'))])],
    winner: '--authfile',
    outcomes: ['found-but-shadowed', 'used'],
    reasons: [/not used: --authfile is set$/, undefined],
    codes: [],
  },
  {
    name: 'podman would send other credentials: said, when the winner is not the flags',
    outputs: [src([found('config.json', basic('a', 'fixture-a'))]), src([found('auth.json', basic('b', 'fixture-b'), {podmanCompare: true})])],
    winner: 'config.json',
    outcomes: ['used', 'found-but-shadowed'],
    codes: ['credentials.podman-differs'],
  },
  {name: 'podman would send the same credentials: nothing to say', outputs: [src([found('config.json', basic('a', 'fixture-a'))]), src([found('auth.json', basic('a', 'fixture-a'), {podmanCompare: true})])], winner: 'config.json', outcomes: ['used', 'found-but-shadowed'], codes: []},
  {name: 'flags win: podman differing is not this run\'s concern', outputs: [src([found('flags', basic('a', 'fixture-a', 'flag'))]), src([found('auth.json', basic('b', 'fixture-b'), {podmanCompare: true})])], winner: 'flags', outcomes: ['used', 'found-but-shadowed'], codes: []},
  {name: 'an error finding replaces "no credentials"', outputs: [src([empty('flags')], [{code: 'credentials.flags.empty-secret', severity: 'error', message: 'empty'}])], outcomes: ['not-found'], codes: ['credentials.flags.empty-secret']},
  {
    name: 'the winner\'s secret shape is judged, after its own source\'s findings',
    outputs: [src([found('config.json', basic('a', 'fixture-a\n'))], [warn('credentials.config.lint')]), src([empty('auth.json')], [warn('later')])],
    winner: 'config.json',
    outcomes: ['used', 'not-found'],
    codes: ['credentials.config.lint', 'credentials.secret.trailing-newline', 'later'],
  },
]

describe('chooseCredential (pure)', () => {
  for (const c of cases) {
    it(c.name, () => {
      const r = chooseCredential(c.outputs, EXAMPLE)
      assert.equal(r.winner, c.winner)
      assert.deepEqual(r.rows.map((x) => x.outcome), c.outcomes)
      for (const [i, re] of (c.reasons ?? []).entries()) if (re) assert.match(r.rows[i]!.reason, re)
      assert.deepEqual(r.findings.map((f) => f.code), c.codes)
      if (c.winner) {
        const used = r.rows.find((x) => x.outcome === 'used')!
        assert.equal(used.place, c.winner)
        assert.ok(used.found && !JSON.stringify(used.found).includes('fixture-'), 'the row holds the redacted secret only')
      } else assert.equal(r.credential, undefined)
    })
  }

  it('winnerSoFar skips passive candidates; dockerFailedSoFar takes the first failure', () => {
    const outputs = [src([found('a', basic('a', 'fixture-a'), {passive: 'shadowed'})], [], 'credsStore → x'), src([found('b', basic('b', 'fixture-b'))], [], 'later')]
    assert.equal(winnerSoFar(outputs), 'b')
    assert.equal(winnerSoFar(outputs.slice(0, 1)), undefined)
    assert.equal(dockerFailedSoFar(outputs), 'credsStore → x')
  })
})
