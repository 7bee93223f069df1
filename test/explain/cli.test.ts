import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {fileURLToPath} from 'node:url'
import {parseJsonOut, REPO_ROOT, runCli} from '../helpers/cli.js'
import {startDistribution, type RealRegistry} from '../helpers/distribution.js'

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'explain')
const BIN = fileURLToPath(new URL('../../../bin/run.js', import.meta.url))

describe('regprobe explain (the CLI)', () => {
  const work = mkdtempSync(join(tmpdir(), 'regprobe-explain-cli-'))
  const env = {HOME: work, DOCKER_CONFIG: join(work, '.docker')}
  after(() => rmSync(work, {recursive: true, force: true}))

  it('a GitHub Actions log: the answer first, exit 7 (authorization) in both modes', async () => {
    const [human, json] = await Promise.all([runCli(['explain', join(FIXTURES, 'github-actions-ghcr-pr.log')], {env}), runCli(['explain', join(FIXTURES, 'github-actions-ghcr-pr.log'), '--json'], {env})])
    assert.equal(human.code, 7, human.stderr)
    const lines = human.stdout.split('\n')
    assert.match(lines[2]!, /^✖ line 38 · buildx push ghcr\.io\/acme\/app:pr-42 · authorization \(exit 7\)$/)
    assert.match(lines[3]!, /^ {2}Cause: the workflow's GITHUB_TOKEN may not write packages/)
    assert.match(human.stdout, /^ {2}Check: regprobe doctor ghcr\.io\/acme\/app:pr-42 --push --docker-error '/m)
    assert.equal(json.code, 7)
    const doc = parseJsonOut(json)
    assert.equal(doc.schema, 'regprobe/explain@1')
    assert.equal(doc.exitCode, 7)
    assert.equal(doc.findings[0].candidates[0].cause, 'ghcr-workflow-permission')
  })

  it('stdin by default and with -: a pasted message; a kubelet event from stdin is exit 6', async () => {
    const pasted = await runCli(['explain'], {env, stdin: 'toomanyrequests: You have reached your pull rate limit.\n'})
    assert.equal(pasted.code, 9, pasted.stderr)
    const kube = await runCli(['explain', '-', '--json'], {env, stdin: (await import('node:fs')).readFileSync(join(FIXTURES, 'kubelet-ghcr-anonymous.txt'), 'utf8')})
    assert.equal(kube.code, 6)
    assert.equal(parseJsonOut(kube).findings[0].tool, 'kubelet')
  })

  it('no registry failure: exit 0 and says so', async () => {
    const r = await runCli(['explain', join(FIXTURES, 'github-actions-success.log')], {env})
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /No registry failure found in 15 lines of file/)
    const empty = await runCli(['explain', '--json'], {env, stdin: ''})
    assert.equal(empty.code, 0)
    assert.deepEqual(parseJsonOut(empty).findings, [])
  })

  it('usage errors are exit 2 with a message, in --json too: a missing file, a folder, a device, an unknown flag', async () => {
    for (const args of [['explain', join(work, 'nope.log')], ['explain', work], ['explain', '/dev/zero'], ['explain', '--nope']]) {
      const r = await runCli(args, {env})
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`)
      assert.match(r.stderr, /^regprobe: /)
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace')
    }
    const j = await runCli(['explain', work, '--json'], {env})
    assert.equal(j.code, 2)
    assert.equal(parseJsonOut(j).error.code, 'explain.file')
  })

  it('an endless stdin is read up to 16 MiB, then left: the command ends and says the input was cut', async () => {
    const r = await new Promise<{code: number | null; stdout: string}>((resolve, reject) => {
      const child = spawn('sh', ['-c', `yes 'Step 3/9 : RUN make' | "${process.execPath}" "${BIN}" explain`], {env: {PATH: process.env.PATH, NO_COLOR: '1', ...env}})
      let stdout = ''
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
      const timer = setTimeout(() => {
        child.kill('SIGKILL')
        reject(new Error('explain did not stop reading an endless stdin'))
      }, 60_000)
      child.on('close', (code) => {
        clearTimeout(timer)
        resolve({code, stdout})
      })
    })
    assert.equal(r.code, 0)
    assert.match(r.stdout, /input cut at 16777216 bytes/)
  })

  it('log text is data: no escape sequence, workflow command or secret from the log reaches the output', async () => {
    const log = [
      '$ docker login -u bob -p s3cretPassw0rd registry.corp',
      'Login Succeeded',
      '::set-output name=x::denied: requested access to the resource is denied \u001b]0;pwned\u0007 \u001b[2J',
      '##[endgroup]',
    ].join('\n')
    for (const args of [['explain'], ['explain', '--json'], ['explain', '-v']]) {
      const r = await runCli(args, {env, stdin: log})
      assert.equal(r.code === 6 || r.code === 7, true, `${args.join(' ')}: exit ${r.code} ${r.stderr}`)
      assert.doesNotMatch(r.stdout, /\u001b/)
      assert.doesNotMatch(r.stdout, /s3cretPassw0rd/)
      for (const line of r.stdout.split('\n')) assert.doesNotMatch(line, /^\s*(::|##\[)/, line)
    }
  })
})

describe('regprobe explain --check: doctor for the first failure, against the real registry (token mode)', () => {
  let reg: RealRegistry
  const work = mkdtempSync(join(tmpdir(), 'regprobe-explain-check-'))
  const env = {HOME: work, DOCKER_CONFIG: join(work, '.docker')}
  before(async () => {
    reg = await startDistribution('token')
    mkdirSync(join(work, '.docker'))
    // bob may pull team/* only (src/sandbox/rules.ts): his push is refused, as docker said.
    writeFileSync(join(work, '.docker', 'config.json'), JSON.stringify({auths: {[reg.host]: {auth: Buffer.from('bob:builder').toString('base64')}}}))
  })
  after(async () => {
    await reg?.close()
    rmSync(work, {recursive: true, force: true})
  })

  it('explains offline, then doctor decides: push not granted (exit 7, doctor\'s code), both printed', async () => {
    const log = `$ docker push ${reg.host}/team/app:1\nThe push refers to repository [${reg.host}/team/app]\n5f70bf18a086: Preparing\ndenied: requested access to the resource is denied\n`
    const offline = await runCli(['explain'], {env, stdin: log})
    assert.equal(offline.code, 6, 'offline, not being logged in is as likely as any: the text alone cannot decide')
    assert.match(offline.stdout, /Decide: regprobe doctor 127\.0\.0\.1:\d+\/team\/app:1 --push/)
    const checked = await runCli(['explain', '--check'], {env, stdin: log, timeoutMs: 60_000})
    assert.equal(checked.code, 7, checked.stdout + checked.stderr)
    assert.match(checked.stdout, /Most likely: no credentials/)
    assert.match(checked.stdout, /regprobe doctor 127\.0\.0\.1:\d+\/team\/app:1/)
    assert.match(checked.stdout, /FAIL \(exit 7\)/)
    assert.doesNotMatch(checked.stdout, /builder|Ym9iOmJ1aWxkZXI/)
    const json = await runCli(['explain', '--check', '--json'], {env, stdin: log, timeoutMs: 60_000})
    const doc = parseJsonOut(json)
    assert.equal(json.code, 7)
    assert.equal(doc.check.schema, 'regprobe/trace@1')
    assert.equal(doc.check.verdict.code, 7)
    assert.equal(doc.findings[0].operation, 'push')
  })

  it('--check --pull-secret: doctor pulls with the pod\'s secret, as the kubelet would (bob is refused private/*: 7; anonymous: 6)', async () => {
    const secret = join(work, 'regcred.json')
    writeFileSync(secret, JSON.stringify({auths: {[reg.host]: {auth: Buffer.from('bob:builder').toString('base64')}}}))
    const event = `  Warning  Failed  10s  kubelet  Failed to pull image "${reg.host}/private/app:1": rpc error: code = Unknown desc = failed to pull and unpack image "${reg.host}/private/app:1": failed to resolve reference "${reg.host}/private/app:1": pulling from host ${reg.host} failed with status code [manifests 1]: 401 Unauthorized\n`
    const empty = {HOME: work, DOCKER_CONFIG: join(work, 'empty-docker')}
    const withSecret = await runCli(['explain', '--check', '--pull-secret', secret, '--json'], {env: empty, stdin: event, timeoutMs: 60_000})
    assert.equal(withSecret.code, 7, withSecret.stderr)
    assert.equal(parseJsonOut(withSecret).findings[0].tool, 'kubelet')
    const anonymous = await runCli(['explain', '--check', '--json'], {env: empty, stdin: event, timeoutMs: 60_000})
    assert.equal(anonymous.code, 6, anonymous.stderr)
    const malformed = join(work, 'bad.json')
    writeFileSync(malformed, '{"auths": ')
    const bad = await runCli(['explain', '--check', '--pull-secret', malformed], {env: empty, stdin: event})
    assert.equal(bad.code, 2)
    const noCheck = await runCli(['explain', '--pull-secret', secret], {env: empty, stdin: event})
    assert.equal(noCheck.code, 2)
    assert.match(noCheck.stderr, /add --check/)
  })

  it('--check with only a registry named is a usage error that says what to run instead', async () => {
    const r = await runCli(['explain', '--check'], {env, stdin: `Error response from daemon: Get "http://${reg.host}/v2/": unauthorized: authentication required\n`})
    assert.equal(r.code, 2)
    assert.match(r.stderr, /--check needs an image.*run regprobe login 127\.0\.0\.1:\d+/)
  })
})
