import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'
import {findOnPath, runHelper} from '../../src/credentials/helper.js'
import {helperMessage, interpretGet, storePayload, type HelperRun} from '../../src/credentials/helper-protocol.js'
import {sandbox, type Sandbox} from './support.js'

const PROGRAM = 'docker-credential-regprobe-test'

describe('credential helper protocol against the test helper', () => {
  let sb: Sandbox
  before(async () => {
    sb = await sandbox()
    await sb.storeInHelper({'registry.example.com': {Username: 'alice', Secret: 'fixture-helper-pw'}, 'tok.example.com': {Username: '<token>', Secret: 'fixture-helper-refresh'}})
  })
  after(() => sb.cleanup())
  const get = (url: string, mode?: string, timeoutMs?: number) => runHelper(PROGRAM, 'get', url, {env: {...sb.env, ...(mode ? {REGPROBE_HELPER_MODE: mode} : {})}, timeoutMs})

  it('finds the helper on PATH', async () => assert.ok((await findOnPath(PROGRAM, sb.env))?.endsWith(PROGRAM)))
  it('refuses a helper name with a path separator', async () => assert.equal(await findOnPath('../helpers/x', sb.env), undefined))
  it('get: server URL on stdin, credentials on stdout', async () => {
    const run = await get('registry.example.com')
    assert.deepEqual(interpretGet(run), {kind: 'found', username: 'alice', secret: 'fixture-helper-pw', identityToken: false})
    const calls = await sb.helperCalls()
    assert.deepEqual(calls.at(-1), {action: 'get', stdin: 'registry.example.com'})
  })
  it('get: Username "<token>" is an identity token', async () => {
    assert.deepEqual(interpretGet(await get('tok.example.com')), {kind: 'found', username: '<token>', secret: 'fixture-helper-refresh', identityToken: true})
  })
  it('get: "credentials not found in native keychain" is not-found, not an error', async () => {
    const run = await get('nothing.example.com')
    assert.equal(run.exitCode, 1)
    assert.deepEqual(interpretGet(run), {kind: 'not-found'})
  })
  it('non-zero exit with another message is a failure quoting the helper', async () => {
    const r = interpretGet(await get('registry.example.com', 'exit'))
    assert.deepEqual(r, {kind: 'failed', message: 'error getting credentials: dbus: connection refused'})
  })
  it('non-JSON output is reported by size, never by content', async () => {
    const r = interpretGet(await get('registry.example.com', 'non-json'))
    assert.deepEqual(r, {kind: 'non-json', bytes: 'username=someone\n'.length})
  })
  it('an empty secret is empty', async () => assert.deepEqual(interpretGet(await get('registry.example.com', 'empty')), {kind: 'empty'}))
  it('a hanging helper is killed at the timeout', async () => {
    const started = Date.now()
    const run = await get('registry.example.com', 'hang', 400)
    assert.equal(run.timedOut, true)
    assert.ok(Date.now() - started < 3000)
    assert.deepEqual(interpretGet(run), {kind: 'timeout'})
  })
  it('a helper not on PATH is missing', async () => {
    const run = await runHelper('docker-credential-desktop', 'get', 'x', {env: sb.env})
    assert.equal(run.onPath, false)
    assert.deepEqual(interpretGet(run), {kind: 'missing'})
  })
  it('store then get then erase', async () => {
    const store = await runHelper(PROGRAM, 'store', storePayload('new.example.com', 'bob', 'fixture-stored-pw'), {env: sb.env})
    assert.equal(store.exitCode, 0)
    assert.deepEqual(interpretGet(await get('new.example.com')), {kind: 'found', username: 'bob', secret: 'fixture-stored-pw', identityToken: false})
    assert.equal((await runHelper(PROGRAM, 'erase', 'new.example.com', {env: sb.env})).exitCode, 0)
    assert.deepEqual(interpretGet(await get('new.example.com')), {kind: 'not-found'})
  })
  it('list maps server URLs to user names', async () => {
    const run = await runHelper(PROGRAM, 'list', '', {env: sb.env})
    assert.deepEqual(JSON.parse(run.stdout), {'registry.example.com': 'alice', 'tok.example.com': '<token>'})
  })
})

describe('interpretGet (pure)', () => {
  const run = (p: Partial<HelperRun>): HelperRun => ({program: 'p', onPath: true, stdout: '', stderr: '', timedOut: false, durationMs: 1, exitCode: 0, ...p})
  const cases: Array<[string, Partial<HelperRun>, ReturnType<typeof interpretGet>]> = [
    ['not-found text with surrounding white space', {exitCode: 1, stdout: '  credentials not found in native keychain\n'}, {kind: 'not-found'}],
    ['not-found text on stderr (lenient)', {exitCode: 1, stderr: 'credentials not found in native keychain'}, {kind: 'not-found'}],
    ['JSON array is not the protocol', {stdout: '[]'}, {kind: 'non-json', bytes: 2}],
    ['missing Secret is empty', {stdout: '{"ServerURL":"x","Username":"u"}'}, {kind: 'empty'}],
    ['a failure with no output names the exit code', {exitCode: 2}, {kind: 'failed', message: 'exit code 2'}],
    ['spawn error', {spawnError: 'EACCES', exitCode: null}, {kind: 'spawn-error', message: 'EACCES'}],
    ['a failed get that printed the credentials JSON is not quoted', {exitCode: 1, stdout: '{"ServerURL":"x","Username":"u","Secret":"topsecret-value-123"}'}, {kind: 'failed', message: 'it printed 63 bytes holding a "Secret" (not shown)'}],
    ['a failure\'s own words are quoted', {exitCode: 1, stdout: 'Cannot autolaunch D-Bus without X11 $DISPLAY'}, {kind: 'failed', message: 'Cannot autolaunch D-Bus without X11 $DISPLAY'}],
  ]
  for (const [name, p, want] of cases) it(name, () => assert.deepEqual(interpretGet(run(p)), want))
  it('a failed store that echoes the password it was given: the password is cut by value', () => {
    const said = helperMessage(run({exitCode: 1, stdout: 'could not store alice with s3cretpw-77 in the keyring'}), ['s3cretpw-77', ''])
    assert.equal(said, 'could not store alice with <redacted> in the keyring')
  })
  it('store payload carries an identity token as Username "<token>"', () => {
    assert.deepEqual(JSON.parse(storePayload('h', 'alice', undefined, 'tok')), {ServerURL: 'h', Username: '<token>', Secret: 'tok'})
  })
})
