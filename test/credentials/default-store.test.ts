import assert from 'node:assert/strict'
import {chmod, mkdir, mkdtemp, rm, symlink, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {delimiter, join} from 'node:path'
import {after, afterEach, before, beforeEach, describe, it} from 'node:test'
import {parseConfigText} from '../../src/credentials/config-file.js'
import {containsAuth, detectDefaultStore} from '../../src/credentials/default-store.js'
import {resolveCredentials} from '../../src/credentials/index.js'
import type {CredentialResolution} from '../../src/credentials/types.js'
import {EXAMPLE, HELPERS_DIR, sandbox, type Sandbox} from './support.js'

/**
 * docker's default store (src/credentials/default-store.ts), with fake executables on a test PATH: docker/cli
 * cli/config/credentials/default_store.go and default_store_linux.go, cli/config/configfile/file.go ContainsAuth.
 */
describe('detectDefaultStore: the rule of default_store_linux.go, on the PATH it is given', () => {
  let dir: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'regprobe-defstore-'))
  })
  after(() => rm(dir, {recursive: true, force: true}))

  /** A PATH of one directory holding these executables (and `docker-credential-x.txt`-like decoys, not executable). */
  const pathWith = async (name: string, executables: string[], plain: string[] = []): Promise<NodeJS.ProcessEnv> => {
    const bin = join(dir, name)
    await mkdir(bin)
    for (const e of executables) {
      await writeFile(join(bin, e), '#!/bin/sh\nexit 1\n')
      await chmod(join(bin, e), 0o755)
    }
    for (const p of plain) await writeFile(join(bin, p), 'not executable\n')
    return {PATH: bin}
  }

  const cases: Array<{name: string; platform?: NodeJS.Platform; exe: string[]; plain?: string[]; suffix: string | undefined; why: RegExp}> = [
    {name: 'pass and docker-credential-pass: pass', exe: ['pass', 'docker-credential-pass', 'docker-credential-secretservice'], suffix: 'pass', why: /docker-credential-pass is on PATH \(pass is on PATH\)/},
    {name: 'pass without docker-credential-pass: none, even with secretservice there', exe: ['pass', 'docker-credential-secretservice'], suffix: undefined, why: /would pick docker-credential-pass \(pass is on PATH\), which is not on PATH/},
    {name: 'docker-credential-pass without pass, and secretservice: secretservice', exe: ['docker-credential-pass', 'docker-credential-secretservice'], suffix: 'secretservice', why: /secretservice is on PATH \(pass is not on PATH\)/},
    {name: 'secretservice only', exe: ['docker-credential-secretservice'], suffix: 'secretservice', why: /secretservice is on PATH/},
    {name: 'docker-credential-pass only: none (docker picks secretservice, not there)', exe: ['docker-credential-pass'], suffix: undefined, why: /would pick docker-credential-secretservice/},
    {name: 'nothing', exe: [], suffix: undefined, why: /not on PATH/},
    {name: 'a secretservice file that is not executable: none (exec.LookPath)', exe: [], plain: ['docker-credential-secretservice'], suffix: undefined, why: /not on PATH/},
    {name: 'macOS: osxkeychain', platform: 'darwin', exe: ['docker-credential-osxkeychain', 'docker-credential-secretservice'], suffix: 'osxkeychain', why: /osxkeychain is on PATH/},
    {name: 'FreeBSD: docker has no default store', platform: 'freebsd', exe: ['docker-credential-secretservice'], suffix: undefined, why: /no default store on freebsd/},
  ]
  cases.forEach((c, i) => {
    it(c.name, async () => {
      const env = await pathWith(`case-${i}`, c.exe, c.plain)
      const store = await detectDefaultStore(env, c.platform ?? 'linux')
      assert.equal(store.suffix, c.suffix)
      assert.match(store.why, c.why)
      assert.equal(store.passWithoutHelper, c.exe.includes('pass') && !c.exe.includes('docker-credential-pass') ? true : undefined)
    })
  })

  it('looks only at the PATH of the environment given, never the process PATH', async () => {
    const env = await pathWith('own', ['docker-credential-secretservice'])
    assert.equal((await detectDefaultStore({}, 'linux')).suffix, undefined)
    assert.equal((await detectDefaultStore({...env, PATH: `relative-dir${delimiter}${env.PATH}`}, 'linux')).suffix, 'secretservice')
  })
})

describe('containsAuth: configfile.ContainsAuth on the parsed file', () => {
  const table: Array<[string, boolean]> = [
    ['', false],
    ['{}', false],
    ['{"auths": {}}', false],
    ['{"credsStore": ""}', false],
    ['{"credHelpers": {}}', false],
    ['{"psFormat": "table"}', false],
    ['{"auths": {"other.example": {}}}', true],
    ['{"credHelpers": {"other.example": "ecr-login"}}', true],
    ['{"credsStore": "desktop"}', true],
  ]
  for (const [text, expected] of table) {
    it(`${text || '(empty file)'} → ${expected}`, () => {
      const parsed = parseConfigText(text)
      assert.ok(parsed.ok)
      assert.equal(containsAuth(parsed.config), expected)
    })
  }
})

describe('resolveCredentials with docker\'s default store (the test helper as docker-credential-secretservice)', () => {
  let sb: Sandbox
  let env: NodeJS.ProcessEnv
  const PLACE = 'credsStore (docker\'s default) → docker-credential-secretservice'
  beforeEach(async () => {
    sb = await sandbox()
    const bin = join(sb.dir, 'bin')
    await mkdir(bin)
    await symlink(join(HELPERS_DIR, 'docker-credential-regprobe-test'), join(bin, 'docker-credential-secretservice'))
    env = {...sb.env, PATH: `${bin}${delimiter}${sb.env.PATH}`}
    await sb.storeInHelper({'registry.example.com': {Username: 'alice', Secret: 'fixture-default-store-pw'}})
  })
  afterEach(() => sb.cleanup())
  const resolve = (extra: NodeJS.ProcessEnv = {}, flags?: {username: string; password: string}): Promise<CredentialResolution> =>
    resolveCredentials({registry: EXAMPLE, env: {...env, ...extra}, homeDir: sb.home, ...(flags ? {flags} : {})})
  const row = (r: CredentialResolution) => r.rows.find((x) => x.place === PLACE)

  for (const [name, config] of [['no config file at all', undefined], ['{"auths": {}}', {auths: {}}], ['{"credsStore": ""}', {credsStore: ''}], ['a file that is not JSON', '{not json']] as const) {
    it(`${name}: docker's default store is used, and the row says why`, async () => {
      if (typeof config === 'string') {
        await mkdir(sb.dockerDir, {recursive: true})
        await writeFile(join(sb.dockerDir, 'config.json'), config)
      } else if (config) await sb.dockerConfig(config)
      const r = await resolve()
      assert.equal(r.winner, PLACE)
      assert.equal(r.credential?.kind === 'basic' && r.credential.password, 'fixture-default-store-pw')
      assert.match(row(r)!.reason, /docker's default store: config\.json names no credentials, and docker-credential-secretservice is on PATH \(pass is not on PATH\)/)
      assert.deepEqual((await sb.helperCalls()).map((c) => c.action), ['get'])
    })
  }

  for (const [name, config] of [['an auths entry for another registry', {auths: {'other.example': {}}}], ['credHelpers for another registry', {credHelpers: {'other.example': 'regprobe-test'}}], ['a credsStore', {credsStore: 'regprobe-test'}]] as const) {
    it(`${name}: no default store (ContainsAuth)`, async () => {
      await sb.dockerConfig(config)
      const r = await resolve()
      assert.equal(row(r), undefined)
      assert.ok(!r.rows.some((x) => x.place.includes('docker-credential-secretservice')))
    })
  }

  it('a failing default store: the helper failure as a warning with the fix that stops the detection; docker pull goes anonymously', async () => {
    const r = await resolve({REGPROBE_HELPER_MODE: 'exit'})
    assert.equal(r.credential, undefined)
    assert.equal(row(r)?.outcome, 'error')
    const f = r.findings.find((x) => x.code === 'credentials.helper.failed')
    assert.ok(f, JSON.stringify(r.findings))
    assert.equal(f.severity, 'warn')
    assert.equal(f.exitCode, undefined)
    assert.match(f.message, /docker login` cannot save a login here .*docker pull and run ignore the error and go anonymously/)
    assert.match(f.fix ?? '', /\{"auths": \{"registry\.example\.com": \{\}\}\}, then docker login registry\.example\.com \(an empty \{"auths": \{\}\} or \{"credsStore": ""\} is not enough\)/)
    assert.ok(!r.findings.some((x) => x.severity === 'error'))
    assert.match(r.findings.find((x) => x.code === 'credentials.none')?.fix ?? '', /^docker login registry\.example\.com cannot save a login here until the credential helper works/)
  })

  it('pass on PATH without docker-credential-pass: no default store, and the file row says why secretservice is not used', async () => {
    const passBin = join(sb.dir, 'pass-bin')
    await mkdir(passBin)
    await writeFile(join(passBin, 'pass'), '#!/bin/sh\nexit 0\n')
    await chmod(join(passBin, 'pass'), 0o755)
    const r = await resolve({PATH: `${passBin}${delimiter}${env.PATH}`})
    assert.equal(row(r), undefined)
    assert.equal(r.credential, undefined)
    assert.match(r.rows.find((x) => x.place.startsWith('~/.docker/config.json'))?.reason ?? '', /docker picks no default store: docker would pick docker-credential-pass \(pass is on PATH\), which is not on PATH/)
    assert.deepEqual(await sb.helperCalls(), [])
  })

  it('a default store that hangs stays an error: docker waits on its helper', async () => {
    const r = await resolveCredentials({registry: EXAMPLE, env: {...env, REGPROBE_HELPER_MODE: 'hang'}, homeDir: sb.home, helperTimeoutMs: 300})
    const f = r.findings.find((x) => x.code === 'credentials.helper.timeout')
    assert.equal(f?.severity, 'error', JSON.stringify(r.findings))
    assert.equal(row(r)?.outcome, 'error')
  })

  it('flags win: the default store is shown, not run', async () => {
    const r = await resolve({}, {username: 'bob', password: 'fixture-flag-pw'})
    assert.equal(r.winner, 'flags')
    assert.equal(row(r)?.outcome, 'not-looked')
    assert.deepEqual(await sb.helperCalls(), [])
  })

  it('DOCKER_CONFIG naming a folder without config.json: the warning says docker still reads its default store', async () => {
    const r = await resolve({DOCKER_CONFIG: join(sb.dir, 'empty-docker-config')})
    assert.equal(r.winner, PLACE)
    assert.match(r.findings.find((x) => x.code === 'credentials.config.missing')?.message ?? '', /reads credentials only from its default store, docker-credential-secretservice/)
  })
})
