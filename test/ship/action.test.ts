import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, test} from 'node:test'
import {startSandbox, type Sandbox} from '../../src/sandbox/index.js'
import {REPO_ROOT, toolPath} from '../helpers/cli.js'
import {parseYaml, YamlError, type YamlValue} from './mini-yaml.js'

type Obj = {[key: string]: YamlValue}
const action = parseYaml(readFileSync(join(REPO_ROOT, 'action.yml'), 'utf8')) as Obj
const inputs = action.inputs as {[name: string]: Obj}
const steps = (action.runs as Obj).steps as Obj[]

describe('mini-yaml reads the subset action.yml uses, and refuses the rest', () => {
  const cases: Array<{name: string; text: string; want?: YamlValue; error?: RegExp}> = [
    {name: 'nested mappings and quoted scalars', text: "a:\n  b: 'it''s'\n  c: \"x\\\"y\"\n", want: {a: {b: "it's", c: 'x"y'}}},
    {name: 'a sequence of mappings at its key\'s indentation', text: 'steps:\n- name: one\n  run: echo 1\n- two\n', want: {steps: [{name: 'one', run: 'echo 1'}, 'two']}},
    {name: 'a literal block keeps inner indentation and one final newline', text: 'run: |\n  if x; then\n    y\n  fi\n\nnext: 1\n', want: {run: 'if x; then\n  y\nfi\n', next: '1'}},
    {name: 'comments and a trailing comment on a plain scalar', text: '# top\na: b # note\n', want: {a: 'b'}},
    {name: 'malformed: a tab in indentation', text: 'a:\n\tb: 1\n', error: /tab/},
    {name: 'malformed: a duplicate key', text: 'a: 1\na: 2\n', error: /duplicate key a/},
    {name: 'malformed: an unterminated quote', text: "a: 'open\n", error: /unterminated/},
    {name: 'unsupported: a flow sequence', text: 'a: [1, 2]\n', error: /unsupported/},
    {name: 'malformed: a line indented under a scalar', text: 'a: 1\n  b: 2\n', error: /indentation/},
  ]
  for (const c of cases) {
    test(c.name, () => {
      if (c.error) assert.throws(() => parseYaml(c.text), (e: Error) => e instanceof YamlError && c.error!.test(e.message))
      else assert.deepEqual(parseYaml(c.text), c.want)
    })
  }
})

describe('action.yml structure', () => {
  test('declares the inputs, with image required and a description on each', () => {
    for (const name of ['image', 'push', 'username', 'password', 'registry-ca']) {
      assert.ok(inputs[name], `input ${name}`)
      assert.equal(typeof inputs[name]!.description, 'string', `input ${name} has a description`)
    }
    assert.equal(inputs.image!.required, 'true')
    for (const [name, input] of Object.entries(inputs)) if (input.required !== 'true') assert.ok('default' in input, `optional input ${name} has a default`)
  })

  test('sets verdict and exit-code from the doctor step', () => {
    const outputs = action.outputs as {[name: string]: Obj}
    assert.deepEqual(Object.keys(outputs).sort(), ['exit-code', 'verdict'])
    const ids = new Set(steps.map((s) => s.id))
    for (const [name, o] of Object.entries(outputs)) {
      const m = /^\$\{\{ steps\.([\w-]+)\.outputs\.([\w-]+) \}\}$/.exec(String(o.value))
      assert.ok(m, `output ${name} maps a step output`)
      assert.ok(ids.has(m[1]), `output ${name} names an existing step`)
      assert.equal(m[2], name)
    }
  })

  test('is a composite action whose run steps all declare a shell', () => {
    assert.equal((action.runs as Obj).using, 'composite')
    assert.ok(steps.length > 0)
    for (const s of steps) if ('run' in s) assert.equal(s.shell, 'bash', `step ${s.name} has shell: bash`)
  })

  test('inputs reach scripts only through env (no ${{ }} inside run: a quote in an input stays data)', () => {
    for (const s of steps) {
      if (!('run' in s)) continue
      assert.doesNotMatch(String(s.run), /\$\{\{/, `step ${s.name}`)
      for (const [k, v] of Object.entries((s.env ?? {}) as Obj)) {
        const m = /^\$\{\{ (inputs\.([\w-]+)|github\.action_path) \}\}$/.exec(String(v))
        assert.ok(m, `env ${k} is one input or the action path`)
        if (m[2]) assert.ok(inputs[m[2]], `env ${k} names a declared input`)
      }
    }
  })

  test('the password goes to regprobe on stdin, never as an argument', () => {
    const scripts = steps.map((s) => String(s.run ?? '')).join('\n')
    assert.match(scripts, /printf '%s' "\$REGPROBE_PASSWORD" \| regprobe .*--password-stdin/)
    const uses = scripts.split('\n').filter((l) => l.includes('REGPROBE_PASSWORD'))
    for (const l of uses) assert.doesNotMatch(l, /\b(echo|-p|--password )\b.*REGPROBE_PASSWORD|REGPROBE_PASSWORD.*>>/, l.trim())
  })
})

interface StepResult {
  code: number | null
  log: string
  outputs: Record<string, string>
}

/** Runs the action's steps the way the runner does (bash -e, env from the inputs) with this checkout as the action. */
async function runAction(given: Record<string, string>, extraEnv: Record<string, string> = {}): Promise<StepResult> {
  const dir = mkdtempSync(join(tmpdir(), 'regprobe-action-'))
  try {
    const outputFile = join(dir, 'output')
    writeFileSync(outputFile, '')
    const values: Record<string, string> = {}
    for (const [name, input] of Object.entries(inputs)) values[name] = given[name] ?? String(input.default ?? '')
    let log = ''
    let code: number | null = 0
    for (const s of steps) {
      if (!('run' in s)) continue
      // PATH: node and the tools the step uses, not the machine's PATH (its credential helpers: test/helpers/cli.ts toolPath).
      const env: NodeJS.ProcessEnv = {PATH: toolPath(['bash', 'tee', 'tail', 'grep', 'rm']), HOME: dir, NO_COLOR: '1', GITHUB_ACTIONS: 'true', GITHUB_OUTPUT: outputFile, RUNNER_TEMP: dir, ...extraEnv}
      for (const [k, v] of Object.entries((s.env ?? {}) as Obj)) {
        const m = /^\$\{\{ (?:inputs\.([\w-]+)|(github\.action_path)) \}\}$/.exec(String(v))!
        env[k] = m[2] ? REPO_ROOT : values[m[1]!]
      }
      const script = join(dir, `step-${s.id ?? 'x'}.sh`)
      writeFileSync(script, String(s.run))
      const r = await new Promise<{code: number | null; out: string}>((resolve, reject) => {
        const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {env, stdio: ['ignore', 'pipe', 'pipe']})
        let out = ''
        child.stdout.on('data', (d: Buffer) => (out += d.toString()))
        child.stderr.on('data', (d: Buffer) => (out += d.toString()))
        const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
        child.on('error', reject)
        child.on('close', (c) => {
          clearTimeout(timer)
          resolve({code: c, out})
        })
      })
      log += r.out
      code = r.code
      if (code !== 0) break
    }
    const outputs: Record<string, string> = {}
    for (const line of readFileSync(outputFile, 'utf8').split('\n')) {
      const eq = line.indexOf('=')
      if (eq > 0) outputs[line.slice(0, eq)] = line.slice(eq + 1)
    }
    return {code, log, outputs}
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

describe('action.yml run against the sandbox', () => {
  let sb: Sandbox
  let tls: Sandbox
  before(async () => {
    sb = await startSandbox({})
    // On [::1]: docker counts only 127.0.0.0/8 as insecure, so without the CA a run fails there as docker would.
    tls = await startSandbox({tls: true, host: '::1'})
  })
  after(async () => {
    await sb?.close()
    await tls?.close()
  })

  test('alice may push: verdict ok, exit-code 0, the step passes, the password is never printed', async () => {
    const r = await runAction({image: `${sb.registryHost}/team/app`, push: 'true', username: 'alice', password: 'wonderland'})
    assert.equal(r.code, 0, r.log)
    assert.deepEqual(r.outputs, {verdict: 'ok', 'exit-code': '0'})
    assert.match(r.log, /::group::/)
    assert.doesNotMatch(r.log, /::error/)
    assert.ok(!r.log.includes('wonderland'), 'password in the log')
  })

  test('bob may not push: exit-code 7, an ::error annotation, the step fails, the password is never printed', async () => {
    const r = await runAction({image: `${sb.registryHost}/team/app`, push: 'true', username: 'bob', password: 'builder'})
    assert.equal(r.code, 7, r.log)
    assert.deepEqual(r.outputs, {verdict: 'fail', 'exit-code': '7'})
    assert.match(r.log, /^::error title=regprobe doctor .*\(exit 7\)::/m)
    assert.ok(!r.log.includes('builder'), 'password in the log')
  })

  test('a registry whose text forges a ::warning line does not change the verdict output (issue 15)', async () => {
    const {serve} = await import('../helpers/servers.js')
    const {bearerRegistry, bigJwt, tokenServerGiving} = await import('../helpers/hostile-servers.js')
    const token = await tokenServerGiving(bigJwt(600, 'team/app'))
    const inner = bearerRegistry(`http://${token.host}/token`)
    // Synthetic, modelled on distribution's token auth: its 401 body is text a hostile registry chose.
    const reg = await serve((req, res) => {
      if (req.headers.authorization) return inner(req, res)
      res.writeHead(401, {'content-type': 'text/plain', 'docker-distribution-api-version': 'registry/2.0', 'www-authenticate': `Bearer realm="http://${token.host}/token",service="hostile"${req.url === '/v2/' ? '' : ',scope="repository:team/app:pull"'}`})
      res.end('denied\n::warning ::forged by the registry\n::stop-commands::abc\n')
    })
    try {
      const r = await runAction({image: `http://${reg.host}/team/app`})
      assert.equal(r.code, 0, r.log)
      assert.deepEqual(r.outputs, {verdict: 'ok', 'exit-code': '0'})
      assert.doesNotMatch(r.log, /^\s*::(warning|stop-commands)/m)
    } finally {
      await reg.close()
      await token.close()
    }
  })

  test('fail: false keeps the step green and still reports the failure in the outputs', async () => {
    const r = await runAction({image: `${sb.registryHost}/team/app`, push: 'true', username: 'bob', password: 'builder', fail: 'false'})
    assert.equal(r.code, 0, r.log)
    assert.deepEqual(r.outputs, {verdict: 'fail', 'exit-code': '7'})
  })

  test('registry-ca given as PEM text trusts a registry with a private CA', async () => {
    const pem = readFileSync(tls.caPath!, 'utf8')
    const r = await runAction({image: `${tls.registryHost}/team/app`, username: 'alice', password: 'wonderland', 'registry-ca': pem})
    assert.equal(r.code, 0, r.log)
    assert.deepEqual(r.outputs, {verdict: 'ok', 'exit-code': '0'})
    const without = await runAction({image: `${tls.registryHost}/team/app`, username: 'alice', password: 'wonderland'})
    assert.deepEqual(without.outputs, {verdict: 'fail', 'exit-code': '4'}, without.log)
  })

  test('a fork\'s pull request (username set, password secret empty): exit 6, and the annotation says why the secret is empty', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'regprobe-action-event-'))
    try {
      const event = join(dir, 'event.json')
      // The shape of GITHUB_EVENT_PATH for a pull_request from a fork (docs.github.com, webhook payload pull_request).
      writeFileSync(event, JSON.stringify({pull_request: {head: {repo: {fork: true, full_name: 'someone/app'}}, base: {repo: {full_name: 'acme/app'}}}}))
      const r = await runAction({image: `${sb.registryHost}/team/app`, username: 'bob', password: ''}, {GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: event})
      assert.equal(r.code, 6, r.log)
      assert.deepEqual(r.outputs, {verdict: 'fail', 'exit-code': '6'})
      assert.match(r.log, /^::error title=regprobe doctor .*\(exit 6\)::the password for "bob" given on stdin is empty .*pull request from the fork someone\/app/m)
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })

  test('a password without a username is refused before anything runs, without printing it', async () => {
    const r = await runAction({image: `${sb.registryHost}/team/app`, password: 's3cret-value'})
    assert.equal(r.code, 2)
    assert.deepEqual(r.outputs, {verdict: 'fail', 'exit-code': '2'})
    assert.match(r.log, /::error title=regprobe::password is set but username is empty/)
    assert.ok(!r.log.includes('s3cret-value'))
  })
})
