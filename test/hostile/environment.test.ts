import assert from 'node:assert/strict'
import {execFile, execFileSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {startSandbox, type Sandbox} from '../../src/sandbox/index.js'
import {REPO_ROOT, runCli, toolPath, type CliResult} from '../helpers/cli.js'
import {assertClean} from './support.js'

const BIN = join(REPO_ROOT, 'bin', 'run.js')

/** A shell pipeline around the CLI (unshare, `yes |`): what runCli cannot express. Killed after `timeoutMs`. */
function runShell(script: string, args: string[], timeoutMs = 20_000): Promise<CliResult> {
  const start = performance.now()
  const env = {PATH: toolPath(['sh', 'yes', 'head', 'tr', 'unshare', 'mount']), HOME: process.env.HOME, NO_COLOR: '1'}
  return new Promise((resolve) => {
    execFile('sh', ['-c', script, process.execPath, BIN, ...args], {env, timeout: timeoutMs, killSignal: 'SIGKILL'}, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : null) : 0
      resolve({code, stdout, stderr, ms: performance.now() - start})
    })
  })
}

/** Files and disks are the user's: exit 2 naming the path and the reason, never "internal error (a bug)", never a hang. */
describe('bounded inputs and environment errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'regprobe-env-'))
  let sandbox: Sandbox
  before(async () => {
    sandbox = await startSandbox({})
  })
  after(async () => {
    await sandbox?.close()
    rmSync(dir, {recursive: true, force: true})
  })

  it('--ca-cert that is /dev/zero, a FIFO, garbage, or a broken certificate: exit 2 at once, naming the file', async () => {
    const fifo = join(dir, 'ca.fifo')
    execFileSync('mkfifo', [fifo])
    writeFileSync(join(dir, 'garbage.pem'), 'not a certificate\n')
    writeFileSync(join(dir, 'broken.pem'), '-----BEGIN CERTIFICATE-----\nZm9vYmFy\n-----END CERTIFICATE-----\n')
    const cases: Array<[string, RegExp]> = [
      ['/dev/zero', /cannot read --ca-cert \/dev\/zero: it is a character device/],
      [fifo, /it is a FIFO/],
      [join(dir, 'garbage.pem'), /no certificate in .*garbage\.pem/],
      [join(dir, 'broken.pem'), /certificate 1 of 1 is not a valid certificate/],
      [join(dir, 'missing.pem'), /no such file or directory \(ENOENT\)/],
    ]
    const runs = await Promise.all(cases.map(([path]) => runCli(['probe', sandbox.registryHost, '--ca-cert', path], {timeoutMs: 15_000})))
    runs.forEach((r, i) => {
      assert.equal(r.code, 2, `${cases[i]![0]}: ${r.stdout}${r.stderr}`)
      assert.match(r.stderr, cases[i]![1])
      assert.ok(r.ms < 10_000, `${cases[i]![0]} took ${r.ms} ms`)
      assertClean(r)
    })
  })

  it('--authfile or a docker config that is a FIFO is refused, not read forever', async () => {
    const fifo = join(dir, 'auth.fifo')
    execFileSync('mkfifo', [fifo])
    const r = await runCli(['creds', sandbox.registryHost, '--authfile', fifo, '--json'], {timeoutMs: 15_000})
    assert.ok(r.code !== null && r.code !== 1, r.stderr)
    assert.match(r.stdout, /FIFO/)
    assertClean(r)
  })

  it('--password-stdin reads one line: `yes |` ends at once; 70 KiB without a line end is exit 2', async () => {
    const yes = await runShell('yes | "$0" "$@"', ['login', sandbox.registryHost, '-u', 'alice', '--password-stdin', '--json'])
    // The password is "y": the sandbox refuses it (exit 6), and the run ended instead of reading stdin for ever.
    assert.equal(yes.code, 6, yes.stdout + yes.stderr)
    const long = await runShell('head -c 71680 /dev/zero | tr "\\0" x | "$0" "$@"', ['login', sandbox.registryHost, '-u', 'alice', '--password-stdin'])
    assert.equal(long.code, 2, long.stderr)
    assert.match(long.stderr, /more than 65536 bytes on stdin before a line end/)
    assertClean(long)
  })

  it('--har at a directory or /dev/full: exit 2 with the path and the reason', async () => {
    const folder = join(dir, 'a-folder')
    mkdirSync(folder)
    const [atDir, full] = await Promise.all([runCli(['probe', sandbox.registryHost, '--har', folder]), runCli(['probe', sandbox.registryHost, '--har', '/dev/full', '--json'])])
    assert.equal(atDir.code, 2, atDir.stderr)
    assert.match(atDir.stderr, /cannot write --har .*a-folder: it is a directory/)
    assert.equal(full.code, 2, full.stderr)
    assert.match(full.stderr, /cannot write \/dev\/full: no space left on the device \(ENOSPC\)/)
    assert.equal(JSON.parse(full.stdout).error.code, 'file.enospc')
    for (const r of [atDir, full]) assertClean(r)
  })

  it('login --save into a read-only folder (a read-only bind mount): exit 2 naming the folder and EROFS', async () => {
    const config = join(dir, 'ro-config')
    mkdirSync(config)
    const script = `mount --bind "${config}" "${config}" && mount -o remount,ro,bind "${config}" && printf wonderland | exec "$0" "$@"`
    const r = await runShell(`exec unshare -m -- sh -c '${script}' "$0" "$@"`, ['login', sandbox.registryHost, '-u', 'alice', '--password-stdin', '--save', '--docker-config', config])
    assert.equal(r.code, 2, r.stdout + r.stderr)
    assert.match(r.stdout, /cannot (?:open|write) .*ro-config.*: read-only file system \(EROFS\)/)
    assertClean(r)
  })
})
