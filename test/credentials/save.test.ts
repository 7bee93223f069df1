import assert from 'node:assert/strict'
import {readFile, readdir, stat, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, it} from 'node:test'
import {removeCredentials, resolveCredentials, saveCredentials} from '../../src/credentials/index.js'
import {RegprobeError} from '../../src/errors.js'
import {EXAMPLE, HUB, sandbox, type Sandbox} from './support.js'

const mode = async (p: string) => (await stat(p)).mode & 0o777

describe('saveCredentials / removeCredentials', () => {
  let sb: Sandbox
  beforeEach(async () => {
    sb = await sandbox()
  })
  afterEach(() => sb.cleanup())
  const target = {env: () => sb.env, home: () => sb.home}

  it('creates ~/.docker (0700) and config.json (0600) with auths[key].auth, then resolves it', async () => {
    const res = await saveCredentials({registry: EXAMPLE, credential: {username: 'alice', password: 'fixture-saved-pw'}, env: target.env(), homeDir: target.home()})
    assert.deepEqual(res, {path: join(sb.dockerDir, 'config.json'), where: 'auths', key: 'registry.example.com'})
    assert.equal(await mode(sb.dockerDir), 0o700)
    assert.equal(await mode(res.path), 0o600)
    const json = JSON.parse(await readFile(res.path, 'utf8'))
    assert.deepEqual(json, {auths: {'registry.example.com': {auth: Buffer.from('alice:fixture-saved-pw').toString('base64')}}})
    const r = await resolveCredentials({registry: EXAMPLE, env: sb.env, homeDir: sb.home})
    assert.equal(r.credential?.kind === 'basic' && r.credential.password, 'fixture-saved-pw')
  })

  it('keeps every other field and entry, and leaves no temp file', async () => {
    const path = await sb.dockerConfig('other-fields.json')
    const before = await mode(path)
    await saveCredentials({registry: HUB, credential: {username: 'hubuser', password: 'fixture-hub-saved'}, env: sb.env, homeDir: sb.home})
    const json = JSON.parse(await readFile(path, 'utf8'))
    assert.deepEqual(json.HttpHeaders, {'X-Meta': 'kept'})
    assert.equal(json.psFormat, 'table {{.ID}}')
    assert.deepEqual(json.plugins, {buildx: {default: 'x'}})
    assert.equal(json.currentContext, 'desktop-linux')
    assert.ok(json.auths['other.example.com'].auth)
    assert.ok(json.auths['https://index.docker.io/v1/'].auth)
    assert.deepEqual(await readdir(sb.dockerDir), ['config.json'])
    // docker's copyFilePermissions: an existing file keeps its mode (a new one is 0600, tested above).
    assert.equal(await mode(path), before)
  })

  it('an identity token is stored as identitytoken with auth = user:', async () => {
    const res = await saveCredentials({registry: EXAMPLE, credential: {username: 'alice', identityToken: 'fixture-refresh'}, env: sb.env, homeDir: sb.home})
    const json = JSON.parse(await readFile(res.path, 'utf8'))
    assert.deepEqual(json.auths['registry.example.com'], {auth: Buffer.from('alice:').toString('base64'), identitytoken: 'fixture-refresh'})
    const r = await resolveCredentials({registry: EXAMPLE, env: sb.env, homeDir: sb.home})
    assert.equal(r.credential?.kind, 'identity-token')
  })

  it('with credsStore: the helper stores, the file keeps {} (as docker does); logout erases both', async () => {
    const path = await sb.dockerConfig({credsStore: 'regprobe-test', psFormat: 'x'})
    const res = await saveCredentials({registry: EXAMPLE, credential: {username: 'alice', password: 'fixture-helper-saved'}, env: sb.env, homeDir: sb.home})
    assert.deepEqual(res, {path, where: 'helper', key: 'registry.example.com', helper: 'docker-credential-regprobe-test'})
    const json = JSON.parse(await readFile(path, 'utf8'))
    assert.deepEqual(json, {credsStore: 'regprobe-test', psFormat: 'x', auths: {'registry.example.com': {}}})
    assert.ok(!(await readFile(path, 'utf8')).includes('fixture-helper-saved'))
    const store = JSON.parse(await readFile(sb.helperStore, 'utf8'))
    assert.deepEqual(store['registry.example.com'], {Username: 'alice', Secret: 'fixture-helper-saved'})
    const r = await resolveCredentials({registry: EXAMPLE, env: sb.env, homeDir: sb.home})
    assert.equal(r.credential?.source.type, 'helper')

    const out = await removeCredentials({registry: EXAMPLE, env: sb.env, homeDir: sb.home})
    assert.equal(out.removed, true)
    assert.equal(out.where, 'helper')
    assert.deepEqual(JSON.parse(await readFile(sb.helperStore, 'utf8')), {})
    assert.deepEqual(JSON.parse(await readFile(path, 'utf8')).auths, {})
  })

  it('a missing helper is a typed error and the file is untouched', async () => {
    const path = await sb.dockerConfig('creds-store-desktop.json')
    const before = await readFile(path, 'utf8')
    await assert.rejects(saveCredentials({registry: EXAMPLE, credential: {username: 'a', password: 'fixture-x'}, env: sb.env, homeDir: sb.home}), (e: unknown) => e instanceof RegprobeError && e.code === 'credentials.save.helper-missing')
    assert.equal(await readFile(path, 'utf8'), before)
  })

  it('a malformed file is not overwritten', async () => {
    const path = await sb.dockerConfig('malformed.json')
    const before = await readFile(path, 'utf8')
    await assert.rejects(saveCredentials({registry: EXAMPLE, credential: {username: 'a', password: 'fixture-x'}, env: sb.env, homeDir: sb.home}), (e: unknown) => e instanceof RegprobeError && e.code === 'credentials.save.malformed' && !e.message.includes('YWxp'))
    assert.equal(await readFile(path, 'utf8'), before)
  })

  it('logout removes the key and its legacy http(s):// forms, keeping others', async () => {
    const auth = Buffer.from('a:fixture-b').toString('base64')
    const path = await sb.dockerConfig({auths: {'registry.example.com': {auth}, 'https://registry.example.com': {auth}, 'other.example.com': {auth}}, psFormat: 'x'})
    const out = await removeCredentials({registry: EXAMPLE, env: sb.env, homeDir: sb.home})
    assert.deepEqual(out, {removed: true, path, key: 'registry.example.com', where: 'auths'})
    const json = JSON.parse(await readFile(path, 'utf8'))
    assert.deepEqual(Object.keys(json.auths), ['other.example.com'])
    assert.equal(json.psFormat, 'x')
  })

  it('logout when not logged in removes nothing', async () => {
    const out = await removeCredentials({registry: EXAMPLE, env: sb.env, homeDir: sb.home})
    assert.equal(out.removed, false)
  })

  it('--authfile writes podman format under the registry name, and resolution reads it back', async () => {
    const file = join(sb.dir, 'podman', 'auth.json')
    const res = await saveCredentials({registry: HUB, credential: {username: 'hubuser', password: 'fixture-pod-saved'}, authFile: file, env: sb.env, homeDir: sb.home})
    assert.deepEqual(res, {path: file, where: 'auth-file', key: 'docker.io'})
    assert.deepEqual(JSON.parse(await readFile(file, 'utf8')), {auths: {'docker.io': {auth: Buffer.from('hubuser:fixture-pod-saved').toString('base64')}}})
    assert.equal(await mode(file), 0o600)
    const r = await resolveCredentials({registry: HUB, authFile: file, env: sb.env, homeDir: sb.home})
    assert.equal(r.credential?.kind === 'basic' && r.credential.password, 'fixture-pod-saved')
    const out = await removeCredentials({registry: HUB, authFile: file, env: sb.env, homeDir: sb.home})
    assert.equal(out.removed, true)
    assert.deepEqual(JSON.parse(await readFile(file, 'utf8')), {auths: {}})
  })

  it('podman logout also removes a normalised Hub key', async () => {
    const file = join(sb.dir, 'auth.json')
    await writeFile(file, JSON.stringify({auths: {'https://index.docker.io/v1/': {auth: 'eDp5'}}}))
    assert.equal((await removeCredentials({registry: HUB, authFile: file, env: sb.env, homeDir: sb.home})).removed, true)
  })

  it('updates the target of a symlinked config.json', async () => {
    const {symlink, mkdir} = await import('node:fs/promises')
    const real = join(sb.dir, 'dotfiles', 'docker-config.json')
    await mkdir(join(sb.dir, 'dotfiles'))
    await writeFile(real, '{"psFormat":"y"}')
    await mkdir(sb.dockerDir, {recursive: true})
    await symlink(real, join(sb.dockerDir, 'config.json'))
    const res = await saveCredentials({registry: EXAMPLE, credential: {username: 'a', password: 'fixture-l'}, env: sb.env, homeDir: sb.home})
    assert.equal(res.path, real)
    assert.equal(JSON.parse(await readFile(real, 'utf8')).psFormat, 'y')
  })

  it('refuses to save without a secret', async () => {
    await assert.rejects(saveCredentials({registry: EXAMPLE, credential: {username: 'a'}, env: sb.env, homeDir: sb.home}), (e: unknown) => e instanceof RegprobeError && e.code === 'credentials.save.no-secret')
  })
})
