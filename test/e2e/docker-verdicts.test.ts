import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {mapDockerError} from '../../src/daemon/index.js'
import {parseJsonOut, runCli} from '../helpers/cli.js'
import {startDistribution, type RealRegistry} from '../helpers/distribution.js'
import {startDockerd, type Dockerd} from '../helpers/dockerd.js'
import {startTogether} from '../helpers/together.js'

/**
 * The real Docker daemon (Debian's docker.io) and the real distribution registry in token mode, whose token server is
 * the sandbox's: for each scenario, what `docker login/pull/push` really print beside regprobe's verdict. The two
 * must name the same failure (issue 7). Users: alice may pull and push everything; bob may pull team/* only.
 */
describe('regprobe agrees with the real docker CLI and daemon', () => {
  let d: Dockerd
  let reg: RealRegistry
  let tlsReg: RealRegistry
  const work = mkdtempSync(join(tmpdir(), 'regprobe-docker-verdicts-'))
  const home = join(work, 'home')
  /** regprobe never reads this machine's credentials in these tests. */
  const env = {HOME: home, DOCKER_CONFIG: join(home, '.docker')}

  before(async () => {
    mkdirSync(home)
    ;[d, reg, tlsReg] = await startTogether([startDockerd(), startDistribution('token'), startDistribution('token', {ipv6: true, tls: true})])
    // Seed team/app with a one-file image pushed by alice through the real daemon.
    mkdirSync(join(work, 'rootfs'))
    writeFileSync(join(work, 'rootfs', 'hello.txt'), 'hello from regprobe\n')
    assert.equal(spawnSync('tar', ['-C', join(work, 'rootfs'), '-cf', join(work, 'rootfs.tar'), 'hello.txt']).status, 0)
    const cfg = join(work, 'alice-docker')
    assert.equal((await d.dockerCli(['login', '-u', 'alice', '--password-stdin', reg.host], {stdin: 'wonderland\n', configDir: cfg})).code, 0)
    assert.equal((await d.dockerCli(['import', join(work, 'rootfs.tar'), `${reg.host}/team/app:1`], {configDir: cfg})).code, 0)
    const push = await d.dockerCli(['push', `${reg.host}/team/app:1`], {configDir: cfg})
    assert.equal(push.code, 0, push.stderr)
  })

  after(async () => {
    await Promise.allSettled([d?.close(), reg?.close(), tlsReg?.close()])
    rmSync(work, {recursive: true, force: true})
  })

  it('a successful login: docker says Login Succeeded, regprobe exits 0 (directly and through the daemon)', async () => {
    const docker = await d.dockerCli(['login', '-u', 'alice', '--password-stdin', reg.host], {stdin: 'wonderland\n', configDir: join(work, 'c1')})
    assert.equal(docker.code, 0, docker.stderr)
    assert.match(docker.stdout, /Login Succeeded/)
    const r = await runCli(['login', reg.host, '-u', 'alice', '--password-stdin', '--via-daemon', '--docker-host', d.host, '--json'], {stdin: 'wonderland', env})
    assert.equal(r.code, 0, r.stdout + r.stderr)
    const t = parseJsonOut(r)
    assert.equal(t.steps.find((s: {stage: string}) => s.stage === 'daemon').facts.status, 'Login Succeeded')
    assert.ok(!r.stdout.includes('wonderland'))
  })

  it('a wrong password: docker says unauthorized, regprobe exits 6 with a rejected-credentials cause', async () => {
    const docker = await d.dockerCli(['login', '-u', 'alice', '--password-stdin', reg.host], {stdin: 'wrong-password\n', configDir: join(work, 'c2')})
    assert.notEqual(docker.code, 0)
    assert.match(docker.stderr, /unauthorized/i)
    assert.equal(mapDockerError(docker.stderr)?.stage, 'login')
    const r = await runCli(['login', reg.host, '-u', 'alice', '--password-stdin', '--json'], {stdin: 'wrong-password', env})
    assert.equal(r.code, 6, r.stdout + r.stderr)
    const t = parseJsonOut(r)
    assert.match(t.verdict.causes.map((c: {code: string}) => c.code).join(' '), /credentials-rejected/)
    // Through the daemon too: the daemon's own words, mapped to the same exit code.
    const v = await runCli(['login', reg.host, '-u', 'alice', '--password-stdin', '--via-daemon', '--docker-host', d.host], {stdin: 'wrong-password', env})
    assert.equal(v.code, 6, v.stdout + v.stderr)
    assert.match(v.stdout, /the daemon refused the login/)
  })

  it('bob pushes where he may only pull: docker says "denied: requested access to the resource is denied", regprobe exits 7', async () => {
    const cfg = join(work, 'bob-docker')
    assert.equal((await d.dockerCli(['login', '-u', 'bob', '--password-stdin', reg.host], {stdin: 'builder\n', configDir: cfg})).code, 0)
    assert.equal((await d.dockerCli(['tag', `${reg.host}/team/app:1`, `${reg.host}/team/app:bob`], {configDir: cfg})).code, 0)
    const docker = await d.dockerCli(['push', `${reg.host}/team/app:bob`], {configDir: cfg})
    assert.notEqual(docker.code, 0)
    assert.match(docker.stderr + docker.stdout, /denied: requested access to the resource is denied/)
    const r = await runCli(['doctor', `${reg.host}/team/app:1`, '--push', '-u', 'bob', '--password-stdin', '--json', '--docker-error', docker.stderr.trim()], {stdin: 'builder', env})
    assert.equal(r.code, 7, r.stdout + r.stderr)
    const t = parseJsonOut(r)
    assert.match(t.verdict.headline, /push missing|push of team\/app refused/)
    assert.ok(t.verdict.causes.some((c: {code: string}) => c.code === 'docker-error.reproduced'), JSON.stringify(t.verdict.causes.map((c: {code: string}) => c.code)))
  })

  it('an anonymous pull of a private repository: docker says "pull access denied … may require docker login", regprobe exits 6', async () => {
    const docker = await d.dockerCli(['pull', `${reg.host}/team/app:1`], {configDir: join(work, 'anon')})
    assert.notEqual(docker.code, 0)
    assert.match(docker.stderr, /pull access denied|may require 'docker login'|denied/)
    assert.equal(mapDockerError(docker.stderr)?.stage, 'access')
    const r = await runCli(['doctor', `${reg.host}/team/app:1`, '--json'], {env})
    assert.equal(r.code, 6, r.stdout + r.stderr)
    const t = parseJsonOut(r)
    assert.ok(t.verdict.causes.some((c: {code: string}) => c.code === 'access.pull.anonymous-denied'))
  })

  it('an untrusted CA: docker says x509 unknown authority, regprobe exits 4; with the CA both succeed', async () => {
    const docker = await d.dockerCli(['login', '-u', 'alice', '--password-stdin', tlsReg.host], {stdin: 'wonderland\n', configDir: join(work, 'c3')})
    assert.notEqual(docker.code, 0)
    assert.match(docker.stderr, /x509|certificate signed by unknown authority/)
    assert.equal(mapDockerError(docker.stderr)?.stage, 'tls')
    const r = await runCli(['doctor', `${tlsReg.host}/library/hello`, '--json'], {env})
    assert.equal(r.code, 4, r.stdout + r.stderr)
    assert.equal(parseJsonOut(r).verdict.causes[0].code, 'probe.tls.unknown-ca')

    await d.addCa(tlsReg.host, tlsReg.caPem!)
    const ok = await d.dockerCli(['login', '-u', 'alice', '--password-stdin', tlsReg.host], {stdin: 'wonderland\n', configDir: join(work, 'c4')})
    assert.equal(ok.code, 0, ok.stderr)
    const r2 = await runCli(['login', tlsReg.host, '-u', 'alice', '--password-stdin', '--ca-cert', tlsReg.caPath!], {stdin: 'wonderland', env})
    assert.equal(r2.code, 0, r2.stdout + r2.stderr)
  })

  it('regprobe daemon reads the real daemon\'s registry view', async () => {
    const r = await runCli(['daemon', '--host', d.host, '--json'], {env})
    assert.equal(r.code, 0, r.stdout + r.stderr)
    const t = parseJsonOut(r)
    const facts = t.steps[0].facts
    assert.ok(JSON.stringify(facts).includes('127.0.0.0/8'), JSON.stringify(facts))
  })
})
