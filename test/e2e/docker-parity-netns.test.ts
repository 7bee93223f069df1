import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {DEFAULT_USERS} from '../../src/sandbox/index.js'
import {parseJsonOut, runCli} from '../helpers/cli.js'
import {startDockerd, type Dockerd} from '../helpers/dockerd.js'
import {certificateFor, createNetns, NETNS_ADDRESS as A, startRegistryIn, type Netns, type NetnsRegistry} from '../helpers/netns.js'

/**
 * regprobe beside the real docker CLI and daemon, on a non-loopback address where docker's 127.0.0.0/8 exception
 * hides nothing: registries, dockerd and regprobe all run inside a network namespace this file creates (and deletes).
 * regprobe gets no connection flag: it must read the daemon's certs.d and daemon.json (the same temporary files the
 * test daemon uses, bound over /etc/docker in its private mount namespace) and judge as docker does.
 */
describe('parity with the real docker CLI on a non-loopback address (network namespace)', () => {
  const work = mkdtempSync(join(tmpdir(), 'rp-parity-'))
  const etcDocker = join(work, 'etc-docker')
  const certsD = join(etcDocker, 'certs.d')
  const home = join(work, 'home')
  const TLS = `${A}:5443`
  const AUTH = `${A}:5001`
  const PLAIN = `${A}:5002`
  const LOOP = '127.0.0.1:5003'
  const DEAD_PROXY = `http://${A}:5009`
  const daemonJson = {'insecure-registries': [AUTH]}
  let ns: Netns
  let d: Dockerd
  let regs: NetnsRegistry[] = []
  let caPath = ''
  /** regprobe sees what the daemon sees: the same certs.d and daemon.json, and this test's docker config only. */
  const env = (extra: Record<string, string> = {}) => ({HOME: home, DOCKER_CONFIG: join(home, '.docker'), REGPROBE_DOCKER_CERTS_D: certsD, REGPROBE_DAEMON_JSON: join(etcDocker, 'daemon.json'), ...extra})
  const regprobe = (args: string[], extra: Record<string, string> = {}) => runCli(args, {prefix: ns.enter, env: env(extra), timeoutMs: 60_000})
  const trustCa = (yes: boolean) => {
    const dir = join(certsD, TLS)
    if (yes) {
      mkdirSync(dir, {recursive: true})
      copyFileSync(caPath, join(dir, 'ca.crt'))
    } else {
      rmSync(dir, {recursive: true, force: true})
    }
  }

  before(async () => {
    mkdirSync(certsD, {recursive: true})
    mkdirSync(join(home, '.docker'), {recursive: true})
    writeFileSync(join(etcDocker, 'daemon.json'), JSON.stringify(daemonJson))
    ns = createNetns()
    const cert = certificateFor(join(work, 'tls'))
    caPath = cert.caPath
    regs = await Promise.all([
      startRegistryIn(ns, {dir: join(work, 'r-tls'), address: A, port: 5443, tls: cert}),
      startRegistryIn(ns, {dir: join(work, 'r-auth'), address: A, port: 5001, users: DEFAULT_USERS}),
      startRegistryIn(ns, {dir: join(work, 'r-plain'), address: A, port: 5002}),
      startRegistryIn(ns, {dir: join(work, 'r-loop'), address: '127.0.0.1', port: 5003}),
    ])
    d = await startDockerd({daemonJson, wrap: ns.dockerdWrap(etcDocker)})
    // A one-file image, made without any network (docker import of a tarball).
    mkdirSync(join(work, 'rootfs'))
    writeFileSync(join(work, 'rootfs', 'hello.txt'), 'hello from regprobe\n')
    assert.equal(spawnSync('tar', ['-C', join(work, 'rootfs'), '-cf', join(work, 'rootfs.tar'), 'hello.txt']).status, 0)
    const imported = await d.dockerCli(['import', join(work, 'rootfs.tar'), `${TLS}/team/app:latest`])
    assert.equal(imported.code, 0, imported.stderr)
    for (const target of [`${LOOP}/team/app:latest`]) assert.equal((await d.dockerCli(['tag', `${TLS}/team/app:latest`, target])).code, 0)
    const pushed = await d.dockerCli(['push', `${LOOP}/team/app:latest`])
    assert.equal(pushed.code, 0, pushed.stderr)
  })

  after(async () => {
    await Promise.allSettled([d?.close(), ...regs.map((r) => r.close())])
    ns?.close()
    rmSync(work, {recursive: true, force: true})
  })

  it('(a) a private CA trusted only through certs.d: docker pushes; regprobe doctor with no flag exits 0 and says which CA it used', async () => {
    trustCa(true)
    const push = await d.dockerCli(['push', `${TLS}/team/app:latest`])
    assert.equal(push.code, 0, push.stderr)
    const r = await regprobe(['doctor', `${TLS}/team/app`])
    assert.equal(r.code, 0, r.stdout + r.stderr)
    assert.match(r.stdout, new RegExp(`uses: +docker: CA from ${join(certsD, TLS, 'ca.crt').replace(/[.[\]]/g, '\\$&')}`))
  })

  it('(b) the same registry without the certs.d file: both say x509; regprobe exits 4 and its fix names the certs.d path', async () => {
    trustCa(false)
    const push = await d.dockerCli(['push', `${TLS}/team/app:latest`])
    assert.notEqual(push.code, 0)
    assert.match(push.stderr, /x509: certificate signed by unknown authority/)
    const r = await regprobe(['doctor', `${TLS}/team/app`, '--push', '--json'])
    assert.equal(r.code, 4, r.stdout + r.stderr)
    const t = parseJsonOut(r)
    assert.equal(t.verdict.causes[0].code, 'probe.tls.unknown-ca')
    assert.ok(t.verdict.fixes.some((f: string) => f.includes(join(certsD, TLS, 'ca.crt'))), JSON.stringify(t.verdict.fixes))
    trustCa(true)
  })

  it('(c) plain HTTP listed in insecure-registries, stale stored credentials: docker says unauthorized; regprobe exits 6, no insecure-registries advice', async () => {
    const cfg = join(work, 'stale')
    mkdirSync(cfg, {recursive: true})
    writeFileSync(join(cfg, 'config.json'), JSON.stringify({auths: {[AUTH]: {auth: Buffer.from('alice:an-old-password').toString('base64')}}}))
    const pull = await d.dockerCli(['pull', `${AUTH}/team/app:latest`], {configDir: cfg})
    assert.notEqual(pull.code, 0)
    assert.match(pull.stderr, /unauthorized: authentication required/)
    const r = await regprobe(['doctor', `${AUTH}/team/app`, '--json'], {DOCKER_CONFIG: cfg})
    assert.equal(r.code, 6, r.stdout + r.stderr)
    const t = parseJsonOut(r)
    const probe = t.steps[0]
    assert.deepEqual([probe.facts.scheme, probe.facts.hostView.insecure], ['http', true])
    assert.match(probe.facts.hostView.why, /^listed in insecure-registries in .*daemon\.json$/)
    const advice = JSON.stringify([t.verdict.causes, t.verdict.fixes])
    assert.doesNotMatch(advice, /add .*insecure-registries/i)
  })

  it('(d) plain HTTP not listed: docker says "HTTP response to HTTPS client"; regprobe exits 4 and says to list it in daemon.json', async () => {
    const pull = await d.dockerCli(['pull', `${PLAIN}/team/app:latest`])
    assert.notEqual(pull.code, 0)
    assert.match(pull.stderr, /http: server gave HTTP response to HTTPS client/)
    const r = await regprobe(['doctor', `${PLAIN}/team/app`, '--json'])
    assert.equal(r.code, 4, r.stdout + r.stderr)
    const t = parseJsonOut(r)
    assert.equal(t.verdict.causes[0].code, 'probe.tls.plain-http-port')
    assert.ok(t.verdict.fixes.some((f: string) => f.includes(`add "${PLAIN}" to "insecure-registries" in ${join(etcDocker, 'daemon.json')}`)), JSON.stringify(t.verdict.fixes))
  })

  it('(f) a loopback registry with HTTPS_PROXY set: never proxied (as Go and docker do), exit 0', async () => {
    const r = await regprobe(['doctor', `${LOOP}/team/app`], {HTTPS_PROXY: DEAD_PROXY})
    assert.equal(r.code, 0, r.stdout + r.stderr)
  })
})
