import assert from 'node:assert/strict'
import {execFile} from 'node:child_process'
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {promisify} from 'node:util'
import {Ajv} from 'ajv'
import {startSandbox, type Sandbox} from '../../src/sandbox/index.js'
import {REPO_ROOT, runCli} from '../helpers/cli.js'

/**
 * The shipped JSON Schema of `--json` (schema/trace.schema.json, generated from src/trace/types.ts) is current, and
 * every command's `--json` output, run through the CLI against the sandbox, validates against it.
 */
const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'schema', 'trace.schema.json'), 'utf8'))
const validate = new Ajv({allErrors: true, strict: false}).compile(schema)

function assertTrace(doc: unknown, what: string): void {
  const ok = validate(doc)
  assert.ok(ok, `${what}: ${JSON.stringify(validate.errors?.slice(0, 5), null, 1)}`)
}

describe('the --json schema', () => {
  it('is generated from the current types (node scripts/schema.js regenerates it)', async () => {
    const r = await promisify(execFile)(process.execPath, [join(REPO_ROOT, 'scripts', 'schema.js'), '--check']).catch((e: {stderr: string}) => assert.fail(e.stderr))
    assert.match(r.stdout, /up to date/)
  })

  it('is shipped in the package', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {files: string[]}
    assert.ok(pkg.files.includes('schema'), pkg.files.join(' '))
  })

  it('rejects a trace that breaks it (the validation can fail)', () => {
    assert.equal(validate({schema: 'regprobe/trace@1', tool: 'regprobe', steps: 'none'}), false)
    assert.equal(validate({schema: 'regprobe/trace@2', tool: 'regprobe', version: '0', command: 'x', target: 'x', startedAt: 'x', durationMs: 1, steps: [], verdict: {status: 'ok', code: 0, headline: '', causes: [], fixes: []}}), false)
  })

  describe('every command\'s --json output validates', () => {
    let sb: Sandbox
    const work = mkdtempSync(join(tmpdir(), 'regprobe-schema-'))
    const env = {HOME: work, DOCKER_CONFIG: join(work, 'docker'), DOCKER_HOST: `unix://${join(work, 'no-daemon.sock')}`}
    before(async () => {
      sb = await startSandbox()
      mkdirSync(env.DOCKER_CONFIG)
      writeFileSync(join(env.DOCKER_CONFIG, 'config.json'), '{}')
    })
    after(async () => {
      await sb?.close()
      rmSync(work, {recursive: true, force: true})
    })
    const alice = ['-u', 'alice', '--password-stdin']
    const runs: Array<{name: string; args: (host: string) => string[]; stdin?: string}> = [
      {name: 'probe', args: (h) => ['probe', h]},
      {name: 'challenge', args: (h) => ['challenge', `${h}/team/app`]},
      {name: 'token', args: (h) => ['token', `${h}/library/hello`]},
      {name: 'login', args: (h) => ['login', h, ...alice], stdin: 'wonderland'},
      {name: 'login (refused)', args: (h) => ['login', h, ...alice], stdin: 'wrong'},
      {name: 'logout', args: (h) => ['logout', h]},
      {name: 'catalog', args: (h) => ['catalog', h, ...alice], stdin: 'wonderland'},
      {name: 'tags', args: (h) => ['tags', `${h}/library/hello`]},
      {name: 'doctor', args: (h) => ['doctor', `${h}/library/hello`]},
      {name: 'doctor (not found)', args: (h) => ['doctor', `${h}/library/hello:nope`]},
      {name: 'doctor --push (denied)', args: (h) => ['doctor', `${h}/library/hello`, '--push', '-u', 'bob', '--password-stdin'], stdin: 'builder'},
      {name: 'creds', args: (h) => ['creds', h]},
      {name: 'daemon (none running)', args: () => ['daemon']},
    ]
    for (const c of runs) {
      it(c.name, async () => {
        const r = await runCli([...c.args(sb.registryHost), '--json'], {stdin: c.stdin, env})
        assertTrace(JSON.parse(r.stdout), `${c.name} (exit ${r.code})`)
      })
    }
    it('compare: each registry\'s trace', async () => {
      const r = await runCli(['compare', sb.registryHost, '--json'], {env})
      const doc = JSON.parse(r.stdout) as {registries: Array<{trace?: unknown}>}
      const traces = doc.registries.map((x) => x.trace).filter((t) => t !== undefined)
      assert.ok(traces.length > 0, 'compare --json carries the traces')
      for (const t of traces) assertTrace(t, 'compare')
    })
    it('demo: each scene\'s trace', async () => {
      const r = await runCli(['demo', '--json'], {env, timeoutMs: 60_000})
      const doc = JSON.parse(r.stdout) as {scenes?: Array<{trace?: unknown}>}
      const traces = (doc.scenes ?? []).map((s) => s.trace).filter((t) => t !== undefined)
      assert.ok(traces.length > 0, `demo --json carries the traces: ${r.stdout.slice(0, 200)}`)
      for (const t of traces) assertTrace(t, 'demo')
    })
  })
})
