import assert from 'node:assert/strict'
import {join} from 'node:path'
import {describe, it} from 'node:test'
import {decodeKubeletAuth, loadPullSecret, parsePullSecret} from '../../src/credentials/pull-secret.js'
import {resolveCredentials} from '../../src/credentials/index.js'
import {RegprobeError} from '../../src/errors.js'
import {EXAMPLE, FIXTURES, HUB, sandbox} from './support.js'

const DIR = join(FIXTURES, 'pull-secrets')
const load = (name: string) => loadPullSecret(join(DIR, name))
const entries = async (name: string) => (await load(name)).entries.map((e) => [e.key, e.username, e.password])

describe('--pull-secret: reading the Secret as kubectl prints it', () => {
  it('kubectl create … -o yaml: namespace/name, the entry decoded from auth', async () => {
    const s = await load('kubectl-create.yaml')
    assert.equal(s.label, 'team-a/regcred')
    assert.equal(s.type, 'kubernetes.io/dockerconfigjson')
    assert.deepEqual(await entries('kubectl-create.yaml'), [['registry.example.com', 'reader', 'fixture-reader-pw']])
  })

  it('kubectl get -o yaml with the last-applied-configuration block and metadata around it', async () => {
    const s = await load('kubectl-yaml.yaml')
    assert.equal(s.label, 'team-a/regcred')
    assert.deepEqual(s.entries.map((e) => e.username), ['reader'])
  })

  it('-o json, two entries (a glob and Docker Hub\'s key)', async () => {
    const s = await load('kubectl-json.json')
    assert.equal(s.label, 'default/multi')
    assert.deepEqual(await entries('kubectl-json.json'), [['*.example.com', 'globber', 'fixture-glob-pw'], ['https://index.docker.io/v1/', 'hubuser', 'fixture-hub-pw']])
  })

  it('stringData (a literal block of JSON) with username/password fields and no auth', async () => {
    const s = await load('stringdata.yaml')
    assert.equal(s.label, 'ci/from-manifest')
    assert.deepEqual(await entries('stringdata.yaml'), [['registry.example.com:5000/team', 'writer', 'fixture-writer-pw']])
  })

  it('legacy kubernetes.io/dockercfg with an unpadded auth, as the kubelet accepts it', async () => {
    const s = await load('legacy-dockercfg.yaml')
    assert.equal(s.type, 'kubernetes.io/dockercfg')
    assert.deepEqual(await entries('legacy-dockercfg.yaml'), [['https://registry.example.com/v1/', 'legacy', 'fixture-legacy-pw']])
  })

  it('a bare config JSON', async () => {
    const s = await load('bare-config.json')
    assert.equal(s.type, 'config')
    assert.equal(s.label, 'bare-config.json')
    assert.deepEqual(await entries('bare-config.json'), [['registry.example.com', 'bare', 'fixture-bare-pw']])
  })

  it('auth wins over username/password, and the disagreement is kept for a finding', async () => {
    const s = await load('disagrees.json')
    assert.deepEqual(s.entries.map((e) => [e.username, e.password, e.disagrees]), [['reader', 'fixture-new-pw', ['username', 'password']]])
  })

  const malformed: Array<[string, string, RegExp]> = [
    ['wrong-type.yaml', 'pull-secret.wrong-type', /default\/opaque has type Opaque/],
    ['not-base64.yaml', 'pull-secret.not-base64', /data\["\.dockerconfigjson"\] in default\/hand-written is not base64/],
    ['not-json.yaml', 'pull-secret.not-json', /\.dockerconfigjson in default\/truncated is not valid JSON/],
    ['bad-auth.json', 'pull-secret.bad-auth', /auths\["other\.example\.com"\]\.auth does not decode to user:password/],
  ]
  for (const [file, code, message] of malformed) {
    it(`malformed: ${file} is exit 2 with what is wrong, and no value`, async () => {
      const err = await load(file).catch((e: unknown) => e)
      assert.ok(err instanceof RegprobeError, String(err))
      assert.equal(err.exitCode, 2)
      assert.equal(err.code, code)
      assert.match(err.message, message)
      assert.doesNotMatch(`${err.message} ${err.hint ?? ''}`, /fixture-|Zml4dHVyZ/)
    })
  }

  it('not YAML, not a Secret, a missing file: exit 2', async () => {
    for (const [text, code] of [['a: [1\n', 'pull-secret.not-yaml'], ['{"kind": "ConfigMap", "apiVersion": "v1"}', 'pull-secret.not-a-secret'], ['{"auths": ', 'pull-secret.not-json']] as const) {
      assert.throws(() => parsePullSecret(text, 'f'), (e: unknown) => e instanceof RegprobeError && e.exitCode === 2 && e.code === code, text)
    }
    await assert.rejects(load('no-such-file.yaml'), (e: unknown) => e instanceof RegprobeError && e.code === 'pull-secret.missing')
  })

  it('decodes auth as the kubelet does: padded or not, split on the first ":"', () => {
    assert.deepEqual(decodeKubeletAuth(Buffer.from('u:p:q').toString('base64')), {ok: true, username: 'u', password: 'p:q'})
    assert.deepEqual(decodeKubeletAuth('dTpw'), {ok: true, username: 'u', password: 'p'})
    assert.deepEqual(decodeKubeletAuth(Buffer.from('ab:c').toString('base64').replace(/=+$/, '')), {ok: true, username: 'ab', password: 'c'})
    assert.equal(decodeKubeletAuth('not base64!').ok, false)
  })
})

describe('--pull-secret in the credentials lookup', () => {
  it('uses the entry the kubelet matches, names the secret, and shadows the machine\'s files', async () => {
    const sb = await sandbox()
    try {
      await sb.dockerConfig({auths: {'registry.example.com': {auth: Buffer.from('local:fixture-local').toString('base64')}}})
      const r = await resolveCredentials({registry: EXAMPLE, repository: 'team/app', pullSecret: await load('kubectl-create.yaml'), env: sb.env, homeDir: sb.home})
      assert.equal(r.credential?.kind === 'basic' && r.credential.username, 'reader')
      assert.equal(r.credential?.source.type, 'pull-secret')
      assert.match(r.winner ?? '', /^pull secret team-a\/regcred \(/)
      const row = r.rows.find((x) => x.place.startsWith('pull secret'))!
      assert.match(row.reason, /"registry\.example\.com" is the entry the kubelet matches for registry\.example\.com\/team\/app \(same host\)/)
      const local = r.rows.find((x) => x.place.includes('config.json'))!
      assert.equal(local.outcome, 'found-but-shadowed')
      assert.match(local.reason, /--pull-secret is given/)
      assert.ok(!JSON.stringify(r.rows).includes('fixture-'))
    } finally {
      await sb.cleanup()
    }
  })

  it('Docker Hub through the glob-free Hub key; a host with no entry is a finding, not an error', async () => {
    const sb = await sandbox()
    try {
      const hub = await resolveCredentials({registry: HUB, repository: 'library/nginx', pullSecret: await load('kubectl-json.json'), env: sb.env, homeDir: sb.home})
      assert.equal(hub.credential?.kind === 'basic' && hub.credential.username, 'hubuser')
      const none = await resolveCredentials({registry: {host: 'ghcr.io', name: 'ghcr.io', configKey: 'ghcr.io', isDockerHub: false}, repository: 'acme/app', pullSecret: await load('kubectl-json.json'), env: sb.env, homeDir: sb.home})
      assert.equal(none.credential, undefined)
      const f = none.findings.find((x) => x.code === 'credentials.pull-secret.no-match')
      assert.ok(f, none.findings.map((x) => x.code).join(', '))
      assert.match(f.message, /default\/multi has no entry the kubelet matches for ghcr\.io\/acme\/app/)
      assert.equal(f.evidence, '*.example.com, https://index.docker.io/v1/')
    } finally {
      await sb.cleanup()
    }
  })
})
