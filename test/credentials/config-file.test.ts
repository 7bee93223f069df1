import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {decodeAuth, encodeAuth, jsonErrorWithoutContent, parseConfigText} from '../../src/credentials/config-file.js'
import {fixtureText} from './support.js'

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64')

describe('decodeAuth (docker/cli decodeAuth)', () => {
  const cases: Array<[string, string, ReturnType<typeof decodeAuth>]> = [
    ['user and password', b64('alice:pw'), {ok: true, username: 'alice', password: 'pw'}],
    ['splits on the first colon only', b64('alice:pa:ss'), {ok: true, username: 'alice', password: 'pa:ss'}],
    ['trims NUL bytes from the password', b64('alice:pw\0\0'), {ok: true, username: 'alice', password: 'pw'}],
    ['empty password is allowed (identity-token entries)', b64('alice:'), {ok: true, username: 'alice', password: ''}],
    ['no colon is invalid', b64('alicepw'), {ok: false, reason: 'no-colon'}],
    ['empty user name is invalid', b64(':pw'), {ok: false, reason: 'empty-username'}],
    ['not base64', 'not base64!', {ok: false, reason: 'not-base64'}],
    ['unpadded base64 fails as in Go StdEncoding', b64('alice:pw').replace(/=+$/, ''), {ok: false, reason: 'not-base64'}],
    ['UTF-8 password', b64('alice:pässwörd'), {ok: true, username: 'alice', password: 'pässwörd'}],
  ]
  for (const [name, input, want] of cases) it(name, () => assert.deepEqual(decodeAuth(input), want))
  it('encodeAuth round-trips', () => assert.deepEqual(decodeAuth(encodeAuth('bob', 'x:y')), {ok: true, username: 'bob', password: 'x:y'}))
})

describe('parseConfigText', () => {
  it('empty text is an empty config, as docker treats EOF', () => {
    const r = parseConfigText('  \n')
    assert.ok(r.ok)
    assert.deepEqual(r.config.auths, [])
  })
  it('malformed JSON is an error without file content', async () => {
    const text = await fixtureText('malformed.json')
    const r = parseConfigText(text)
    assert.equal(r.ok, false)
    if (!r.ok) {
      assert.match(r.error, /not valid JSON/)
      assert.ok(!r.error.includes('YWxpY2U'), 'no part of the auth value in the message')
    }
  })
  it('V8 messages that quote input are replaced', () => {
    const msg = jsonErrorWithoutContent('{"auths": x supersecret}', 'Unexpected token \'x\', ..."{"auths": x supersecr"... is not valid JSON')
    assert.ok(!msg.includes('supersecr'))
    assert.equal(jsonErrorWithoutContent('{\n ,}', 'Expected property name or \'}\' in JSON at position 3'), 'not valid JSON at line 2 column 2')
  })
  it('a top level that is not an object is an error', () => {
    assert.equal(parseConfigText('[1,2]').ok, false)
    assert.equal(parseConfigText('"auths"').ok, false)
  })
  it('matches field names case-insensitively, as Go does', () => {
    const r = parseConfigText(JSON.stringify({Auths: {h: {Auth: b64('a:b'), IdentityToken: 't'}}, CredsStore: 'x', CREDHELPERS: {h: 'y'}}))
    assert.ok(r.ok)
    assert.equal(r.config.credsStore, 'x')
    assert.deepEqual(r.config.credHelpers, [{key: 'h', helper: 'y'}])
    assert.equal(r.config.auths[0]!.auth, b64('a:b'))
    assert.equal(r.config.auths[0]!.identitytoken, 't')
    assert.deepEqual(r.config.unknownKeys, [])
  })
  it('reports wrong types and keeps the rest', async () => {
    const r = parseConfigText(await fixtureText('wrong-types.json'))
    assert.ok(r.ok)
    assert.deepEqual(r.config.problems.map((p) => p.field).sort(), ['auths["registry.example.com"].auth', 'credsStore'])
    assert.equal(r.config.credsStore, undefined)
    assert.equal(r.config.auths[0]!.auth, undefined)
  })
  it('lists unknown keys; "credSstore" is not one, since Go folds case', async () => {
    const r = parseConfigText(await fixtureText('misspelled-keys.json'))
    assert.ok(r.ok)
    assert.deepEqual(r.config.unknownKeys, ['credHelper', 'auth'])
    assert.deepEqual(r.config.caseVariants, [{written: 'credSstore', canonical: 'credsStore'}])
    assert.equal(r.config.credsStore, 'regprobe-test')
  })
  it('an auths entry that is not an object is a problem', () => {
    const r = parseConfigText('{"auths":{"h":"c2VjcmV0"}}')
    assert.ok(r.ok)
    assert.equal(r.config.problems[0]!.kind, 'not-an-object')
    assert.equal(r.config.auths.length, 0)
  })
})
