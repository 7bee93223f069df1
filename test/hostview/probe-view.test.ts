import assert from 'node:assert/strict'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {startSandbox, type Sandbox} from '../../src/sandbox/index.js'
import {parseJsonOut, runCli} from '../helpers/cli.js'

/**
 * The host view end to end, on [::1]: docker 20.10 does not count ::1 as insecure (only 127.0.0.0/8), so a loopback
 * registry there is judged as a remote one would be. No daemon is needed: the files are what is read.
 */
describe('regprobe reads the docker host\'s files with no flag ([::1] registries)', () => {
  let tls: Sandbox
  let plain: Sandbox
  const work = mkdtempSync(join(tmpdir(), 'rp-probe-view-'))
  let n = 0
  /** A fake /etc holding `files`, and a HOME of its own. */
  const etc = (files: Record<string, string>) => {
    const dir = join(work, `e${n++}`)
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(dir, path, '..'), {recursive: true})
      writeFileSync(join(dir, path), text)
    }
    mkdirSync(join(dir, 'home'), {recursive: true})
    return {REGPROBE_ETC: dir, HOME: join(dir, 'home')}
  }
  before(async () => {
    ;[tls, plain] = await Promise.all([startSandbox({host: '::1', tls: true}), startSandbox({host: '::1'})])
  })
  after(async () => {
    await Promise.allSettled([tls?.close(), plain?.close()])
    rmSync(work, {recursive: true, force: true})
  })

  it('a CA in certs.d/[::1]:PORT/ is trusted, and the probe says so', async () => {
    const env = etc({[`docker/certs.d/${tls.registryHost}/ca.crt`]: tls.caPem!})
    const r = await runCli(['probe', tls.registryHost, '--json'], {env})
    assert.equal(r.code, 0, r.stdout + r.stderr)
    const p = parseJsonOut(r).steps[0]
    assert.equal(p.facts.uses, `docker: CA from ${join(env.REGPROBE_ETC, 'docker/certs.d', tls.registryHost, 'ca.crt')}`)
    const human = await runCli(['probe', tls.registryHost], {env})
    assert.match(human.stdout, /uses: +docker: CA from .*ca\.crt/)
  })

  it('without it: exit 4, and the fix names the certs.d file to create; a CA file that is there but wrong is called wrong', async () => {
    const none = etc({})
    const r = await runCli(['probe', tls.registryHost, '--json'], {env: none})
    assert.equal(r.code, 4, r.stdout + r.stderr)
    assert.match(parseJsonOut(r).verdict.fixes[0], new RegExp(`^Copy the CA .* to ${join(none.REGPROBE_ETC, 'docker/certs.d').replace(/[.[\]]/g, '\\$&')}/\\[::1\\]:\\d+/ca\\.crt`))
    // A certificate that did not sign the registry's: the sandbox's JWT signing certificate.
    const wrong = etc({[`docker/certs.d/${tls.registryHost}/ca.crt`]: tls.signingCertPem})
    const w = await runCli(['probe', tls.registryHost, '--json'], {env: wrong})
    assert.equal(w.code, 4)
    const fixes = parseJsonOut(w).verdict.fixes.join(' ')
    assert.match(fixes, /ca\.crt is already there but did not sign/)
    assert.doesNotMatch(fixes, /Copy the CA/)
  })

  it('a client certificate without its key stops docker, and regprobe says so (exit 4)', async () => {
    const env = etc({[`docker/certs.d/${tls.registryHost}/ca.crt`]: tls.caPem!, [`docker/certs.d/${tls.registryHost}/client.cert`]: tls.caPem!})
    const r = await runCli(['probe', tls.registryHost, '--json'], {env})
    assert.equal(r.code, 4, r.stdout + r.stderr)
    const f = parseJsonOut(r).steps[0].findings.find((x: {code: string}) => x.code === 'hostview.certs-dir')
    assert.match(f.message, /missing key client\.key for client certificate client\.cert/)
  })

  it('plain HTTP: refused when not listed (exit 4, fix names daemon.json); tried after HTTPS when listed (exit 0)', async () => {
    const r = await runCli(['probe', plain.registryHost, '--json'], {env: etc({})})
    assert.equal(r.code, 4, r.stdout + r.stderr)
    assert.match(parseJsonOut(r).verdict.fixes[0], /add "\[::1\]:\d+" to "insecure-registries" in .*docker\/daemon\.json \(it is not in insecure-registries/)
    const listed = etc({'docker/daemon.json': JSON.stringify({'insecure-registries': [plain.registryHost]})})
    const ok = await runCli(['probe', plain.registryHost, '--json'], {env: listed})
    assert.equal(ok.code, 0, ok.stdout + ok.stderr)
    const t = parseJsonOut(ok)
    assert.deepEqual([t.steps[0].facts.scheme, t.steps[0].facts.hostView.insecure], ['http', true])
    assert.doesNotMatch(JSON.stringify(t.verdict), /add .*insecure-registries/)
  })

  it('--as podman reads registries.conf instead (daemon.json does not count for it)', async () => {
    const env = etc({'containers/registries.conf': `[[registry]]\nlocation = "${plain.registryHost}"\ninsecure = true\n`, 'docker/daemon.json': '{}'})
    const r = await runCli(['probe', plain.registryHost, '--as', 'podman', '--json'], {env})
    assert.equal(r.code, 0, r.stdout + r.stderr)
    assert.match(parseJsonOut(r).steps[0].facts.hostView.why, /^insecure = true for "\[::1\]:\d+" in .*registries\.conf$/)
    const docker = await runCli(['probe', plain.registryHost, '--json'], {env})
    assert.equal(docker.code, 4)
  })
})

