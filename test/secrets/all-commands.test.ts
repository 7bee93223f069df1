import assert from 'node:assert/strict'
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {startSandbox, type Sandbox} from '../../src/sandbox/index.js'
import {runCli, type CliResult} from '../helpers/cli.js'
import {captureTokensEnv, forms, readCaptured} from './capture.js'

/** Characters that base64, URL and form encoding each treat differently, so every encoded form is distinct. */
const ALICE = {name: 'alice', password: 'S3cret pass+/=alice!'}
const BOB = {name: 'bob', password: 'B0b~builds/on+Fridays='}
/** A JWT or anything shaped like one is a token, whoever issued it: the redacted form never contains one. */
const JWT_SHAPE = /ey[A-Za-z0-9_-]{8,}\.ey[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/
/** Runs at once: the machine has few cores and each run is a Node start. */
const POOL = 3

/** annotations: the human output under GitHub Actions (::group::, the ::error/::warning annotation). */
type Mode = 'human' | 'verbose' | 'json' | 'har' | 'annotations'
const MODES: Mode[] = ['human', 'verbose', 'json', 'har', 'annotations']

interface Run {
  name: string
  args: string[]
  stdin?: string
  env?: NodeJS.ProcessEnv
  modes?: Mode[]
}

interface Outcome {
  run: Run
  mode: Mode
  r: CliResult
  /** Every file the run wrote, by path. */
  files: Map<string, string>
  captured: string[]
}

/**
 * One test, every command in every output mode, against the sandbox with known passwords and the tokens it issues.
 * No secret may appear, in any encoding, in stdout, stderr or a file written. --show-secrets is the control: the same
 * check must find the password there.
 */
describe('secrets never appear in any output', () => {
  let sandbox: Sandbox
  const dir = mkdtempSync(join(tmpdir(), 'regprobe-secrets-'))
  const home = join(dir, 'home')
  const dockerConfig = join(dir, 'docker-config')
  let refreshToken: string
  let printedToken: string

  before(async () => {
    mkdirSync(home)
    mkdirSync(dockerConfig)
    sandbox = await startSandbox({users: [ALICE, BOB]})
    // A refresh token issued the way docker login gets one, to stand as the identitytoken in a docker config.
    const res = await fetch(`${sandbox.tokenUrl}?service=${sandbox.service}&offline_token=true&client_id=docker`, {headers: {authorization: `Basic ${Buffer.from(`${BOB.name}:${BOB.password}`).toString('base64')}`}})
    refreshToken = ((await res.json()) as {refresh_token: string}).refresh_token
    assert.ok(refreshToken, 'the sandbox issued no refresh token')
    writeFileSync(join(dockerConfig, 'config.json'), JSON.stringify({auths: {[sandbox.registryHost]: {auth: Buffer.from(`${BOB.name}:${BOB.password}`).toString('base64'), identitytoken: refreshToken}}}, null, 2))
  })
  after(async () => {
    await sandbox?.close()
    rmSync(dir, {recursive: true, force: true})
  })

  async function execute(run: Run, mode: Mode, n: number, extraArgs: string[] = []): Promise<Outcome> {
    const out = join(dir, `run-${n}`)
    mkdirSync(out)
    const capture = join(dir, `captured-${n}`)
    const flag = {human: [], verbose: ['-v'], json: ['--json'], har: ['--har', join(out, 'trace.har')], annotations: []}[mode]
    const r = await runCli([...run.args, ...flag, ...extraArgs], {stdin: run.stdin, env: {HOME: home, DOCKER_CONFIG: join(dir, 'no-docker-config'), ...run.env, ...(mode === 'annotations' ? {GITHUB_ACTIONS: 'true'} : {}), ...captureTokensEnv(capture)}})
    const files = new Map(readdirSync(out).map((f) => [f, readFileSync(join(out, f), 'utf8')]))
    return {run, mode, r, files, captured: readCaptured(capture)}
  }

  async function pool<T, R>(items: T[], fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
    const results: R[] = new Array(items.length)
    let next = 0
    await Promise.all(Array.from({length: POOL}, async () => {
      while (next < items.length) {
        const i = next++
        results[i] = await fn(items[i]!, i)
      }
    }))
    return results
  }

  it('in every command and output mode, no password, token, refresh token or identity token, in any encoding', async () => {
    const reg = sandbox.registryHost
    const asAlice = {stdin: `${ALICE.password}\n`}
    // The token printed by --print-token is a known value to look for everywhere else.
    const printed = await runCli(['token', `${reg}/team/app`, '-u', ALICE.name, '--password-stdin', '--print-token'], {stdin: asAlice.stdin, env: {HOME: home, DOCKER_CONFIG: join(dir, 'no-docker-config')}})
    assert.equal(printed.code, 0, printed.stderr)
    printedToken = printed.stdout.trim()
    assert.match(printedToken, JWT_SHAPE)
    assert.match(printed.stderr, /--print-token: the token below is a secret/)

    // Every command in every mode it has; a few more scenarios (other credentials, refusals) in --json only.
    const runs: Run[] = [
      {name: 'probe', args: ['probe', reg]},
      {name: 'challenge', args: ['challenge', `${reg}/team/app`, '--actions', 'pull,push']},
      {name: 'token with a password', args: ['token', `${reg}/team/app`, '-u', ALICE.name, '--password-stdin'], ...asAlice},
      {name: 'token with --identity-token-stdin', args: ['token', `${reg}/team/app`, '--identity-token-stdin'], stdin: refreshToken},
      {name: 'doctor --push with a password', args: ['doctor', `${reg}/team/app`, '--push', '-u', ALICE.name, '--password-stdin'], ...asAlice},
      {name: 'doctor with the docker config (auth + identitytoken)', args: ['doctor', `${reg}/team/app`], env: {DOCKER_CONFIG: dockerConfig}},
      {name: 'login', args: ['login', reg, '-u', ALICE.name, '--password-stdin'], ...asAlice},
      {name: 'catalog', args: ['catalog', reg, '-u', ALICE.name, '--password-stdin'], ...asAlice},
      {name: 'tags', args: ['tags', `${reg}/team/app`, '-u', ALICE.name, '--password-stdin'], ...asAlice},
      {name: 'creds from the docker config', args: ['creds', reg], env: {DOCKER_CONFIG: dockerConfig}},
      {name: 'compare', args: ['compare', reg, '--repo', 'team/app', '-u', ALICE.name, '--password-stdin'], ...asAlice, modes: ['human', 'json']},
      {name: 'token with --oauth', args: ['token', `${reg}/team/app`, '-u', ALICE.name, '--password-stdin', '--oauth'], ...asAlice, modes: ['json']},
      {name: 'token with -p (warned)', args: ['token', `${reg}/team/app`, '-u', ALICE.name, '-p', ALICE.password], modes: ['verbose']},
      {name: 'doctor --push denied (bob may only pull)', args: ['doctor', `${reg}/team/app`, '--push', '-u', BOB.name, '--password-stdin'], stdin: BOB.password, modes: ['json']},
      {name: 'doctor with a wrong password', args: ['doctor', `${reg}/team/app`, '-u', ALICE.name, '--password-stdin'], stdin: `${BOB.password}\n`, modes: ['verbose', 'json']},
      {name: 'login with the docker config', args: ['login', reg], env: {DOCKER_CONFIG: dockerConfig}, modes: ['json']},
      {name: 'creds with a password', args: ['creds', reg, '-u', ALICE.name, '--password-stdin'], ...asAlice, modes: ['verbose']},
    ]
    const jobs = runs.flatMap((run) => (run.modes ?? MODES).map((mode) => ({run, mode})))
    const outcomes = await pool(jobs, (j, i) => execute(j.run, j.mode, i))

    const issued = new Set(outcomes.flatMap((o) => o.captured))
    // The capture worked: the token flows received tokens (and the test would see them if they leaked).
    assert.ok(issued.size >= 10, `only ${issued.size} tokens captured`)
    assert.ok(issued.has(refreshToken), 'the identity-token exchange did not hand back the refresh token')
    const secrets: Array<{what: string; forms: string[]}> = [
      {what: "alice's password", forms: forms(ALICE.password, ALICE.name)},
      {what: "bob's password", forms: forms(BOB.password, BOB.name)},
      {what: 'the refresh/identity token', forms: forms(refreshToken)},
      {what: 'the --print-token token', forms: forms(printedToken)},
      ...[...issued].map((t, i) => ({what: `issued token #${i}`, forms: forms(t)})),
    ]

    const leaks: string[] = []
    for (const o of outcomes) {
      const where = `${o.run.name} (${o.mode})`
      assert.ok(o.r.code !== null && o.r.code !== 1, `${where} exited ${o.r.code}: ${o.r.stderr}`)
      if (o.mode === 'har') assert.ok(o.files.has('trace.har') || o.run.name.startsWith('compare'), `${where} wrote no HAR`)
      const texts: Array<[string, string]> = [['stdout', o.r.stdout], ['stderr', o.r.stderr], ...[...o.files].map(([f, t]) => [f, t] as [string, string])]
      for (const [label, text] of texts) {
        for (const s of secrets) {
          const form = s.forms.find((f) => text.includes(f))
          if (form) leaks.push(`${where}: ${s.what} in ${label} as ${JSON.stringify(form.slice(0, 12))}…`)
        }
        const jwt = JWT_SHAPE.exec(text)
        if (jwt) leaks.push(`${where}: a JWT in ${label}: ${jwt[0].slice(0, 24)}…`)
      }
    }
    assert.deepEqual(leaks, [])

    // The runs did what they claim: a leak check over failed runs would prove little.
    const byName = (name: string, mode: Mode = 'json') => outcomes.find((o) => o.run.name === name && o.mode === mode)!
    assert.equal(byName('doctor --push with a password').r.code, 0, byName('doctor --push with a password').r.stdout)
    assert.equal(byName('doctor --push denied (bob may only pull)').r.code, 7)
    assert.equal(byName('doctor with a wrong password').r.code, 6)
    assert.equal(byName('doctor with the docker config (auth + identitytoken)').r.code, 0, byName('doctor with the docker config (auth + identitytoken)').r.stdout.slice(0, 4000))
    assert.equal(byName('token with --identity-token-stdin').r.code, 0)
    assert.equal(byName('login').r.code, 0)
    assert.equal(byName('catalog').r.code, 0, byName('catalog').r.stdout.slice(0, 4000))
    assert.equal(byName('tags').r.code, 0, byName('tags').r.stdout.slice(0, 4000))
    assert.match(byName('token with -p (warned)', 'verbose').r.stderr, /WARNING! Using --password via the CLI is insecure/)
  })

  it('--show-secrets shows them, and says so on stderr (the check above can fail)', async () => {
    const r = await runCli(['doctor', `${sandbox.registryHost}/team/app`, '-u', ALICE.name, '--password-stdin', '-v', '--show-secrets'], {stdin: ALICE.password, env: {HOME: home, DOCKER_CONFIG: join(dir, 'no-docker-config')}})
    assert.equal(r.code, 0, r.stdout + r.stderr)
    assert.match(r.stderr, /--show-secrets: passwords and tokens are shown unredacted/)
    const shown = forms(ALICE.password, ALICE.name).filter((f) => r.stdout.includes(f))
    assert.ok(shown.length > 0, 'the password appears in no form with --show-secrets')
    assert.match(r.stdout, JWT_SHAPE)
  })
})
