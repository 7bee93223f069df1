import assert from 'node:assert/strict'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {parseJsonOut, runCli} from '../helpers/cli.js'
import {startDistribution, type RealRegistry} from '../helpers/distribution.js'
import {startDockerd, type Dockerd} from '../helpers/dockerd.js'
import {startTogether} from '../helpers/together.js'
import {doctor, explain} from './support.js'

/**
 * Scenarios where docker's own answer is part of the case (issue 17 part 4): the real daemon (Debian's docker.io) beside
 * real distribution registries in token mode. A daemon finding that means docker will fail fails the verdict; a
 * precise cause found by regprobe's own stages is never replaced by the daemon's generic answer.
 */
describe('scenarios with the real daemon: --via-daemon findings count', () => {
  let d: Dockerd
  let plainReg: RealRegistry
  let wrongAud: RealRegistry
  const work = mkdtempSync(join(tmpdir(), 'regprobe-scenarios-daemon-'))
  const env = {HOME: work, DOCKER_CONFIG: join(work, 'empty')}
  mkdirSync(env.DOCKER_CONFIG)
  writeFileSync(join(env.DOCKER_CONFIG, 'config.json'), '{}')

  before(async () => {
    // ::1 is not in docker's default insecure range (127.0.0.0/8): the daemon speaks only HTTPS to this plain-HTTP registry.
    ;[d, plainReg, wrongAud] = await startTogether([startDockerd(), startDistribution('token', {ipv6: true}), startDistribution('token', {switches: {wrongAudience: true}})])
  })
  after(async () => {
    await Promise.allSettled([d?.close(), plainReg?.close(), wrongAud?.close()])
    rmSync(work, {recursive: true, force: true})
  })

  it('plain HTTP outside insecure-registries: docker says "HTTP response to HTTPS client", doctor --via-daemon fails with exit 4', async () => {
    const docker = await d.dockerCli(['login', '-u', 'alice', '--password-stdin', plainReg.host], {stdin: 'wonderland\n', configDir: join(work, 'c1')})
    assert.notEqual(docker.code, 0)
    assert.match(docker.stderr, /HTTP response to HTTPS client/)
    // With no flag, regprobe reads the daemon's insecure list itself (the host view): its own probe fails as docker does.
    const own = await doctor([`${plainReg.host}/team/app:next`, '--push', '-u', 'alice', '--password-stdin', '--via-daemon', '--docker-host', d.host], {stdin: 'wonderland', env})
    assert.equal(own.code, 4, explain(own))
    assert.equal(own.firstCause, 'probe.tls.plain-http-port')
    assert.match(own.firstFix!, /insecure-registries/)
    // --plain-http: regprobe itself speaks HTTP to it (and passes); only the daemon's view says docker will fail, and it counts.
    const o = await doctor([`${plainReg.host}/team/app:next`, '--push', '--plain-http', '-u', 'alice', '--password-stdin', '--via-daemon', '--docker-host', d.host], {stdin: 'wonderland', env})
    assert.equal(o.code, 4, explain(o))
    assert.equal(o.firstCause, 'daemon.insecure.missing')
    assert.match(o.firstFix!, /insecure-registries/)
  })

  it('login --via-daemon keeps the precise cause: the token server accepted the password, the registry rejected its token', async () => {
    const docker = await d.dockerCli(['login', '-u', 'alice', '--password-stdin', wrongAud.host], {stdin: 'wonderland\n', configDir: join(work, 'c2')})
    assert.notEqual(docker.code, 0)
    assert.match(docker.stderr, /unauthorized/i)
    const r = await runCli(['login', wrongAud.host, '-u', 'alice', '--password-stdin', '--via-daemon', '--docker-host', d.host, '--json'], {stdin: 'wonderland', env})
    assert.equal(r.code, 6, r.stdout + r.stderr)
    const t = parseJsonOut(r)
    assert.equal(t.verdict.causes[0].code, 'login.token-rejected')
    assert.match(t.verdict.headline, /the token server accepted the credentials/)
    assert.ok(t.verdict.causes.some((c: {code: string}) => c.code.startsWith('daemon.login.')), 'the daemon\'s answer stays among the causes')
  })
})
