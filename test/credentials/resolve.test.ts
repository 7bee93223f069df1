import assert from 'node:assert/strict'
import {mkdir, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, it} from 'node:test'
import {credentialsStep, resolveCredentials} from '../../src/credentials/index.js'
import type {CredentialResolution, RegistryKeyInfo, ResolveOptions} from '../../src/credentials/types.js'
import {EXAMPLE, HUB, QUAY, fixtureText, sandbox, type Sandbox} from './support.js'

const ECR: RegistryKeyInfo = {host: '123456789012.dkr.ecr.us-east-1.amazonaws.com', name: '123456789012.dkr.ecr.us-east-1.amazonaws.com', configKey: '123456789012.dkr.ecr.us-east-1.amazonaws.com', isDockerHub: false}
const HELPER_ENTRY = {'registry.example.com': {Username: 'alice', Secret: 'fixture-helper-pw'}}

const codes = (r: CredentialResolution) => r.findings.map((f) => f.code)
const secretOf = (r: CredentialResolution) => (r.credential?.kind === 'basic' ? r.credential.password : r.credential?.token)

/** Every secret in the fixtures starts with "fixture-"; base64 forms are checked through the auth values. */
async function assertNoSecrets(r: CredentialResolution, fixture?: string) {
  const text = JSON.stringify(r) + JSON.stringify(credentialsStep({...r, credential: undefined}))
  const withoutCredential = JSON.stringify({...r, credential: undefined})
  assert.ok(!withoutCredential.includes('fixture-'), `a raw secret leaked: ${withoutCredential.match(/.{40}fixture-.{20}/)?.[0]}`)
  assert.ok(!JSON.stringify(credentialsStep(r)).includes('fixture-'), 'a raw secret leaked into the step')
  if (fixture) {
    for (const m of (await fixtureText(fixture)).matchAll(/"auth":\s*"([^"]+)"/g)) {
      assert.ok(!withoutCredential.includes(m[1]!), 'a base64 auth value leaked')
      assert.ok(!text.includes(m[1]!), 'a base64 auth value leaked into the step')
    }
  }
}

describe('resolveCredentials: one docker config fixture at a time', () => {
  let sb: Sandbox
  beforeEach(async () => {
    sb = await sandbox()
  })
  afterEach(() => sb.cleanup())

  interface Case {
    name: string
    fixture: string
    registry?: RegistryKeyInfo
    helper?: Record<string, {Username: string; Secret: string}>
    kind?: 'basic' | 'identity-token' | 'registry-token'
    username?: string
    secret?: string
    sourceType?: string
    key?: string
    findings?: string[]
    noFindings?: string[]
    /** The login command's view: a failing helper stops docker login. */
    fatal?: boolean
    status: 'ok' | 'warn' | 'fail'
  }
  const cases: Case[] = [
    {name: 'inline auth is used', fixture: 'inline-auths.json', kind: 'basic', username: 'alice', secret: 'fixture-inline-pw', sourceType: 'docker-config', key: 'registry.example.com', status: 'ok', noFindings: ['credentials.none']},
    {name: 'username and password fields are read', fixture: 'inline-username-password.json', kind: 'basic', username: 'alice', secret: 'fixture-fields-pw', status: 'ok'},
    {name: 'a legacy https://host/v1/ key matches by host name', fixture: 'legacy-https-key.json', kind: 'basic', username: 'alice', key: 'https://registry.example.com/v1/', status: 'ok'},
    {name: 'Docker Hub is found under https://index.docker.io/v1/', fixture: 'hub-v1-key.json', registry: HUB, kind: 'basic', username: 'hubuser', key: 'https://index.docker.io/v1/', status: 'ok'},
    {name: 'a docker.io key does not match Docker Hub for docker', fixture: 'hub-docker-io-key.json', registry: HUB, findings: ['credentials.key-mismatch', 'credentials.none'], status: 'warn'},
    {name: 'credsStore helper supplies the secret; {} is its marker', fixture: 'creds-store.json', helper: HELPER_ENTRY, kind: 'basic', username: 'alice', secret: 'fixture-helper-pw', sourceType: 'helper', noFindings: ['credentials.entry.empty'], status: 'ok'},
    // docker pull and push drop a helper's error and go anonymously (docker/cli ResolveAuthConfig); docker login stops.
    {name: 'credsStore helper missing: the Desktop config copied into CI (pull: a warning, anonymous)', fixture: 'creds-store-desktop.json', findings: ['credentials.helper.not-on-path', 'credentials.entry.empty', 'credentials.none'], status: 'warn'},
    {name: 'credsStore helper missing: the Desktop config copied into CI (login: an error)', fixture: 'creds-store-desktop.json', fatal: true, findings: ['credentials.helper.not-on-path', 'credentials.entry.empty'], noFindings: ['credentials.none'], status: 'fail'},
    {name: 'credHelpers beats credsStore; inline auth is ignored', fixture: 'cred-helpers.json', helper: HELPER_ENTRY, kind: 'basic', username: 'alice', secret: 'fixture-helper-pw', sourceType: 'helper', status: 'ok', noFindings: ['credentials.helper.not-on-path']},
    {name: 'identitytoken is a refresh token', fixture: 'identitytoken.json', kind: 'identity-token', username: 'alice', secret: 'fixture-refresh-token-0123456789', findings: ['credentials.identity-token'], status: 'ok'},
    {name: 'registrytoken is sent as is', fixture: 'registrytoken.json', kind: 'registry-token', secret: 'fixture-registry-token-0123456789', findings: ['credentials.registry-token'], status: 'ok'},
    {name: 'malformed JSON is a finding, not a crash', fixture: 'malformed.json', findings: ['credentials.config.malformed', 'credentials.none'], status: 'warn'},
    {name: 'wrong types are findings; the field is ignored', fixture: 'wrong-types.json', findings: ['credentials.config.wrong-type', 'credentials.none'], status: 'warn'},
    {name: 'an empty entry without a helper', fixture: 'empty-entry.json', findings: ['credentials.entry.empty', 'credentials.none'], status: 'warn'},
    {name: 'misspelled keys are ignored by docker and flagged', fixture: 'misspelled-keys.json', findings: ['credentials.config.misspelled-key', 'credentials.config.key-case', 'credentials.none'], status: 'warn'},
    {name: 'wildcard credHelpers never apply', fixture: 'wildcard-cred-helpers.json', registry: ECR, findings: ['credentials.cred-helpers.wildcard', 'credentials.none'], status: 'warn'},
    {name: 'NUL padding is trimmed from the password', fixture: 'nul-padded-auth.json', kind: 'basic', secret: 'fixture-nul-pw', status: 'ok'},
    {name: 'the legacy .dockercfg shape is flagged', fixture: 'legacy-dockercfg-shape.json', findings: ['credentials.config.legacy-format', 'credentials.none'], status: 'warn'},
  ]
  for (const c of cases) {
    it(c.name, async () => {
      await sb.dockerConfig(c.fixture)
      if (c.helper) await sb.storeInHelper(c.helper)
      const r = await resolveCredentials({registry: c.registry ?? EXAMPLE, env: sb.env, homeDir: sb.home, helperErrorsFatal: c.fatal})
      assert.equal(r.credential?.kind, c.kind)
      if (c.username) assert.equal(r.credential && 'username' in r.credential ? r.credential.username : undefined, c.username)
      if (c.secret) assert.equal(secretOf(r), c.secret)
      if (c.sourceType) assert.equal(r.credential?.source.type, c.sourceType)
      if (c.key) assert.equal(r.credential?.source.key, c.key)
      for (const code of c.findings ?? []) assert.ok(codes(r).includes(code), `${code} in ${codes(r).join(', ')}`)
      for (const code of c.noFindings ?? []) assert.ok(!codes(r).includes(code), `${code} not expected`)
      if (c.kind) assert.equal(r.rows.filter((x) => x.outcome === 'used').length, 1)
      else assert.equal(r.winner, undefined)
      assert.equal(credentialsStep(r).status, c.status)
      await assertNoSecrets(r, c.fixture)
    })
  }
})

describe('resolveCredentials: order and explanations', () => {
  let sb: Sandbox
  beforeEach(async () => {
    sb = await sandbox()
  })
  afterEach(() => sb.cleanup())
  const resolve = (o: Partial<ResolveOptions> = {}) => resolveCredentials({registry: EXAMPLE, env: sb.env, homeDir: sb.home, ...o})

  it('with a working helper the {} entry is its marker, not a problem', async () => {
    await sb.dockerConfig('creds-store.json')
    await sb.storeInHelper(HELPER_ENTRY)
    const r = await resolve()
    assert.deepEqual(r.rows.filter((x) => x.place.startsWith('credsStore') || x.place.startsWith('~/')).map((x) => x.outcome), ['used', 'empty'])
    assert.match(r.rows.find((x) => x.place.startsWith('~/'))!.reason, /marker docker writes when docker-credential-regprobe-test holds the secret/)
    assert.equal(r.rows.find((x) => x.outcome === 'used')!.helper?.exitCode, 0)
  })

  it('flags win; the config entry is shown as shadowed and no helper runs', async () => {
    await sb.dockerConfig('creds-store.json')
    await sb.storeInHelper(HELPER_ENTRY)
    const r = await resolve({flags: {username: 'flaguser', password: 'fixture-flag-pw'}})
    assert.equal(r.winner, 'flags')
    assert.equal(r.credential?.source.type, 'flag')
    const helperRow = r.rows.find((x) => x.place.startsWith('credsStore'))
    assert.equal(helperRow?.outcome, 'not-looked')
    assert.equal(helperRow?.helper?.onPath, true)
    assert.deepEqual(await sb.helperCalls(), [])
    await assertNoSecrets(r)
  })

  it('flags beat inline auths, which are found but shadowed', async () => {
    await sb.dockerConfig('inline-auths.json')
    const r = await resolve({flags: {username: 'flaguser', password: 'fixture-flag-pw'}})
    const row = r.rows.find((x) => x.place.startsWith('~/.docker/config.json'))
    assert.equal(row?.outcome, 'found-but-shadowed')
    assert.equal(row?.found?.username, 'alice')
    assert.equal(row?.found?.secret.length, 'fixture-inline-pw'.length)
    assert.match(row!.reason, /flags comes first/)
  })

  it('an identity token from flags', async () => {
    const r = await resolve({flags: {identityToken: 'fixture-flag-token'}})
    assert.equal(r.credential?.kind, 'identity-token')
  })

  it('DOCKER_AUTH_CONFIG comes before the config file', async () => {
    await sb.dockerConfig('inline-auths.json')
    const auth = Buffer.from('envuser:fixture-env-pw').toString('base64')
    const r = await resolve({env: {...sb.env, DOCKER_AUTH_CONFIG: JSON.stringify({auths: {'registry.example.com': {auth}}})}})
    assert.equal(r.winner, 'DOCKER_AUTH_CONFIG')
    assert.equal(r.credential?.source.type, 'env')
    assert.equal(r.rows.find((x) => x.place.startsWith('~/.docker'))?.outcome, 'found-but-shadowed')
    assert.ok(!JSON.stringify({...r, credential: undefined}).includes(auth))
  })

  it('DOCKER_AUTH_CONFIG matches keys exactly, so a docker.io key misses Docker Hub', async () => {
    const r = await resolve({registry: HUB, env: {...sb.env, DOCKER_AUTH_CONFIG: JSON.stringify({auths: {'docker.io': {auth: Buffer.from('u:fixture-x').toString('base64')}}})}})
    assert.equal(r.credential, undefined)
    assert.ok(codes(r).includes('credentials.key-mismatch'))
  })

  it('malformed DOCKER_AUTH_CONFIG is a warning and the file is used', async () => {
    await sb.dockerConfig('inline-auths.json')
    const r = await resolve({env: {...sb.env, DOCKER_AUTH_CONFIG: '{"auths": fixture-oops'}})
    assert.ok(codes(r).includes('credentials.env.malformed'))
    assert.equal(r.credential?.source.type, 'docker-config')
    await assertNoSecrets(r)
  })

  it('DOCKER_CONFIG and --docker-config choose the file', async () => {
    const dir = join(sb.dir, 'elsewhere')
    await mkdir(dir)
    await writeFile(join(dir, 'config.json'), await fixtureText('inline-auths.json'))
    const byEnv = await resolve({env: {...sb.env, DOCKER_CONFIG: dir}})
    assert.match(byEnv.winner!, /^\$DOCKER_CONFIG\/config\.json/)
    const byFlag = await resolve({dockerConfigDir: dir, env: {...sb.env, DOCKER_CONFIG: join(sb.dir, 'nope')}})
    assert.match(byFlag.winner!, /^--docker-config/)
  })

  it('DOCKER_CONFIG naming a folder without config.json is a warning', async () => {
    const r = await resolve({env: {...sb.env, DOCKER_CONFIG: join(sb.dir, 'nope')}})
    assert.ok(codes(r).includes('credentials.config.missing'))
  })

  it('docker config wins over auth.json; podman would differ', async () => {
    await sb.dockerConfig('inline-auths.json')
    await sb.authJson('runtime', {auths: {'registry.example.com': {auth: Buffer.from('podmanuser:fixture-podman-pw').toString('base64')}}})
    const r = await resolve()
    assert.equal(r.credential?.source.type, 'docker-config')
    const row = r.rows.find((x) => x.place.startsWith('auth.json ($XDG_RUNTIME_DIR)'))
    assert.equal(row?.outcome, 'found-but-shadowed')
    assert.ok(codes(r).includes('credentials.podman-differs'))
  })

  it('auth.json is the fallback when docker has nothing; XDG_RUNTIME_DIR before XDG_CONFIG_HOME', async () => {
    await sb.authJson('runtime', 'podman-namespaced.json')
    await sb.authJson('config', {auths: {'quay.io': {auth: Buffer.from('later:fixture-later-pw').toString('base64')}}})
    const r = await resolve({registry: QUAY, repository: 'org/repo'})
    assert.equal(r.credential?.source.type, 'auth-file')
    assert.equal(secretOf(r), 'fixture-repo-pw')
    assert.equal(r.credential?.source.key, 'quay.io/org/repo')
    assert.equal(r.rows.find((x) => x.place.startsWith('auth.json ($XDG_CONFIG_HOME)'))?.outcome, 'found-but-shadowed')
  })

  it('podman namespaced keys: most specific first, then the host', async () => {
    await sb.authJson('runtime', 'podman-namespaced.json')
    assert.equal(secretOf(await resolve({registry: QUAY, repository: 'org/other'})), 'fixture-org-pw')
    assert.equal(secretOf(await resolve({registry: QUAY, repository: 'someone/else'})), 'fixture-host-pw')
    assert.equal(secretOf(await resolve({registry: QUAY})), 'fixture-host-pw')
  })

  it('podman reads a docker.io key for Docker Hub', async () => {
    await sb.authJson('config', 'podman-docker-io.json')
    const r = await resolve({registry: HUB, repository: 'library/alpine'})
    assert.equal(secretOf(r), 'fixture-podman-hub-pw')
  })

  it('REGISTRY_AUTH_FILE: only that file is read; docker sources are shadowed', async () => {
    await sb.dockerConfig('inline-auths.json')
    const file = await sb.authJson('explicit.json', {auths: {'registry.example.com': {auth: Buffer.from('explicit:fixture-explicit-pw').toString('base64')}}})
    const r = await resolve({env: {...sb.env, REGISTRY_AUTH_FILE: file}})
    assert.match(r.winner!, /^REGISTRY_AUTH_FILE/)
    assert.equal(secretOf(r), 'fixture-explicit-pw')
    const docker = r.rows.find((x) => x.place.startsWith('~/.docker'))
    assert.equal(docker?.outcome, 'found-but-shadowed')
    assert.match(docker!.reason, /REGISTRY_AUTH_FILE is set/)
  })

  it('--authfile that does not exist: nothing else is read', async () => {
    await sb.dockerConfig('inline-auths.json')
    const r = await resolve({authFile: join(sb.dir, 'missing.json')})
    assert.equal(r.credential, undefined)
    assert.ok(codes(r).includes('credentials.authfile.missing'))
    assert.deepEqual(r.rows.map((x) => x.outcome).slice(0, 2), ['not-found', 'not-found'])
  })

  it('--authfile that cannot be read (a directory here: root reads any mode) is an error, and nothing else is read', async () => {
    await sb.dockerConfig('inline-auths.json')
    const dir = join(sb.dir, 'auth-dir')
    await mkdir(dir)
    const r = await resolve({authFile: dir})
    assert.equal(r.credential, undefined)
    const f = r.findings.find((x) => x.code === 'credentials.authfile.unreadable')
    assert.equal(f?.severity, 'error')
    assert.match(f!.message, /cannot be read \(it is a directory\); podman and skopeo fail on it$/)
  })

  it('--authfile that is not JSON is an error naming the problem, as podman stops on it', async () => {
    const file = join(sb.dir, 'broken-auth.json')
    await writeFile(file, '{"auths": {"docker.io": ')
    const r = await resolve({authFile: file})
    assert.equal(r.credential, undefined)
    assert.equal(r.findings.find((x) => x.code === 'credentials.authfile.malformed')?.severity, 'error')
  })

  it('--authfile with credHelpers runs the helper with the bare registry name', async () => {
    const file = await sb.authJson('with-helper.json', {auths: {}, credHelpers: {'docker.io': 'regprobe-test'}})
    await sb.storeInHelper({'docker.io': {Username: 'hubuser', Secret: 'fixture-podman-helper-pw'}})
    const r = await resolve({registry: HUB, authFile: file})
    assert.equal(secretOf(r), 'fixture-podman-helper-pw')
    assert.deepEqual((await sb.helperCalls()).map((c) => c.stdin), ['docker.io'])
  })

  it('docker hands Docker Hub helpers https://index.docker.io/v1/', async () => {
    await sb.dockerConfig({credsStore: 'regprobe-test'})
    await sb.storeInHelper({'https://index.docker.io/v1/': {Username: 'hubuser', Secret: 'fixture-hub-helper-pw'}})
    const r = await resolve({registry: HUB})
    assert.equal(secretOf(r), 'fixture-hub-helper-pw')
    assert.deepEqual((await sb.helperCalls()).map((c) => c.stdin), ['https://index.docker.io/v1/'])
  })

  it('a helper "not found" answer means anonymous for docker, then auth.json is tried', async () => {
    await sb.dockerConfig('creds-store.json')
    await sb.authJson('runtime', {auths: {'registry.example.com': {auth: Buffer.from('p:fixture-pod-pw').toString('base64')}}})
    const r = await resolve()
    const helperRow = r.rows.find((x) => x.place.startsWith('credsStore'))
    assert.equal(helperRow?.outcome, 'not-found')
    assert.equal(helperRow?.helper?.exitCode, 1)
    assert.equal(r.credential?.source.type, 'auth-file')
  })

  it('a hanging helper is killed and reported', async () => {
    await sb.dockerConfig('creds-store.json')
    const r = await resolve({env: {...sb.env, REGPROBE_HELPER_MODE: 'hang'}, helperTimeoutMs: 300})
    const row = r.rows.find((x) => x.place.startsWith('credsStore'))
    assert.equal(row?.helper?.timedOut, true)
    assert.equal(row?.helper?.stderr, 'waiting for the keychain to unlock')
    assert.ok(codes(r).includes('credentials.helper.timeout'))
    assert.equal(credentialsStep(r).status, 'fail')
  })

  it('a failing helper is an error with its message and exit code', async () => {
    await sb.dockerConfig('creds-store.json')
    const r = await resolve({env: {...sb.env, REGPROBE_HELPER_MODE: 'exit'}})
    const f = r.findings.find((x) => x.code === 'credentials.helper.failed')
    assert.match(f!.message, /dbus: connection refused/)
    assert.equal(r.rows.find((x) => x.place.startsWith('credsStore'))?.helper?.exitCode, 3)
  })

  it('a helper printing non-JSON is an error that does not echo the output', async () => {
    await sb.dockerConfig('creds-store.json')
    const r = await resolve({env: {...sb.env, REGPROBE_HELPER_MODE: 'non-json'}})
    assert.ok(codes(r).includes('credentials.helper.non-json'))
    assert.ok(!JSON.stringify(r).includes('username=someone'))
  })

  it('the missing-helper finding names the binary and the Desktop-copy story', async () => {
    await sb.dockerConfig('creds-store-desktop.json')
    const r = await resolve()
    const f = r.findings.find((x) => x.code === 'credentials.helper.not-on-path')!
    assert.match(f.message, /docker-credential-desktop/)
    assert.match(f.fix!, /Docker Desktop/)
    const empty = r.findings.find((x) => x.code === 'credentials.entry.empty')!
    assert.match(empty.message, /secret is in the helper docker-credential-desktop; .*not on PATH/)
  })

  it('an empty password from flags under a GitHub fork pull request', async () => {
    const event = join(sb.dir, 'event.json')
    await writeFile(event, JSON.stringify({pull_request: {head: {repo: {full_name: 'someone/fork', fork: true}}, base: {repo: {full_name: 'org/repo'}}}}))
    const r = await resolve({flags: {username: 'ci', password: ''}, env: {...sb.env, GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: event}})
    const f = r.findings.find((x) => x.code === 'credentials.flags.empty-secret')!
    assert.equal(f.severity, 'error')
    assert.match(f.message, /fork someone\/fork/)
    assert.equal(r.rows[0]!.outcome, 'empty')
  })

  it('an empty DOCKER_AUTH_CONFIG is flagged', async () => {
    const r = await resolve({env: {...sb.env, DOCKER_AUTH_CONFIG: '', GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: 'push'}})
    const f = r.findings.find((x) => x.code === 'credentials.env.empty')!
    assert.match(f.message, /undefined or misspelled/)
  })

  it('a trailing newline and an e-mail as Docker Hub user name are flagged', async () => {
    const r = await resolve({registry: HUB, flags: {username: 'me@example.com', password: 'fixture-pw\n'}})
    assert.ok(codes(r).includes('credentials.secret.trailing-newline'))
    assert.ok(codes(r).includes('credentials.hub.email-username'))
    await assertNoSecrets(r)
  })

  // failure-stories.md §8: the kind of token, from its public prefix only (never more of it).
  const GHCR: RegistryKeyInfo = {host: 'ghcr.io', name: 'ghcr.io', configKey: 'ghcr.io', isDockerHub: false}
  const kinds: Array<{name: string; registry: RegistryKeyInfo; password: string; code: string; says: RegExp}> = [
    {name: 'a fine-grained GitHub token for ghcr.io', registry: GHCR, password: 'github_pat_fixture-0123456789', code: 'credentials.ghcr.fine-grained-pat', says: /accepts only classic tokens/},
    {name: 'a GitHub token for Docker Hub', registry: HUB, password: 'ghp_fixture-0123456789', code: 'credentials.secret.other-service', says: /is a GitHub classic personal access token \(ghp_…\): Docker Hub does not accept GitHub's tokens/},
    {name: 'a Docker Hub token for ghcr.io', registry: GHCR, password: 'dckr_pat_fixture-0123456789', code: 'credentials.secret.other-service', says: /GitHub does not accept Docker Hub's tokens/},
    {name: 'a classic GitHub token for ghcr.io (right: just named)', registry: GHCR, password: 'ghp_fixture-0123456789', code: 'credentials.secret.kind', says: /is a GitHub classic personal access token \(ghp_…\)$/},
    {name: 'a GitHub token for a registry of no known vendor (just named)', registry: EXAMPLE, password: 'ghp_fixture-0123456789', code: 'credentials.secret.kind', says: /GitHub classic/},
  ]
  for (const k of kinds) {
    it(`the token kind: ${k.name}`, async () => {
      const r = await resolve({registry: k.registry, flags: {username: 'octo', password: k.password}})
      const kindCodes = codes(r).filter((c) => /secret\.(kind|other-service)|fine-grained/.test(c))
      assert.deepEqual(kindCodes, [k.code])
      assert.match(r.findings.find((f) => f.code === k.code)!.message, k.says)
      await assertNoSecrets(r)
    })
  }

  it('a password with no known prefix says nothing about its kind', async () => {
    const r = await resolve({registry: GHCR, flags: {username: 'octo', password: 'fixture-plain-password'}})
    assert.deepEqual(codes(r).filter((c) => /secret\.(kind|other-service)|fine-grained/.test(c)), [])
  })

  it('never mutates the environment it is given', async () => {
    await sb.dockerConfig('creds-store.json')
    const env = Object.freeze({...sb.env})
    await resolve({env})
    assert.deepEqual(env, sb.env)
  })
})

describe('credentialsStep', () => {
  it('ok with a credential, naming the winner', () => {
    const s = credentialsStep({credential: {kind: 'basic', username: 'u', password: 'fixture-p', source: {type: 'flag', location: 'flags'}}, rows: [], findings: [], winner: 'flags'})
    assert.equal(s.status, 'ok')
    assert.equal(s.stage, 'credentials')
    assert.match(s.summary, /user "u" with a password from flags/)
    assert.ok(!JSON.stringify(s).includes('fixture-p'))
  })
  it('warn when anonymous', () => assert.equal(credentialsStep({rows: [], findings: []}).status, 'warn'))
  it('fail on an error finding', () => assert.equal(credentialsStep({rows: [], findings: [{code: 'x', severity: 'error', message: 'm'}]}).status, 'fail'))
})

