import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Readable} from 'node:stream'
import {describe, it} from 'node:test'
import fc from 'fast-check'
import {operationOf, targetOf, toolOf} from '../../src/explain/extract.js'
import {readLogFile, readLogStream} from '../../src/explain/input.js'
import {nextCommand, shellQuote} from '../../src/explain/next.js'
import {MAX_LINE, normalizeLine} from '../../src/explain/normalize.js'
import {quoteLine, redactSecrets} from '../../src/explain/sanitize.js'
import {UsageError} from '../../src/errors.js'

describe('normalizeLine: what the tool printed, without the CI system\'s decorations', () => {
  const cases: Array<{name: string; raw: string; text: string; ci?: string; ciError?: boolean}> = [
    {name: 'GitHub Actions timestamp (7 fractional digits)', raw: '2024-01-01T00:00:00.0000000Z denied: x', text: 'denied: x', ci: 'github-actions'},
    {name: '##[error] after the timestamp', raw: '2024-01-01T00:00:00.0000000Z ##[error]buildx failed with: ERROR: x', text: 'buildx failed with: ERROR: x', ci: 'github-actions', ciError: true},
    {name: '##[group] marker', raw: '##[group]Run docker/login-action@v3', text: 'Run docker/login-action@v3', ci: 'github-actions'},
    {name: 'an ::error:: workflow command echoed', raw: '::error file=a,line=1::denied: x', text: 'denied: x', ci: 'github-actions', ciError: true},
    {name: 'GitLab section marker with ANSI', raw: 'section_start:1718000002:step_script\r\u001b[0K\u001b[0K\u001b[36;1mExecuting "step_script"\u001b[0;m', text: 'Executing "step_script"', ci: 'gitlab-ci'},
    {name: 'GitLab section end alone', raw: 'section_end:1718000050:step_script\r\u001b[0K', text: '', ci: 'gitlab-ci'},
    {name: 'ANSI colours only', raw: '\u001b[32;1m$ docker push app\u001b[0;m', text: '$ docker push app'},
    {name: 'a progress bar rewritten with carriage returns', raw: 'a1: Pushing 10%\ra1: Pushing 50%\rdenied: x\r', text: 'denied: x'},
    {name: 'an OSC hyperlink', raw: '\u001b]8;;https://example\u0007link\u001b]8;;\u0007 text', text: 'link text'},
  ]
  for (const c of cases) {
    it(c.name, () => {
      const n = normalizeLine(c.raw)
      assert.equal(n.text, c.text)
      assert.equal(n.ci, c.ci)
      assert.equal(n.ciError ?? false, c.ciError ?? false)
    })
  }
  it('cuts a line longer than MAX_LINE', () => assert.equal(normalizeLine('x'.repeat(MAX_LINE * 2)).text.length, MAX_LINE))
})

describe('sanitize: a log line is data', () => {
  it('escapes control characters and bidirectional overrides (the project\'s sanitizer)', () => {
    assert.equal(quoteLine('a\u001b[31mb\u0007c\u202ee'), 'a\\x1b[31mb\\x07c\\u202ee')
  })
  it('neutralises workflow commands at the start of a line, after white space too, and nowhere else', () => {
    assert.equal(quoteLine('::add-mask::x'), '\\x3a:add-mask::x')
    assert.equal(quoteLine('##[error]x'), '\\x23#[error]x')
    assert.equal(quoteLine('see ::this:: and ##[that]'), 'see ::this:: and ##[that]')
  })
  const secrets: Array<[string, string, string]> = [
    ['docker login -p', 'docker login -u bob -p s3cretPassw0rd registry.corp', 's3cretPassw0rd'],
    ['--password=', 'podman login --password=hunter2hunter2 quay.io', 'hunter2hunter2'],
    ['Authorization: Basic', 'Authorization: Basic Ym9iOmJ1aWxkZXI=', 'Ym9iOmJ1aWxkZXI='],
    ['auth field of a config', '{"auths":{"r":{"auth":"Ym9iOmJ1aWxkZXI="}}}', 'Ym9iOmJ1aWxkZXI='],
    ['token in a query', 'GET https://r/token?scope=x&access_token=abcdef123456', 'abcdef123456'],
    ['GitHub token by prefix', 'echo ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789'],
    ['a JWT', 'bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJib2IifQ.c2lnbmF0dXJl', 'eyJzdWIiOiJib2IifQ'],
  ]
  for (const [name, line, secret] of secrets) it(`redacts ${name}`, () => assert.ok(!redactSecrets(line).includes(secret), redactSecrets(line)))
  it('cuts a long line in the middle: the start and the error at the end stay', () => {
    const q = quoteLine(`START ${'x'.repeat(1000)} 401 Unauthorized`, 200)
    assert.equal(q.length, 200)
    assert.match(q, /^START x+…x+ 401 Unauthorized$/)
  })
})

describe('extract: image, operation and tool from the tools\' own texts', () => {
  const targets: Array<[string, string, Record<string, string | undefined>]> = [
    ['kubelet', 'Failed to pull image "ghcr.io/acme/web:1.4.2": rpc error', {reference: 'ghcr.io/acme/web:1.4.2'}],
    ['containers/image reading manifest', 'reading manifest v1.7.0 in quay.io/org/image: unauthorized', {registry: 'quay.io', repository: 'org/image', tag: 'v1.7.0'}],
    ['layer upload URL', 'initiating layer upload to /v2/org/app/blobs/uploads/ in quay.io: unauthorized', {registry: 'quay.io', repository: 'org/app'}],
    ['API URL with a digest', `GET https://registry-1.docker.io/v2/library/busybox/manifests/sha256:${'a'.repeat(64)}: 429`, {registry: 'docker.io', repository: 'library/busybox', digest: `sha256:${'a'.repeat(64)}`}],
    ['token URL with its scope', 'GET https://auth.docker.io/token?scope=repository%3Aenvoyproxy%2Fcharts%3Apull%2Cpush&service=registry.docker.io: 401', {registry: 'docker.io', repository: 'envoyproxy/charts'}],
    ['ping URL: the registry only', 'Get "https://registry.gitlab.com/v2/": unauthorized', {registry: 'registry.gitlab.com', repository: undefined}],
    ['a name without namespace', 'The push refers to repository [docker.io/library/app]', {reference: 'docker.io/library/app:latest'}],
    ['masked ECR account', 'The push refers to repository [***.dkr.ecr.us-east-1.amazonaws.com/my-app]', {registry: '***.dkr.ecr.us-east-1.amazonaws.com', repository: 'my-app'}],
    ['compose image line', '    image: ghcr.io/basecamp/once-campfire', {reference: 'ghcr.io/basecamp/once-campfire:latest'}],
    ['docker push command with flags', '$ docker push --quiet registry.corp:5000/team/app:2', {reference: 'registry.corp:5000/team/app:2'}],
  ]
  for (const [name, text, want] of targets) {
    it(`target: ${name}`, () => {
      const t = targetOf(text)
      assert.ok(t, text)
      for (const [k, v] of Object.entries(want)) assert.equal((t as Record<string, unknown>)[k], v, k)
    })
  }
  it('an unrelated line has no target', () => assert.equal(targetOf('47f5e43a4809: Preparing'), undefined))
  const ops: Array<[string, string | undefined]> = [
    ['The push refers to repository [x/y]', 'push'],
    ["pull access denied for x, repository does not exist or may require 'docker login'", 'pull'],
    ['GET https://r/token?scope=repository%3Ax%3Apull%2Cpush', 'push'],
    ['Error response from daemon: login attempt to https://r/v2/ failed with status: 401', 'login'],
    ['denied: requested access to the resource is denied', undefined],
  ]
  for (const [text, op] of ops) it(`operation ${op}: ${text.slice(0, 50)}`, () => assert.equal(operationOf(text), op))
  const tools: Array<[string, string | undefined]> = [
    ['  Warning  Failed  44s  kubelet  Failed to pull image "x"', 'kubelet'],
    ['#12 ERROR: failed to push ghcr.io/a/b:1: denied', 'buildx'],
    ['error checking push permissions -- make sure you entered the correct tag name', 'kaniko'],
    ['FATA[0001] initializing source docker://tagless:test: reading manifest', 'skopeo'],
    ['Error: writing blob: initiating layer upload to /v2/a/blobs/uploads/ in quay.io', 'podman'],
    ['Error response from daemon: Get "https://r/v2/": unauthorized', 'docker'],
    ['something else entirely', undefined],
  ]
  for (const [text, tool] of tools) it(`tool ${tool}: ${text.slice(0, 50)}`, () => assert.equal(toolOf(text), tool))
})

describe('next: the command that decides, safely quoted', () => {
  it('doctor with --push and docker\'s line for a push', () => {
    assert.equal(nextCommand({target: {registry: 'docker.io', reference: 'docker.io/library/app:latest'}, operation: 'push', firstCause: 'namespace-missing', code: 'docker.access.denied', text: "denied: requested access to the resource is denied"}),
      "regprobe doctor docker.io/library/app:latest --push --docker-error 'denied: requested access to the resource is denied'")
  })
  it('creds when the question is which credentials a client reads; login for a login; probe with only a registry', () => {
    assert.equal(nextCommand({target: {registry: 'ghcr.io'}, firstCause: 'helper-missing', code: 'x', text: ''}), 'regprobe creds ghcr.io')
    assert.equal(nextCommand({target: {registry: 'registry.gitlab.com'}, operation: 'login', firstCause: 'credentials-wrong', code: 'x', text: ''}), 'regprobe login registry.gitlab.com')
    assert.equal(nextCommand({target: {registry: 'r.corp:5000'}, firstCause: 'timeout', code: 'x', text: ''}), 'regprobe probe r.corp:5000')
  })
  it('shellQuote: the shell gives back exactly the string, whatever it holds', () => {
    fc.assert(fc.property(fc.string({unit: 'binary', maxLength: 40}).filter((s) => !s.includes('\u0000')), (s) => {
      const r = spawnSync('sh', ['-c', `printf %s ${shellQuote(s)}`], {encoding: 'utf8'})
      assert.equal(r.stdout, s)
    }), {numRuns: 60})
  })
  it('a quote in docker\'s line cannot end the argument', () => {
    const cmd = nextCommand({target: {reference: 'docker.io/a/b:1', registry: 'docker.io'}, firstCause: 'credentials-missing', code: 'docker.auth.required', text: "unauthorized: it's $(rm -rf ~) `x`"})
    const r = spawnSync('sh', ['-c', `printf '%s\\n' ${cmd.replace(/^regprobe doctor /, '')}`], {encoding: 'utf8'})
    assert.equal(r.stdout, "docker.io/a/b:1\n--docker-error\nunauthorized: it's $(rm -rf ~) `x`\n")
  })
})

describe('input: bounded, regular files or stdin only', () => {
  const dir = mkdtempSync(join(tmpdir(), 'regprobe-explain-input-'))
  it('a folder or a device is a usage error, not a hang', () => {
    assert.throws(() => readLogFile(dir), (e) => e instanceof UsageError && /not a regular file/.test(e.message))
    assert.throws(() => readLogFile('/dev/zero'), (e) => e instanceof UsageError && /not a regular file/.test(e.message))
    assert.throws(() => readLogFile(join(dir, 'missing.log')), (e) => e instanceof UsageError && /ENOENT/.test(e.message))
  })
  it('a file over the cap is cut and says so', () => {
    const f = join(dir, 'big.log')
    writeFileSync(f, 'y\n'.repeat(1000))
    const r = readLogFile(f, 100)
    assert.deepEqual([r.bytes, r.truncated, r.text.length], [100, true, 100])
    assert.equal(readLogFile(f, 5000).truncated, false)
  })
  it('an endless stream is read up to the cap, then left', async () => {
    let produced = 0
    const endless = new Readable({read() {
      produced += 1024
      this.push(Buffer.alloc(1024, 'y'))
    }})
    const r = await readLogStream(endless, 64 * 1024)
    assert.equal(r.truncated, true)
    assert.equal(r.bytes, 64 * 1024)
    assert.ok(produced < 1024 * 1024, `read ${produced} bytes`)
  })
  it('cleanup', () => rmSync(dir, {recursive: true, force: true}))
})

describe('scan: the cheap pre-test never hides a known text', () => {
  it('every text of the docker-error table passes MAYBE_FAILURE', async () => {
    const {DOCKER_ERROR_ROWS} = await import('../../src/daemon/docker-error.js')
    const {MAYBE_FAILURE} = await import('../../src/explain/scan.js')
    for (const row of DOCKER_ERROR_ROWS) assert.match(row.example, MAYBE_FAILURE, row.code)
  })
})
