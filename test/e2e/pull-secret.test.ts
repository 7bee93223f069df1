import assert from 'node:assert/strict'
import {spawn, spawnSync} from 'node:child_process'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {sha256Digest} from '../../src/sandbox/digest.js'
import {buildSeedImage} from '../../src/sandbox/seed.js'
import {parseJsonOut, runCli} from '../helpers/cli.js'
import {requireBinary, startDistribution, type RealRegistry} from '../helpers/distribution.js'

/**
 * `doctor --pull-secret` against the REAL distribution registry in token mode (Debian docker-registry 2.8 with the
 * sandbox token server). The secrets are made by the real kubectl (`create secret docker-registry --dry-run=client
 * -o yaml`), the image is pushed by the real skopeo. The secret's password is an ordinary-looking string that must
 * never appear in the output.
 */
const READER_PW = 'reader-e2e-secret-42'
const USERS = [
  {name: 'alice', password: 'wonderland'},
  {name: 'reader', password: READER_PW},
]
const RULES = [
  {who: 'alice', repo: '*', actions: ['pull', 'push', 'delete', 'catalog']},
  {who: 'reader', repo: 'team/*', actions: ['pull']},
]

function runAsync(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{code: number | null; stderr: string}> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {env, stdio: ['ignore', 'ignore', 'pipe']})
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({code, stderr})
    })
  })
}

describe('doctor --pull-secret against the real registry in token mode', () => {
  let reg: RealRegistry
  let dir: string
  before(async () => {
    const kubectl = requireBinary('kubectl', 'kubernetes-client')
    const skopeo = requireBinary('skopeo', 'skopeo')
    reg = await startDistribution('token', {users: USERS, rules: RULES})
    dir = await mkdtemp(join(tmpdir(), 'regprobe-pull-secret-'))
    await pushSeed(skopeo, `${reg.host}/team/app:1`)
    for (const [name, password] of [['reader', READER_PW], ['wrong', 'not-the-password']] as const) {
      const made = spawnSync(kubectl, ['create', 'secret', 'docker-registry', `regcred-${name}`, '-n', 'e2e', `--docker-server=${reg.host}`, '--docker-username=reader', `--docker-password=${password}`, '--dry-run=client', '-o', 'yaml'], {encoding: 'utf8'})
      assert.equal(made.status, 0, made.stderr)
      await writeFile(join(dir, `${name}.yaml`), made.stdout)
    }
  })
  after(async () => {
    await reg?.close()
    if (dir) await rm(dir, {recursive: true, force: true})
  })

  async function pushSeed(skopeo: string, target: string): Promise<void> {
    const image = buildSeedImage()
    const src = await mkdtemp(join(tmpdir(), 'regprobe-seed-'))
    try {
      // skopeo's dir: transport: manifest.json, each blob under its hex digest, and the version marker.
      await writeFile(join(src, 'manifest.json'), image.manifest)
      for (const blob of [image.config, image.layer]) await writeFile(join(src, sha256Digest(blob).slice(7)), blob)
      await writeFile(join(src, 'version'), 'Directory Transport Version: 1.1\n')
      await writeFile(join(src, 'policy.json'), JSON.stringify({default: [{type: 'insecureAcceptAnything'}]}))
      // Not spawnSync: the token server runs in this process and must keep answering while skopeo pushes.
      const copy = await runAsync(skopeo, ['--policy', join(src, 'policy.json'), 'copy', '--dest-tls-verify=false', '--dest-creds', 'alice:wonderland', `dir:${src}`, `docker://${target}`], {PATH: process.env.PATH, HOME: src})
      assert.equal(copy.code, 0, copy.stderr)
    } finally {
      await rm(src, {recursive: true, force: true})
    }
  }

  const doctor = (secret: string, ...extra: string[]) => runCli(['doctor', `http://${reg.host}/team/app:1`, '--pull-secret', join(dir, secret), '--json', ...extra], {env: {HOME: dir}})

  it('a reader that can pull: exit 0, with the secret named as the credentials\' source', async () => {
    const r = await doctor('reader.yaml')
    assert.equal(r.code, 0, r.stdout + r.stderr)
    const t = parseJsonOut(r)
    const creds = t.steps.find((s: {stage: string}) => s.stage === 'credentials')
    assert.match(creds.summary, /user "reader" with a password from pull secret e2e\/regcred-reader/)
    assert.equal(creds.facts.credential.source.type, 'pull-secret')
    assert.ok(!r.stdout.includes(READER_PW) && !r.stderr.includes(READER_PW), 'the password never reaches the output')
  })

  it('the pull-only account asked to push: exit 7', async () => {
    const r = await doctor('reader.yaml', '--push')
    assert.equal(r.code, 7, r.stdout + r.stderr)
    assert.ok(!r.stdout.includes(READER_PW))
  })

  it('a wrong password in the secret: exit 6', async () => {
    const r = await doctor('wrong.yaml')
    assert.equal(r.code, 6, r.stdout + r.stderr)
    assert.ok(!r.stdout.includes('not-the-password'))
    const human = await runCli(['doctor', `http://${reg.host}/team/app:1`, '--pull-secret', join(dir, 'wrong.yaml')], {env: {HOME: dir}})
    assert.equal(human.code, 6)
    assert.match(human.stdout, /pull secret e2e\/regcred-wrong/)
    assert.ok(!human.stdout.includes('not-the-password'))
  })

  it('a malformed secret is exit 2 before any request', async () => {
    await writeFile(join(dir, 'opaque.yaml'), 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\ntype: Opaque\ndata:\n  password: c2VjcmV0\n')
    const r = await runCli(['doctor', `http://${reg.host}/team/app:1`, '--pull-secret', join(dir, 'opaque.yaml')], {env: {HOME: dir}})
    assert.equal(r.code, 2, r.stdout + r.stderr)
    assert.match(r.stderr, /has type Opaque/)
  })
})
