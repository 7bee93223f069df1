import assert from 'node:assert/strict'
import {createHash} from 'node:crypto'
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {startSandbox, type Sandbox} from '../../src/sandbox/index.js'
import {runCli, type CliResult} from '../helpers/cli.js'

/**
 * Passwords that are ordinary words of the output: a search-and-replace over rendered text turned every JSON `true`
 * into a marker (invalid JSON), renamed `status` keys, emptied HAR's response.status and printed `la<redacted …>` for
 * the tag `latest` (issue 15). Redaction where values are recorded leaves all of them whole.
 */
const WORDS = ['true', 'status', 'test', 'latest', '200']
const USERS = WORDS.map((w) => ({name: `user-${w}`, password: w}))
const POOL = 3

type Mode = 'human' | 'verbose' | 'json' | 'har' | 'annotations'
const MODES: Mode[] = ['human', 'verbose', 'json', 'har', 'annotations']

interface Outcome {
  name: string
  mode: Mode
  user: {name: string; password: string}
  r: CliResult
  har?: string
}

describe('ordinary-word passwords: output stays whole, the password is never shown as a secret', () => {
  let sandbox: Sandbox
  const dir = mkdtempSync(join(tmpdir(), 'regprobe-words-'))
  before(async () => {
    sandbox = await startSandbox({users: USERS, rules: [{who: '*', repo: 'library/*', actions: ['pull']}, ...USERS.map((u) => ({who: u.name, repo: '*', actions: ['*']}))]})
  })
  after(async () => {
    await sandbox?.close()
    rmSync(dir, {recursive: true, force: true})
  })

  it('every command × human / -v / --json / HAR / annotations', async () => {
    const reg = sandbox.registryHost
    const commands: Array<{name: string; args: string[]; code: number}> = [
      {name: 'doctor', args: ['doctor', `${reg}/team/app`], code: 0},
      {name: 'token', args: ['token', `${reg}/team/app`], code: 0},
      {name: 'login', args: ['login', reg], code: 0},
      {name: 'catalog', args: ['catalog', reg], code: 0},
      {name: 'tags', args: ['tags', `${reg}/team/app`], code: 0},
      {name: 'creds', args: ['creds', reg], code: 0},
      {name: 'compare', args: ['compare', reg, '--repo', 'team/app'], code: 0},
    ]
    const jobs = commands.flatMap((c, ci) => MODES.filter((m) => c.name !== 'compare' || m === 'human' || m === 'json').map((mode, mi) => ({c, mode, user: USERS[(ci + mi) % USERS.length]!})))
    const outcomes: Outcome[] = new Array(jobs.length)
    let next = 0
    await Promise.all(Array.from({length: POOL}, async () => {
      while (next < jobs.length) {
        const i = next++
        const {c, mode, user} = jobs[i]!
        const out = join(dir, `run-${i}`)
        mkdirSync(out)
        const flag = {human: [], verbose: ['-v'], json: ['--json'], har: ['--har', join(out, 'trace.har')], annotations: []}[mode]
        const env = {HOME: dir, DOCKER_CONFIG: join(dir, 'none'), ...(mode === 'annotations' ? {GITHUB_ACTIONS: 'true'} : {})}
        const r = await runCli([...c.args, '-u', user.name, '--password-stdin', ...flag], {stdin: `${user.password}\n`, env})
        const har = readdirSync(out).includes('trace.har') ? readFileSync(join(out, 'trace.har'), 'utf8') : undefined
        outcomes[i] = {name: c.name, mode, user, r, ...(har ? {har} : {})}
      }
    }))

    const problems: string[] = []
    for (const o of outcomes) {
      const where = `${o.name} (${o.mode}, password ${JSON.stringify(o.user.password)})`
      const expected = commands.find((c) => c.name === o.name)!.code
      if (o.r.code !== expected) problems.push(`${where}: exit ${o.r.code}, expected ${expected}: ${o.r.stderr.slice(0, 300)}`)
      const texts = [o.r.stdout, o.r.stderr, o.har ?? '']
      for (const t of texts) {
        // A marker glued to a word is a substitution inside another word: it tells the reader the password.
        if (/[A-Za-z0-9]<redacted|<redacted [^>]*>[A-Za-z0-9]/.test(t)) problems.push(`${where}: a marker inside a word: ${/.{0,20}<redacted[^>]*>.{0,20}/.exec(t)?.[0]}`)
        for (const leak of secretForms(o.user)) if (t.includes(leak)) problems.push(`${where}: the password as a secret value: ${leak}`)
        // The sandbox never echoes a password: a marker of the password's length is a word of the output replaced.
        const replaced = new RegExp(`<redacted [a-z]+ ${o.user.password.length} chars`).exec(t)
        if (replaced) problems.push(`${where}: a value of the password's length was redacted: ${t.slice(Math.max(0, replaced.index - 200), replaced.index + 60)}`)
        // The fingerprint is salted per run: the plain SHA-256 prefix of the password would confirm a guess.
        const plain = createHash('sha256').update(o.user.password).digest('hex').slice(0, 8)
        if (t.includes(plain)) problems.push(`${where}: the unsalted SHA-256 prefix of the password`)
      }
      if (o.mode === 'json') checkJson(o, where, problems)
      if (o.mode === 'har') checkHar(o, where, problems)
      if (o.name === 'tags' && o.mode !== 'har' && !/(^|[\s"])latest([\s"]|$)/m.test(o.r.stdout)) problems.push(`${where}: the tag latest is not printed whole`)
      if (o.mode === 'annotations' && !/^::group::/m.test(o.r.stdout) && o.name !== 'compare') problems.push(`${where}: no ::group:: in Actions mode`)
    }
    assert.deepEqual(problems, [])
  })
})

/** Where a password would be a secret value: the Basic blob, a form field, a JSON field. */
function secretForms(u: {name: string; password: string}): string[] {
  return [
    Buffer.from(`${u.name}:${u.password}`).toString('base64'),
    Buffer.from(`${u.name}:${u.password}`).toString('base64').replace(/=+$/, ''),
    `password=${u.password}`,
    `"password":"${u.password}"`,
    `"password": "${u.password}"`,
  ]
}

function checkJson(o: Outcome, where: string, problems: string[]): void {
  let doc: any
  try {
    doc = JSON.parse(o.r.stdout)
  } catch {
    problems.push(`${where}: stdout is not JSON: ${o.r.stdout.slice(0, 200)}`)
    return
  }
  if (o.name === 'compare') return void (Array.isArray(doc.registries) || problems.push(`${where}: no registries`))
  if (doc.schema !== 'regprobe/trace@1') problems.push(`${where}: schema ${doc.schema}`)
  for (const s of doc.steps ?? []) {
    if (typeof s.status !== 'string') problems.push(`${where}: step ${s.stage} lost its status key`)
    for (const x of s.exchanges) if (x.response && typeof x.response.status !== 'number') problems.push(`${where}: an exchange lost response.status`)
  }
  if (typeof doc.verdict?.status !== 'string') problems.push(`${where}: the verdict lost its status key`)
}

function checkHar(o: Outcome, where: string, problems: string[]): void {
  if (!o.har) return void problems.push(`${where}: no HAR written`)
  let har: any
  try {
    har = JSON.parse(o.har)
  } catch {
    return void problems.push(`${where}: the HAR is not JSON`)
  }
  for (const e of har.log.entries) if (typeof e.response.status !== 'number' || (e.response.status === 0 && !e.response._error)) problems.push(`${where}: a HAR entry's response.status is ${JSON.stringify(e.response.status)}`)
  if (har.log.entries.length === 0 && o.name !== 'creds') problems.push(`${where}: the HAR has no entries`)
}
