import assert from 'node:assert/strict'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {DEFAULT_USERS, SEEDED_REPOSITORIES, startSandbox, type Sandbox} from '../../src/sandbox/index.js'
import {parseJsonOut, runCli, type CliResult} from '../helpers/cli.js'

/**
 * The real CLI against the in-process sandbox registry and token server over loopback sockets: docker login's
 * exchange and the catalog's pages, judged end to end, with the password on stdin as a user would pipe it.
 */
describe('login and catalog over real loopback sockets (sandbox)', () => {
  let sandbox: Sandbox
  let registry: string
  // No docker or podman config of this machine may supply credentials.
  const home = mkdtempSync(join(tmpdir(), 'regprobe-login-e2e-'))
  const env = {HOME: home, DOCKER_CONFIG: join(home, '.docker'), XDG_CONFIG_HOME: join(home, '.config'), XDG_RUNTIME_DIR: home}
  const alice = DEFAULT_USERS.find((u) => u.name === 'alice')!

  before(async () => {
    sandbox = await startSandbox()
    registry = sandbox.registryUrl
  })
  after(async () => {
    await sandbox?.close()
    rmSync(home, {recursive: true, force: true})
  })

  const run = (args: string[], stdin?: string): Promise<CliResult> => runCli(args, {stdin, env})
  const assertNoSecret = (r: CliResult, secret: string) => {
    for (const out of [r.stdout, r.stderr]) {
      assert.ok(!out.includes(secret), 'the password appears in the output')
      assert.ok(!out.includes(Buffer.from(`alice:${secret}`).toString('base64')), 'the Basic value appears in the output')
    }
  }

  for (const mode of ['human', 'json'] as const) {
    const extra = mode === 'json' ? ['--json'] : []

    it(`alice logs in: exit 0, "Login Succeeded" (${mode})`, async () => {
      const r = await run(['login', registry, '-u', 'alice', '--password-stdin', ...extra], `${alice.password}\n`)
      assert.equal(r.code, 0, r.stdout + r.stderr)
      assertNoSecret(r, alice.password)
      if (mode === 'json') {
        const t = parseJsonOut(r)
        const login = t.steps.find((s: {stage: string}) => s.stage === 'login')
        assert.equal(login.facts.result, 'Login Succeeded')
        assert.equal(login.facts.configKey, sandbox.registryHost)
        const tokenUrl = new URL(t.steps.find((s: {stage: string}) => s.stage === 'token').exchanges[0].request.url)
        assert.equal(tokenUrl.searchParams.get('client_id'), 'docker')
        assert.equal(tokenUrl.searchParams.get('offline_token'), 'true')
        assert.equal(tokenUrl.searchParams.has('scope'), false)
      } else assert.match(r.stdout, /Login Succeeded/)
    })

    it(`a wrong password: exit 6 (${mode})`, async () => {
      const r = await run(['login', registry, '-u', 'alice', '--password-stdin', ...extra], 'not-the-password\n')
      assert.equal(r.code, 6, r.stdout + r.stderr)
      assertNoSecret(r, 'not-the-password')
      if (mode === 'json') assert.equal(parseJsonOut(r).verdict.causes[0].code, 'login.credentials-rejected')
    })

    it(`catalog as alice, one repository per page: exit 0, every page followed (${mode})`, async () => {
      const r = await run(['catalog', registry, '--page-size', '1', '--all', '-u', 'alice', '--password-stdin', ...extra], alice.password)
      assert.equal(r.code, 0, r.stdout + r.stderr)
      assertNoSecret(r, alice.password)
      if (mode === 'json') {
        const step = parseJsonOut(r).steps.at(-1)
        assert.equal(step.stage, 'catalog')
        assert.deepEqual(step.facts.items, [...SEEDED_REPOSITORIES])
        assert.equal(step.facts.pages.length, SEEDED_REPOSITORIES.length)
        assert.equal(step.facts.complete, true)
      } else {
        const n = SEEDED_REPOSITORIES.length
        assert.match(r.stdout, new RegExp(`${n} repositories in ${n} pages`))
      }
    })

    it(`catalog anonymously: exit 6 (${mode})`, async () => {
      const r = await run(['catalog', registry, ...extra])
      assert.equal(r.code, 6, r.stdout + r.stderr)
      if (mode === 'json') assert.equal(parseJsonOut(r).verdict.causes[0].code, 'catalog.credentials-required')
    })
  }

  it('tags of team/app as bob (pull on team/*): exit 0', async () => {
    const bob = DEFAULT_USERS.find((u) => u.name === 'bob')!
    const r = await run(['tags', `${sandbox.registryHost}/team/app`, '--plain-http', '-u', 'bob', '--password-stdin', '--json'], bob.password)
    assert.equal(r.code, 0, r.stdout + r.stderr)
    assert.deepEqual(parseJsonOut(r).steps.at(-1).facts.items, ['latest'])
  })
})
