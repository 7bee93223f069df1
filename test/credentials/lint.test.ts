import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {parseConfigText} from '../../src/credentials/config-file.js'
import {closestCredentialKey, editDistance, lintConfig} from '../../src/credentials/lint.js'
import {fixtureText} from './support.js'

async function lint(fixture: string) {
  const r = parseConfigText(await fixtureText(fixture))
  assert.ok(r.ok)
  return lintConfig(r.config, 'config.json')
}

describe('lintConfig', () => {
  it('names the key each typo was meant to be', async () => {
    const f = (await lint('misspelled-keys.json')).filter((x) => x.code === 'credentials.config.misspelled-key')
    assert.deepEqual(f.map((x) => x.evidence), ['credHelper', 'auth'])
    assert.match(f[0]!.message, /"credHelpers"/)
    assert.match(f[1]!.message, /"auths"/)
  })
  it('notes a case variant docker accepts but case-sensitive readers miss', async () => {
    const f = (await lint('misspelled-keys.json')).filter((x) => x.code === 'credentials.config.key-case')
    assert.deepEqual(f.map((x) => [x.evidence, x.severity]), [['credSstore', 'info']])
  })
  it('flags wildcard credHelpers keys', async () => {
    const f = await lint('wildcard-cred-helpers.json')
    assert.deepEqual(f.map((x) => x.code), ['credentials.cred-helpers.wildcard'])
  })
  it('flags the legacy .dockercfg shape', async () => {
    assert.ok((await lint('legacy-dockercfg-shape.json')).some((x) => x.code === 'credentials.config.legacy-format'))
  })
  it('flags wrong types', async () => {
    assert.equal((await lint('wrong-types.json')).filter((x) => x.code === 'credentials.config.wrong-type').length, 2)
  })
  it('flags a helper written with its prefix', () => {
    const r = parseConfigText('{"credsStore":"docker-credential-desktop"}')
    assert.ok(r.ok)
    assert.deepEqual(lintConfig(r.config, 'x').map((f) => f.code), ['credentials.helper.prefixed-name'])
  })
  it('flags misspelled entry fields', () => {
    const r = parseConfigText('{"auths":{"h":{"identity_token":"t"}}}')
    assert.ok(r.ok)
    assert.deepEqual(lintConfig(r.config, 'x').map((f) => f.code), ['credentials.config.misspelled-field'])
  })
  it('says nothing about a clean file with other settings', async () => {
    assert.deepEqual(await lint('other-fields.json'), [])
  })
})

describe('closestCredentialKey', () => {
  const cases: Array<[string, string | undefined]> = [
    ['credStore', 'credsStore'], ['credSstore', 'credsStore'], ['credentialsStore', 'credsStore'], ['credHelper', 'credHelpers'],
    ['auhts', 'auths'], ['auth', 'auths'], ['psFormat', undefined], ['proxies', undefined], ['aliases', undefined],
  ]
  for (const [key, want] of cases) it(`${key} → ${want}`, () => assert.equal(closestCredentialKey(key), want))
  it('counts an adjacent swap as one edit', () => assert.equal(editDistance('auhts', 'auths'), 1))
})
