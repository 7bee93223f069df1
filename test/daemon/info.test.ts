import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {parseDaemonInfo} from '../../src/daemon/info.js'
import {RegprobeError} from '../../src/errors.js'

/** Trimmed from the Debian 20.10 daemon's real /info on these machines. */
const MEASURED = {
  IndexServerAddress: 'https://index.docker.io/v1/',
  RegistryConfig: {
    AllowNondistributableArtifactsCIDRs: [], AllowNondistributableArtifactsHostnames: [],
    InsecureRegistryCIDRs: ['127.0.0.0/8'],
    IndexConfigs: {'docker.io': {Name: 'docker.io', Mirrors: [], Secure: true, Official: true}},
    Mirrors: [],
  },
  HttpProxy: '', HttpsProxy: '', NoProxy: '', Name: 'vm', ServerVersion: '20.10.24+dfsg1',
}

describe('parseDaemonInfo', () => {
  it('the measured 20.10 answer', () => {
    const i = parseDaemonInfo(MEASURED)
    assert.equal(i.indexServerAddress, 'https://index.docker.io/v1/')
    assert.deepEqual(i.insecureRegistryCIDRs, ['127.0.0.0/8'])
    assert.deepEqual(i.indexConfigs, {'docker.io': {Name: 'docker.io', Mirrors: [], Secure: true, Official: true}})
    assert.deepEqual(i.mirrors, [])
    assert.equal(i.httpProxy, undefined, 'an empty proxy string is no proxy')
    assert.equal(i.serverVersion, '20.10.24+dfsg1')
  })
  it('mirrors, insecure names and proxies', () => {
    const i = parseDaemonInfo({...MEASURED, HttpsProxy: 'http://p:3128', NoProxy: '.corp', RegistryConfig: {...MEASURED.RegistryConfig, Mirrors: ['https://m.corp/'],
      IndexConfigs: {...MEASURED.RegistryConfig.IndexConfigs, 'r.corp:5000': {Name: 'r.corp:5000', Mirrors: [], Secure: false, Official: false}}}})
    assert.deepEqual(i.mirrors, ['https://m.corp/'])
    assert.equal(i.indexConfigs['r.corp:5000']?.Secure, false)
    assert.equal(i.httpsProxy, 'http://p:3128')
    assert.equal(i.noProxy, '.corp')
  })
  it('a proxy password the daemon did not mask is masked here, in raw too', () => {
    const i = parseDaemonInfo({...MEASURED, HttpsProxy: 'http://u:hunter22@p:3128', HttpProxy: 'u:hunter22@p:3128'})
    assert.equal(i.httpsProxy, 'http://u:xxxxx@p:3128')
    assert.equal(i.httpProxy, 'u:xxxxx@p:3128')
    assert.ok(!JSON.stringify(i).includes('hunter22'))
  })
  it('an old daemon without RegistryConfig: empty lists, not a crash', () => {
    const i = parseDaemonInfo({ServerVersion: '1.13.1'})
    assert.deepEqual([i.insecureRegistryCIDRs, i.indexConfigs, i.mirrors], [[], {}, []])
  })
  it('wrong types inside are dropped', () => {
    const i = parseDaemonInfo({RegistryConfig: {InsecureRegistryCIDRs: ['10.0.0.0/8', 5, null, ''], IndexConfigs: {a: 'x', b: {Secure: 'no'}}, Mirrors: 'https://m'}})
    assert.deepEqual(i.insecureRegistryCIDRs, ['10.0.0.0/8'])
    assert.deepEqual(Object.keys(i.indexConfigs), ['b'])
    assert.equal(i.indexConfigs.b?.Name, 'b')
    assert.equal(i.indexConfigs.b?.Secure, true, 'only an explicit false makes a registry insecure')
    assert.deepEqual(i.mirrors, [])
  })
  for (const [name, raw] of [['null', null], ['an array', []], ['a string', 'OK']] as const) {
    it(`${name} is not a daemon's answer`, () => {
      assert.throws(() => parseDaemonInfo(raw), (e: unknown) => e instanceof RegprobeError && e.code === 'daemon.bad-response' && e.exitCode === 5)
    })
  }
})
