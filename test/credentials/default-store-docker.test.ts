import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {startDistribution, type RealRegistry} from '../helpers/distribution.js'
import {onMachinePath, parseJsonOut, runCli} from '../helpers/cli.js'

/**
 * docker's default credentials store, against the real docker CLI (no daemon needed: `docker login` runs client-side
 * when the daemon does not answer) and the real distribution registry (open mode). The helper is Debian's
 * docker-credential-secretservice (golang-docker-credential-helpers) when the machine has it; CI machines do not, and
 * then a stand-in prints what the real one printed here without a D-Bus session: "Cannot autolaunch D-Bus without
 * X11 $DISPLAY" on stdout, exit 1 (synthetic, modelled on the real helper run on this machine). Either way it is
 * wrapped by a script that logs each action, so the test sees whether docker ran it.
 */
const REAL_HELPER = '/usr/bin/docker-credential-secretservice'
const DBUS = 'Cannot autolaunch D-Bus without X11 $DISPLAY'
const SAVE_ERROR = `Error saving credentials: error storing credentials - err: exit status 1, out: \`${DBUS}\``

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, stdin = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {env, stdio: ['pipe', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({code, stdout, stderr})
    })
    child.stdin.end(stdin)
  })
}

describe('docker\'s default store with the real docker CLI: what docker does, and what regprobe says', () => {
  const dir = mkdtempSync(join(tmpdir(), 'regprobe-defstore-docker-'))
  const bin = join(dir, 'bin')
  const log = join(dir, 'helper-calls')
  let registry: RealRegistry
  let docker: string
  let n = 0

  before(async () => {
    const found = onMachinePath('docker')
    if (!found) throw new Error('the docker CLI is not installed: apt-get install -y docker.io (scripts/provision.sh)')
    docker = found
    registry = await startDistribution('open')
    const stand = join(dir, 'stand-in-secretservice')
    writeFileSync(stand, `#!/bin/sh\necho '${DBUS}'\nexit 1\n`)
    chmodSync(stand, 0o755)
    const real = onMachinePath('docker-credential-secretservice') === REAL_HELPER ? REAL_HELPER : stand
    const wrapper = `#!/bin/sh\necho "$1" >> '${log}'\nexec '${real}' "$@"\n`
    mkdirSync(bin)
    writeFileSync(join(bin, 'docker-credential-secretservice'), wrapper)
    chmodSync(join(bin, 'docker-credential-secretservice'), 0o755)
    symlinkSync(docker, join(bin, 'docker'))
  })
  after(async () => {
    await registry?.close()
    rmSync(dir, {recursive: true, force: true})
  })

  /** A fresh HOME and DOCKER_CONFIG holding `config` (none when undefined), no D-Bus session, no daemon. */
  const home = (config?: string) => {
    const d = mkdtempSync(join(dir, `cfg-${n++}-`))
    if (config !== undefined) writeFileSync(join(d, 'config.json'), config)
    const env = {PATH: bin, HOME: d, DOCKER_CONFIG: d, DOCKER_HOST: `unix://${join(d, 'no-daemon.sock')}`, DOCKER_CLI_HINTS: 'false'}
    return {dir: d, env}
  }
  const calls = () => {
    try {
      return readFileSync(log, 'utf8').trim().split('\n').filter(Boolean)
    } catch {
      return []
    }
  }
  const creds = async (env: NodeJS.ProcessEnv) => {
    const r = await runCli(['creds', registry.host, '--json'], {env: {PATH: bin, HOME: env.HOME, DOCKER_CONFIG: env.DOCKER_CONFIG}})
    const step = parseJsonOut(r).steps.find((s: {stage: string}) => s.stage === 'credentials')
    return {r, rows: step.facts.rows as Array<{place: string; outcome: string; reason: string}>, findings: step.findings as Array<{code: string; severity: string; message: string; fix?: string}>}
  }

  for (const [name, config] of [['no config file', undefined], ['{"auths": {}}', '{"auths": {}}'], ['{"credsStore": ""}', '{"credsStore": ""}']] as const) {
    it(`${name}: docker login fails in the default store, and regprobe shows that store failing`, async () => {
      const h = home(config)
      const before = calls().length
      const login = await run(docker, ['login', registry.host, '-u', 'alice', '--password-stdin'], h.env, 'wonderland\n')
      assert.equal(login.code, 1, login.stdout + login.stderr)
      assert.match(login.stderr, new RegExp(SAVE_ERROR.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      assert.ok(calls().slice(before).includes('store'), `docker ran the helper: ${calls().slice(before)}`)

      const {r, rows, findings} = await creds(h.env)
      assert.equal(r.code, 0, r.stderr)
      const row = rows.find((x) => x.place === 'credsStore (docker\'s default) → docker-credential-secretservice')
      assert.ok(row, JSON.stringify(rows))
      assert.equal(row.outcome, 'error')
      assert.match(row.reason, /config\.json names no credentials, and docker-credential-secretservice is on PATH/)
      const f = findings.find((x) => x.code === 'credentials.helper.failed')
      assert.ok(f, JSON.stringify(findings))
      assert.match(f.message, /Cannot autolaunch D-Bus/)
      assert.match(f.fix ?? '', /D-Bus session/)
    })
  }

  it('docker pull runs the default store, then ignores its failure (the error it prints is the daemon\'s, not the helper\'s)', async () => {
    const h = home()
    const before = calls().length
    const pull = await run(docker, ['pull', `${registry.host}/team/app:1`], h.env)
    assert.equal(pull.code, 1)
    assert.deepEqual(calls().slice(before), ['get'])
    assert.match(pull.stderr, /Cannot connect to the Docker daemon/)
    assert.doesNotMatch(pull.stderr, /error getting credentials|D-Bus/)
  })

  it('the fix regprobe gives, an auths entry for the registry, stops the default store: docker login saves into the file', async () => {
    const h = home()
    const {findings} = await creds(h.env)
    const fix = findings.find((x) => x.code === 'credentials.helper.failed')?.fix ?? ''
    const entry = /\{"auths": \{"[^"]+": \{\}\}\}/.exec(fix)?.[0]
    assert.ok(entry, fix)
    writeFileSync(join(h.dir, 'config.json'), entry)
    const before = calls().length
    const login = await run(docker, ['login', registry.host, '-u', 'alice', '--password-stdin'], h.env, 'wonderland\n')
    assert.equal(login.code, 0, login.stderr)
    assert.deepEqual(calls().slice(before), [])
    const saved = JSON.parse(readFileSync(join(h.dir, 'config.json'), 'utf8'))
    assert.equal(saved.auths[registry.host].auth, Buffer.from('alice:wonderland').toString('base64'))
    const after = await creds(h.env)
    assert.ok(!after.rows.some((x) => x.place.includes('docker-credential-secretservice')), JSON.stringify(after.rows))
    assert.ok(after.rows.some((x) => x.outcome === 'used' && x.reason.startsWith(`auths["${registry.host}"]`)), JSON.stringify(after.rows))
  })
})
