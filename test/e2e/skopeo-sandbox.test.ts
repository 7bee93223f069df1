import assert from 'node:assert/strict'
import {execFile} from 'node:child_process'
import {existsSync, readFileSync} from 'node:fs'
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {startSandbox, type Sandbox} from '../../src/sandbox/index.js'
import {requireBinary} from '../helpers/distribution.js'

/** skopeo (Debian, containers/image) as a real client of the sandbox over TLS: login, pull, push, copy. */

/** Generous: skopeo is a Go binary talking to loopback; a slow CI machine still finishes in a few seconds. */
const SKOPEO_TIMEOUT_MS = 60_000

interface Run {
  code: number
  stdout: string
  stderr: string
}

describe('skopeo against the sandbox (TLS, token auth)', () => {
  let skopeo: string
  let sb: Sandbox
  let dir: string
  let certDir: string
  let authfile: string
  let env: NodeJS.ProcessEnv
  let policy: string

  before(async () => {
    skopeo = requireBinary('skopeo', 'skopeo')
    sb = await startSandbox({tls: true})
    dir = await mkdtemp(join(tmpdir(), 'regprobe-skopeo-'))
    certDir = join(dir, 'certs')
    await mkdir(certDir)
    // containers/image reads every *.crt in --cert-dir as a CA.
    await writeFile(join(certDir, 'ca.crt'), sb.caPem!)
    authfile = join(dir, 'auth.json')
    policy = join(dir, 'policy.json')
    await writeFile(policy, JSON.stringify({default: [{type: 'insecureAcceptAnything'}]}))
    // Never the real home: credentials, caches and policy all live in the temp dir.
    env = {...process.env, HOME: dir, XDG_RUNTIME_DIR: dir, XDG_CONFIG_HOME: dir, REGISTRY_AUTH_FILE: authfile}
  })
  after(async () => {
    await sb?.close()
    if (dir !== undefined) await rm(dir, {recursive: true, force: true})
  })

  function run(args: string[], stdin?: string): Promise<Run> {
    return new Promise((resolve) => {
      // A fresh machine may lack /etc/containers/policy.json, which every copy needs.
      const argv = args[0] === 'copy' ? ['--policy', policy, ...args] : args
      const child = execFile(skopeo, argv, {env, timeout: SKOPEO_TIMEOUT_MS}, (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1
        resolve({code, stdout, stderr})
      })
      child.stdin?.end(stdin ?? '')
    })
  }

  const docker = (repo: string) => `docker://${sb.registryHost}/${repo}`
  const tls = (flag: 'src' | 'dest' | 'both') =>
    flag === 'both' ? ['--src-cert-dir', certDir, '--dest-cert-dir', certDir] : [`--${flag}-cert-dir`, certDir]

  it('logs in as alice (password on stdin)', async () => {
    const res = await run(['login', '--authfile', authfile, '--cert-dir', certDir, '-u', 'alice', '--password-stdin', sb.registryHost], 'wonderland\n')
    assert.equal(res.code, 0, res.stderr)
    assert.match(res.stdout, /Login Succeeded/)
    assert.ok(readFileSync(authfile, 'utf8').includes(sb.registryHost))
  })

  it('refuses a wrong password', async () => {
    const wrongAuth = join(dir, 'wrong.json')
    const res = await run(['login', '--authfile', wrongAuth, '--cert-dir', certDir, '-u', 'alice', '--password-stdin', sb.registryHost], 'nope\n')
    assert.notEqual(res.code, 0)
    assert.ok(!res.stderr.includes('nope'))
  })

  it('copies the seeded image out to a dir: layout', async () => {
    const out = join(dir, 'hello')
    const res = await run(['copy', '--authfile', authfile, ...tls('src'), docker('library/hello:latest'), `dir:${out}`])
    assert.equal(res.code, 0, res.stderr)
    assert.ok(existsSync(join(out, 'manifest.json')))
  })

  it('pushes that layout into the sandbox and pulls it back unchanged', async () => {
    const pushed = await run(['copy', '--authfile', authfile, ...tls('dest'), `dir:${join(dir, 'hello')}`, docker('team/pushed:v1')])
    assert.equal(pushed.code, 0, pushed.stderr)
    const back = join(dir, 'back')
    const pulled = await run(['copy', '--authfile', authfile, ...tls('src'), docker('team/pushed:v1'), `dir:${back}`])
    assert.equal(pulled.code, 0, pulled.stderr)
    assert.equal(readFileSync(join(back, 'manifest.json'), 'utf8'), readFileSync(join(dir, 'hello', 'manifest.json'), 'utf8'))
    assert.equal(sb.stats().openUploads, 0)
  })

  it('copies registry to registry (blob mount) and inspects the result', async () => {
    const copied = await run(['copy', '--authfile', authfile, ...tls('both'), docker('library/hello:latest'), docker('team/copy:latest')])
    assert.equal(copied.code, 0, copied.stderr)
    const inspected = await run(['inspect', '--authfile', authfile, '--cert-dir', certDir, docker('team/copy:latest')])
    assert.equal(inspected.code, 0, inspected.stderr)
    assert.deepEqual(JSON.parse(inspected.stdout).RepoTags, ['latest'])
  })

  it("turns bob's refused push into 'denied', as the docs measured", async () => {
    const bobAuth = join(dir, 'bob.json')
    const login = await run(['login', '--authfile', bobAuth, '--cert-dir', certDir, '-u', 'bob', '--password-stdin', sb.registryHost], 'builder\n')
    assert.equal(login.code, 0, login.stderr)
    const res = await run(['copy', '--authfile', bobAuth, ...tls('dest'), `dir:${join(dir, 'hello')}`, docker('team/bob:v1')])
    assert.notEqual(res.code, 0)
    assert.match(res.stderr, /denied: requested access to the resource is denied/)
  })
})
