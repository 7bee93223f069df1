import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createServer, type Server, type Socket} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {fileURLToPath} from 'node:url'
import {RegprobeError} from '../../src/errors.js'
import {compareDaemonWithShell} from '../../src/daemon/compare.js'
import {daemonLogin} from '../../src/daemon/auth.js'
import {mapDockerError} from '../../src/daemon/docker-error.js'
import {parseDockerHost} from '../../src/daemon/endpoint.js'
import {fetchDaemonInfo} from '../../src/daemon/info.js'
import {daemonStep} from '../../src/daemon/step.js'
import {ExitCode} from '../../src/trace/types.js'
import {startDockerd, type Dockerd} from '../helpers/dockerd.js'
import {freePort, startOpenRegistry, type OpenRegistry} from './open-registry.js'

/** Generous: the daemon itself answers in milliseconds, /auth includes its https→http fallback on loopback. */
const TIMEOUT_MS = 15_000
const PASSWORD = 'pw-Secret-7f3a9'

async function rejectsWith(p: Promise<unknown>, code: string, exitCode: number): Promise<RegprobeError> {
  try {
    await p
  } catch (e) {
    assert.ok(e instanceof RegprobeError, `expected a RegprobeError, got ${String(e)}`)
    assert.equal(e.code, code, e.message)
    assert.equal(e.exitCode, exitCode)
    return e
  }
  assert.fail(`expected a rejection with ${code}`)
}

describe('the real Docker daemon (Debian docker.io) on a private socket', () => {
  let d: Dockerd
  let reg: OpenRegistry
  let work: string

  before(async () => {
    const t0 = Date.now()
    d = await startDockerd()
    console.log(`# dockerd answered /_ping after ${Date.now() - t0} ms; CLI ${d.cliPath}`)
    reg = await startOpenRegistry()
    work = mkdtempSync(join(tmpdir(), 'rp-daemon-test-'))
  })
  after(async () => {
    await reg?.close()
    await d?.close()
    if (work) rmSync(work, {recursive: true, force: true})
  })

  it('GET /info gives the registry view: index server, 127.0.0.0/8 insecure, docker.io official', async () => {
    const info = await fetchDaemonInfo(parseDockerHost(d.host), TIMEOUT_MS)
    assert.match(info.serverVersion ?? '', /^\d+\.\d+/)
    assert.equal(info.indexServerAddress, 'https://index.docker.io/v1/')
    assert.ok(info.insecureRegistryCIDRs.includes('127.0.0.0/8'), JSON.stringify(info.insecureRegistryCIDRs))
    assert.equal(info.indexConfigs['docker.io']?.Official, true)
    assert.equal(info.indexConfigs['docker.io']?.Secure, true)
    const step = daemonStep(info, [])
    assert.equal(step.stage, 'daemon')
    assert.equal(step.status, 'ok')
    assert.deepEqual(step.facts.insecureRegistryCIDRs, info.insecureRegistryCIDRs)
  })

  it('POST /auth to the open registry: "Login Succeeded", no identity token, no password anywhere', async () => {
    const r = await daemonLogin(parseDockerHost(d.host), {username: 'alice', password: PASSWORD, serveraddress: reg.host}, TIMEOUT_MS)
    assert.equal(r.ok, true, r.message)
    assert.equal(r.httpStatus, 200)
    assert.equal(r.status, 'Login Succeeded')
    assert.equal(r.identityToken, undefined)
    assert.ok(!JSON.stringify(r).includes(PASSWORD))
  })

  it('POST /auth to a loopback port where nothing listens: a clear failure that maps to "connection refused"', async () => {
    const port = await freePort()
    const r = await daemonLogin(parseDockerHost(d.host), {username: 'alice', password: PASSWORD, serveraddress: `127.0.0.1:${port}`}, TIMEOUT_MS)
    assert.equal(r.ok, false)
    assert.ok(r.httpStatus >= 400, String(r.httpStatus))
    assert.match(r.message ?? '', new RegExp(`127\\.0\\.0\\.1:${port}.*connection refused`))
    assert.ok(!JSON.stringify(r).includes(PASSWORD))
    assert.equal(mapDockerError(r.message!)?.code, 'docker.network.refused')
  })

  it('POST /auth with a malformed server address: the daemon\'s 400 text comes back', async () => {
    const r = await daemonLogin(parseDockerHost(d.host), {username: 'alice', password: PASSWORD, serveraddress: 'bad host!!'}, TIMEOUT_MS)
    assert.equal(r.ok, false)
    assert.equal(r.httpStatus, 400)
    assert.match(r.message ?? '', /unable to parse server address/)
  })

  it('docker login, push and pull through the CLI against the open registry (image built by docker import)', async () => {
    mkdirSync(join(work, 'rootfs'))
    writeFileSync(join(work, 'rootfs', 'hello.txt'), 'hello from regprobe\n')
    const tar = spawnSync('tar', ['-C', join(work, 'rootfs'), '-cf', join(work, 'rootfs.tar'), 'hello.txt'])
    assert.equal(tar.status, 0, String(tar.stderr))
    const ref = `${reg.host}/regprobe/tiny:1`

    const login = await d.dockerCli(['login', '-u', 'alice', '--password-stdin', reg.host], {stdin: `${PASSWORD}\n`})
    assert.equal(login.code, 0, login.stderr)
    assert.match(login.stdout, /Login Succeeded/)
    // The CLI wrote to the temp DOCKER_CONFIG, not to ~/.docker.
    const saved = JSON.parse(readFileSync(join(d.configDir, 'config.json'), 'utf8')) as {auths: Record<string, unknown>}
    assert.ok(saved.auths[reg.host], JSON.stringify(Object.keys(saved.auths)))

    const imported = await d.dockerCli(['import', join(work, 'rootfs.tar'), ref])
    assert.equal(imported.code, 0, imported.stderr)
    assert.match(imported.stdout, /^sha256:[0-9a-f]{64}/)

    const push = await d.dockerCli(['push', ref])
    assert.equal(push.code, 0, push.stderr)
    assert.match(push.stdout, /digest: sha256:[0-9a-f]{64}/)

    const rmi = await d.dockerCli(['rmi', ref])
    assert.equal(rmi.code, 0, rmi.stderr)
    const pull = await d.dockerCli(['pull', ref])
    assert.equal(pull.code, 0, pull.stderr)
    assert.match(pull.stdout, /Downloaded newer image|Image is up to date/)

    const missing = await d.dockerCli(['pull', `${reg.host}/regprobe/tiny:nope`])
    assert.notEqual(missing.code, 0)
    assert.equal(mapDockerError(missing.stderr)?.code, 'docker.access.manifest-unknown', missing.stderr)
  })

  it('docker login to a closed loopback port: docker\'s own text maps to the network stage', async () => {
    const port = await freePort()
    const r = await d.dockerCli(['login', '-u', 'alice', '--password-stdin', `127.0.0.1:${port}`], {stdin: PASSWORD})
    assert.notEqual(r.code, 0)
    assert.ok(!r.stderr.includes(PASSWORD))
    assert.deepEqual(
      {stage: mapDockerError(r.stderr)?.stage, code: mapDockerError(r.stderr)?.code},
      {stage: 'network', code: 'docker.network.refused'},
      r.stderr,
    )
  })

  it('addCa writes certs.d/<host>/ca.crt and close() of that daemon removes it', async () => {
    const d2 = await startDockerd()
    // [::1] because 20.10 verifies TLS there; 127.0.0.0/8 is always insecure, so the daemon ignores CAs for it.
    const host = `[::1]:${await freePort()}`
    const info = await fetchDaemonInfo(parseDockerHost(d2.host), TIMEOUT_MS)
    const caCodes = () => compareDaemonWithShell(info, {}, {host, hostname: '::1', usesCustomCa: true}, d2.certsDir).map((f) => f.code)
    assert.deepEqual(caCodes(), ['daemon.ca.missing'])
    await d2.addCa(host, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n')
    const file = join(d2.certsDir, host, 'ca.crt')
    assert.ok(existsSync(file))
    assert.deepEqual(caCodes(), [])
    await d2.close()
    assert.equal(existsSync(file), false)
    assert.equal(existsSync(join(d2.certsDir, host)), false)
  })
})

describe('a daemon started with insecure registries and a proxy shows them in /info', () => {
  let d: Dockerd
  before(async () => {
    d = await startDockerd({
      insecureRegistries: ['registry.test:5000'],
      env: {HTTPS_PROXY: 'http://proxyuser:proxy-Secret-1@127.0.0.1:3128', HTTP_PROXY: '', NO_PROXY: 'internal.test'},
    })
  })
  after(async () => d?.close())

  it('the insecure registry, the masked proxy and NO_PROXY; compared with a shell without proxy', async () => {
    const info = await fetchDaemonInfo(parseDockerHost(d.host), TIMEOUT_MS)
    assert.equal(info.indexConfigs['registry.test:5000']?.Secure, false)
    assert.ok(info.httpsProxy?.includes('127.0.0.1:3128'), info.httpsProxy)
    assert.ok(!JSON.stringify(info).includes('proxy-Secret-1'), 'the proxy password must not come back')
    assert.equal(info.noProxy, 'internal.test')

    const general = compareDaemonWithShell(info, {})
    assert.deepEqual(general.map((f) => [f.code, f.severity, f.evidence]), [['daemon.proxy.daemon-only', 'warn', 'HTTPS_PROXY']])

    const viaProxy = compareDaemonWithShell(info, {}, {host: 'registry.example:443', hostname: 'registry.example'})
    assert.deepEqual(viaProxy.map((f) => f.code), ['daemon.proxy.daemon-only'])
    assert.equal(viaProxy[0]!.severity, 'warn')

    const plain = compareDaemonWithShell(info, {}, {host: 'registry.test:5000', hostname: 'registry.test', speaksPlainHttp: true, addresses: ['192.0.2.7']})
    assert.ok(!plain.some((f) => f.code === 'daemon.insecure.missing'), JSON.stringify(plain))
  })
})

describe('no daemon to ask: clear errors, never a crash', () => {
  let dir: string
  const servers: Server[] = []
  const sockets: Socket[] = []
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'rp-nodaemon-'))
  })
  after(async () => {
    // server.close() waits for open connections; the silent server still holds the one the client gave up on.
    for (const c of sockets) c.destroy()
    for (const s of servers) await new Promise<void>((r) => s.close(() => r()))
    rmSync(dir, {recursive: true, force: true})
  })

  it('a socket path that does not exist: daemon.socket-missing, exit 3', async () => {
    const e = await rejectsWith(fetchDaemonInfo(parseDockerHost(`unix://${join(dir, 'nope.sock')}`), 2000), 'daemon.socket-missing', ExitCode.UNREACHABLE)
    assert.match(e.message, /nope\.sock/)
    assert.match(e.hint ?? '', /DOCKER_HOST/)
  })

  it('a socket file nobody listens on (left over): daemon.unreachable, exit 3', async () => {
    const path = join(dir, 'stale.sock')
    writeFileSync(path, '')
    await rejectsWith(fetchDaemonInfo(parseDockerHost(`unix://${path}`), 2000), 'daemon.unreachable', ExitCode.UNREACHABLE)
  })

  it('a socket that accepts and never answers: daemon.unreachable after the timeout', async () => {
    const path = join(dir, 'silent.sock')
    const s = createServer((c) => sockets.push(c))
    servers.push(s)
    await new Promise<void>((r) => s.listen(path, () => r()))
    const e = await rejectsWith(fetchDaemonInfo(parseDockerHost(`unix://${path}`), 300), 'daemon.unreachable', ExitCode.UNREACHABLE)
    assert.match(e.message, /300 ms/)
  })

  it('a tcp:// port where nothing listens: daemon.unreachable', async () => {
    await rejectsWith(fetchDaemonInfo(parseDockerHost(`tcp://127.0.0.1:${await freePort()}`), 2000), 'daemon.unreachable', ExitCode.UNREACHABLE)
  })

  it('a tcp:// address that is an HTTP server but not a daemon: daemon.bad-response, exit 5', async () => {
    const reg = await startOpenRegistry()
    try {
      const e = await rejectsWith(fetchDaemonInfo(parseDockerHost(`tcp://${reg.host}`), 2000), 'daemon.bad-response', ExitCode.PROTOCOL)
      assert.match(e.message, /does not look like a Docker daemon/)
    } finally {
      await reg.close()
    }
  })

  it('a socket this user may not open: daemon.permission-denied with the docker-group fix', async () => {
    // Root ignores file modes, so as root the probe runs without CAP_DAC_OVERRIDE (setpriv), which is what a user
    // outside the docker group meets; as any other user a mode-000 socket already denies.
    const path = join(dir, 'denied.sock')
    const s = createServer(() => {})
    servers.push(s)
    await new Promise<void>((r) => s.listen(path, () => r()))
    chmodSync(path, 0o000)
    const moduleUrl = new URL('../../src/daemon/index.js', import.meta.url).href
    const script = `const m = await import(${JSON.stringify(moduleUrl)});`
      + `try { await m.fetchDaemonInfo(m.parseDockerHost(process.argv[1]), 2000); console.log(JSON.stringify({ok: true})) }`
      + ` catch (e) { console.log(JSON.stringify({code: e.code, exitCode: e.exitCode, message: e.message, hint: e.hint})) }`
    const node = [process.execPath, '--input-type=module', '-e', script, `unix://${path}`]
    const isRoot = process.getuid?.() === 0
    const cmd = isRoot ? ['setpriv', '--bounding-set=-dac_override,-dac_read_search', '--inh-caps=-dac_override,-dac_read_search', ...node] : node
    const r = spawnSync(cmd[0]!, cmd.slice(1), {encoding: 'utf8', cwd: fileURLToPath(new URL('.', import.meta.url)), timeout: 20_000})
    assert.equal(r.status, 0, `${r.stderr}${r.error ? String(r.error) : ''}`)
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {code: string; exitCode: number; message: string; hint: string}
    assert.equal(out.code, 'daemon.permission-denied', out.message)
    assert.equal(out.exitCode, ExitCode.UNREACHABLE)
    assert.match(out.hint, /docker group/)
    assert.match(out.hint, /sudo/)
  })
})
