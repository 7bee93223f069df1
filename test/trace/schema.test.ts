import assert from 'node:assert/strict'
import {execFile} from 'node:child_process'
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {promisify} from 'node:util'
import {startSandbox, type Sandbox} from '../../src/sandbox/index.js'
import {stepOf, type Trace} from '../../src/trace/types.js'
import {REPO_ROOT, runCli} from '../helpers/cli.js'
import {isIsoDateTime, traceValidator} from '../helpers/trace-schema.js'

/**
 * The shipped JSON Schema of `--json` (schema/trace.schema.json, generated from src/trace/types.ts) is current, and
 * every command's `--json` output, run through the CLI against the sandbox, validates against it.
 */
const validate = traceValidator()

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
      {name: 'doctor --docker-error', args: (h) => ['doctor', `${h}/library/hello`, '--docker-error', 'Error response from daemon: manifest for x not found: manifest unknown: manifest unknown']},
      {name: 'creds', args: (h) => ['creds', h]},
      {name: 'daemon (none running)', args: () => ['daemon']},
    ]
    const docs = new Map<string, Trace>()
    for (const c of runs) {
      it(c.name, async () => {
        const r = await runCli([...c.args(sb.registryHost), '--json'], {stdin: c.stdin, env})
        const doc = JSON.parse(r.stdout) as Trace
        assertTrace(doc, `${c.name} (exit ${r.code})`)
        docs.set(c.name, doc)
      })
    }
    // The facts are values, not display text: numbers of seconds, booleans, ISO 8601 dates (read from the runs above).
    const values: Array<{run: string; fact: string; read: (t: Trace) => unknown; is: (v: unknown) => boolean}> = [
      {run: 'token', fact: 'token.expiresIn is a number of seconds', read: (t) => stepOf(t.steps, 'token')?.facts.expiresIn, is: (v) => typeof v === 'number' && v > 0},
      {run: 'token', fact: 'token.registryClockSkew is a number of seconds', read: (t) => stepOf(t.steps, 'token')?.facts.registryClockSkew, is: (v) => typeof v === 'number' && Math.abs(v) <= 5},
      {run: 'token', fact: 'token.jwt is a boolean', read: (t) => stepOf(t.steps, 'token')?.facts.jwt, is: (v) => v === true},
      {run: 'token', fact: 'token.claims.exp is seconds since the epoch', read: (t) => stepOf(t.steps, 'token')?.facts.claims?.exp, is: (v) => typeof v === 'number' && Math.abs(v - Date.now() / 1000) < 86_400},
      {run: 'token', fact: 'token.jwtHeader.x5c is a boolean', read: (t) => stepOf(t.steps, 'token')?.facts.jwtHeader?.x5c, is: (v) => typeof v === 'boolean'},
      {run: 'probe', fact: 'probe.status is a number', read: (t) => stepOf(t.steps, 'probe')?.facts.status, is: (v) => v === 401 || v === 200},
      {run: 'probe', fact: 'probe.clockSkew is a number of seconds', read: (t) => stepOf(t.steps, 'probe')?.facts.clockSkew, is: (v) => typeof v === 'number' && Math.abs(v) <= 5},
      {run: 'probe', fact: 'startedAt is an ISO 8601 date', read: (t) => t.startedAt, is: (v) => typeof v === 'string' && isIsoDateTime(v)},
      {run: 'login', fact: 'login.identityToken is the refresh token, redacted', read: (t) => stepOf(t.steps, 'login')?.facts.identityToken, is: (v) => typeof v === 'string' && /^<redacted opaque \d+ chars hmac:[0-9a-f]{8}>$/.test(v)},
      {run: 'login', fact: 'login.dockerStores is a value', read: (t) => stepOf(t.steps, 'login')?.facts.dockerStores, is: (v) => v === 'identity-token'},
      {run: 'login', fact: 'token.requested is an empty list for a login', read: (t) => stepOf(t.steps, 'token')?.facts.requested, is: (v) => Array.isArray(v) && v.length === 0},
      {run: 'doctor', fact: 'challenge.derived is a boolean', read: (t) => stepOf(t.steps, 'challenge')?.facts.derived, is: (v) => v === true},
      {run: 'doctor', fact: 'access.results[].ok is a boolean', read: (t) => stepOf(t.steps, 'access')?.facts.results?.[0]?.ok, is: (v) => v === true},
      {run: 'doctor --push (denied)', fact: 'access.results: the refused push as a boolean and a status number', read: (t) => stepOf(t.steps, 'access')?.facts.results?.find((x) => x.action === 'push'), is: (v) => (v as {ok?: unknown})?.ok === false && typeof (v as {status?: unknown}).status === 'number'},
      {run: 'doctor --docker-error', fact: 'docker-error.reproduced is a boolean, mapped a value', read: (t) => stepOf(t.steps, 'docker-error')?.facts, is: (v) => typeof (v as {reproduced?: unknown})?.reproduced === 'boolean' && typeof (v as {mapped?: {code?: unknown}}).mapped?.code === 'string'},
      {run: 'catalog', fact: 'catalog.count is a number, complete a boolean', read: (t) => [stepOf(t.steps, 'catalog')?.facts.count, stepOf(t.steps, 'catalog')?.facts.complete], is: (v) => Array.isArray(v) && typeof v[0] === 'number' && typeof v[1] === 'boolean'},
    ]
    for (const c of values) {
      it(`${c.run}: ${c.fact}`, () => {
        const doc = docs.get(c.run)
        assert.ok(doc, `the ${c.run} run above produced no trace`)
        const v = c.read(doc)
        assert.ok(c.is(v), `${c.fact}: got ${JSON.stringify(v)}`)
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
