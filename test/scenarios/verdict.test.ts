import assert from 'node:assert/strict'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {runCli} from '../helpers/cli.js'
import {startDistribution, type RealRegistry} from '../helpers/distribution.js'
import {startTogether} from '../helpers/together.js'
import {doctor, explain, seed, startForeignKeyRegistry, startHubLike} from './support.js'

/**
 * Scenarios on real components: Debian's docker-registry (distribution) in token mode with the sandbox's token server,
 * each broken setup asserted by the exit code, the first cause's code and the first fix (issue 14). Users: alice may
 * pull and push everything; bob may pull team/* only; anonymous may pull library/* only.
 */
describe('scenarios: the verdict names the root cause', () => {
  let reg: RealRegistry
  let wrongAud: RealRegistry
  let deadRealm: RealRegistry
  let foreign: {host: string; close(): Promise<void>}
  let hub: {host: string; close(): Promise<void>}
  const work = mkdtempSync(join(tmpdir(), 'regprobe-scenarios-'))
  /** regprobe never reads this machine's credentials in these tests. */
  const env = {HOME: work, DOCKER_CONFIG: join(work, 'empty')}
  mkdirSync(env.DOCKER_CONFIG)
  writeFileSync(join(env.DOCKER_CONFIG, 'config.json'), '{}')

  before(async () => {
    ;[reg, wrongAud, deadRealm, foreign, hub] = await startTogether([
      startDistribution('token'),
      startDistribution('token', {switches: {wrongAudience: true}}),
      startDistribution('token'),
      startForeignKeyRegistry(),
      startHubLike(),
    ])
    await seed(reg, 'team/app', ['v1.0', 'v1.1', 'latest'])
    await deadRealm.tokenServer!.close()
  })
  after(async () => {
    await Promise.allSettled([reg?.close(), wrongAud?.close(), deadRealm?.close(), foreign?.close(), hub?.close()])
    rmSync(work, {recursive: true, force: true})
  })

  const alice = {stdin: 'wonderland', env}
  const asAlice = ['-u', 'alice', '--password-stdin']

  describe('cases that work stay working', () => {
    it('a healthy pull: exit 0', async () => {
      const o = await doctor([`${reg.host}/team/app:v1.0`, ...asAlice], alice)
      assert.equal(o.code, 0, explain(o))
      assert.equal(o.trace.verdict.status, 'ok')
    })
    it('a healthy push: exit 0', async () => {
      const o = await doctor([`${reg.host}/team/app:v1.0`, '--push', ...asAlice], alice)
      assert.equal(o.code, 0, explain(o))
    })
    it('anonymous pull of a private repository: exit 6, the request was anonymous', async () => {
      const o = await doctor([`${reg.host}/team/app:v1.0`], {env})
      assert.equal(o.code, 6, explain(o))
      assert.match(o.firstCause!, /^(token\.scope\.missing-action|token\.access\.empty|access\.pull\.anonymous-denied)$/)
      assert.match(o.firstFix!, /log in/i)
    })
    it('a wrong password: exit 6, the token server rejected the credentials', async () => {
      const o = await doctor([`${reg.host}/team/app:v1.0`, '-u', 'alice', '--password-stdin'], {stdin: 'wrong', env})
      assert.equal(o.code, 6, explain(o))
      assert.equal(o.firstCause, 'token.credentials-rejected')
    })
    it('a pull-only account asked to push: exit 7', async () => {
      const o = await doctor([`${reg.host}/team/app:v1.0`, '--push', '-u', 'bob', '--password-stdin'], {stdin: 'builder', env})
      assert.equal(o.code, 7, explain(o))
      assert.equal(o.firstCause, 'token.scope.missing-action')
    })
  })

  describe('no pulls left is not success', () => {
    it('HEAD 200 with ratelimit-remaining 0: exit 9, the window and the fix first', async () => {
      const o = await doctor([`${hub.host}/library/alpine:latest`], {env})
      assert.equal(o.code, 9, explain(o))
      assert.equal(o.firstCause, 'access.rate-limit.exhausted')
      assert.match(o.firstMessage!, /6 h/)
      assert.match(o.firstFix!, /wait|authenticate/i)
    })
    it('--blob receives the 429 itself: exit 9 with Retry-After', async () => {
      const o = await doctor([`${hub.host}/library/alpine:latest`, '--blob'], {env})
      assert.equal(o.code, 9, explain(o))
      assert.equal(o.firstCause, 'access.rate-limited')
      assert.match(o.firstMessage!, /retry after 3600 s/)
      assert.match(o.firstFix!, /Wait 3600 s \(Retry-After\)/)
    })
  })

  describe('invalid_token says why', () => {
    it('a token for another audience: the audience and its fix first', async () => {
      const o = await doctor([`${wrongAud.host}/team/app:v1.0`, ...asAlice], alice)
      assert.equal(o.code, 6, explain(o))
      assert.equal(o.firstCause, 'access.invalid-token.audience')
      assert.match(o.firstMessage!, /aud.*regprobe-real-registry/)
      assert.match(o.firstFix!, /auth\.token\.service/)
    })
    it('exp, nbf, aud and iss all check out: the signature, with the key the registry does not trust', async () => {
      const o = await doctor([`${foreign.host}/team/app:v1.0`, ...asAlice], alice)
      assert.equal(o.code, 6, explain(o))
      assert.equal(o.firstCause, 'access.invalid-token.signature')
      assert.match(o.firstMessage!, /alg=ES256|alg=RS256|alg=\w+/)
      assert.match(o.firstFix!, /rootcertbundle/)
    })
  })

  it('a dead token server is not a dead registry: exit 3, naming the realm host', async () => {
    const realmHost = new URL(deadRealm.tokenServer!.url).host
    const o = await doctor([`${deadRealm.host}/team/app:v1.0`, ...asAlice], alice)
    assert.equal(o.code, 3, explain(o))
    assert.equal(o.firstCause, 'token.realm-unreachable')
    assert.ok(o.firstMessage!.includes(realmHost), o.firstMessage)
    assert.match(o.firstMessage!, /the registry is up/)
    assert.doesNotMatch(o.firstFix!, /registry is running/)
  })

  describe('not found, precisely', () => {
    it('a missing tag: exit 8, names the tag and the nearest existing tags', async () => {
      const o = await doctor([`${reg.host}/team/app:v1.2`, ...asAlice], alice)
      assert.equal(o.code, 8, explain(o))
      assert.equal(o.firstCause, 'access.pull.tag-not-found')
      assert.match(o.firstMessage!, /did you mean v1\.1, v1\.0/)
      assert.doesNotMatch(JSON.stringify(o.trace.verdict), /library\//)
    })
    it('a missing repository: exit 8, NAME_UNKNOWN from tags/list', async () => {
      const o = await doctor([`${reg.host}/team/nothere:v1.0`, ...asAlice], alice)
      assert.equal(o.code, 8, explain(o))
      assert.equal(o.firstCause, 'access.pull.repository-not-found')
    })
    it('proving push of a tag that does not exist yet says nothing about "not found"', async () => {
      const o = await doctor([`${reg.host}/team/app:next`, '--push', ...asAlice], alice)
      assert.equal(o.code, 0, explain(o))
      assert.doesNotMatch(JSON.stringify(o.trace.verdict), /not.found/i)
    })
  })

  describe('stored credentials', () => {
    it('a stale password in config.json: names the file and entry, fix is docker login HOST', async () => {
      const dir = join(work, 'stale')
      mkdirSync(dir, {recursive: true})
      writeFileSync(join(dir, 'config.json'), JSON.stringify({auths: {[reg.host]: {auth: Buffer.from('alice:old-password').toString('base64')}}}))
      const o = await doctor([`${reg.host}/team/app:v1.0`], {env: {...env, DOCKER_CONFIG: dir}})
      assert.equal(o.code, 6, explain(o))
      assert.equal(o.firstCause, 'credentials.stored.rejected')
      assert.ok(o.firstMessage!.includes(join(dir, 'config.json')), o.firstMessage)
      assert.ok(o.firstMessage!.includes(`auths["${reg.host}"]`), o.firstMessage)
      assert.equal(o.firstFix, `Run docker login ${reg.host} again (the stored password is out of date).`)
    })
    it('a broken credsStore: docker login fails too, so the fix is to repair or remove credsStore', async () => {
      const dir = join(work, 'broken-store')
      mkdirSync(dir, {recursive: true})
      writeFileSync(join(dir, 'config.json'), JSON.stringify({auths: {[reg.host]: {}}, credsStore: 'regprobe-missing-helper'}))
      const o = await doctor([`${reg.host}/team/app:v1.0`], {env: {...env, DOCKER_CONFIG: dir}})
      assert.equal(o.code, 6, explain(o))
      assert.match(o.firstCause!, /^credentials\.helper\./)
      assert.match(o.firstFix!, /credsStore/)
      assert.doesNotMatch(o.firstFix!, /^Log in again/i)
    })
    it('docker\'s default store fails (no D-Bus): docker pull goes anonymous, so the anonymous refusal is explained by the store first', async () => {
      const dir = join(work, 'default-store')
      const bin = join(work, 'default-store-bin')
      mkdirSync(dir, {recursive: true})
      mkdirSync(bin, {recursive: true})
      // A stand-in for Debian's docker-credential-secretservice on a headless machine: the text the real one printed
      // here (test/credentials/default-store-docker.test.ts runs the real helper where it is installed).
      const helper = join(bin, 'docker-credential-secretservice')
      writeFileSync(helper, '#!/bin/sh\necho "Cannot autolaunch D-Bus without X11 \\$DISPLAY"\nexit 1\n', {mode: 0o755})
      const o = await doctor([`${reg.host}/team/app:v1.0`], {env: {...env, DOCKER_CONFIG: dir, PATH: bin}})
      assert.equal(o.code, 6, explain(o))
      assert.equal(o.firstCause, 'credentials.default-store.failed', explain(o))
      assert.match(o.firstMessage!, /anonymous/)
      // The helper's own words, once: the warning on the credentials step already says what each docker command does.
      assert.match(o.firstMessage!, /docker-credential-secretservice get exited with 1: "Cannot autolaunch D-Bus/)
      assert.doesNotMatch(o.firstMessage!, /compose/)
      assert.match(o.firstFix!, /keyring|auths/)
    })
  })

  it('the human verdict shows the first cause and fix, keeps a --docker-error explanation, and counts the rest', async () => {
    const r = await runCli(['doctor', `${reg.host}/team/app:v1.0`, '--push', '-u', 'bob', '--password-stdin', '--docker-error', 'denied: requested access to the resource is denied'], {stdin: 'builder', env})
    assert.equal(r.code, 7, r.stdout + r.stderr)
    const verdict = r.stdout.slice(r.stdout.indexOf('FAIL'))
    assert.match(verdict, /docker's error "denied: requested access to the resource is denied"/)
    assert.match(verdict, /\d+ more (cause|note)s?.*-v.*--json/)
  })

  it('--docker-error is a stage of its own: the step maps docker\'s text to the access stage and says regprobe saw the same', async () => {
    const r = await runCli(['doctor', `${reg.host}/team/app:v1.0`, '--push', '-u', 'bob', '--password-stdin', '--json', '--docker-error', 'denied: requested access to the resource is denied'], {stdin: 'builder', env})
    assert.equal(r.code, 7, r.stdout + r.stderr)
    const t = JSON.parse(r.stdout) as {steps: Array<{stage: string; status: string; facts: {mapped?: {stage: string}; reproduced?: boolean}; findings: Array<{code: string}>}>; verdict: {causes: Array<{code: string}>}}
    assert.deepEqual(t.steps.map((s) => s.stage), ['probe', 'challenge', 'credentials', 'token', 'access', 'docker-error'])
    const d = t.steps.at(-1)!
    assert.equal(d.facts.reproduced, true)
    assert.ok(d.facts.mapped && ['access', 'token'].includes(d.facts.mapped.stage), JSON.stringify(d.facts))
    assert.equal(d.findings[0]!.code, 'docker-error.reproduced')
    // The registry's own stages decide; docker's words join the causes after them.
    assert.notEqual(t.verdict.causes[0]!.code, 'docker-error.reproduced')
    assert.ok(t.verdict.causes.some((c) => c.code === 'docker-error.reproduced'))
  })
})
