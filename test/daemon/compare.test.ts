import assert from 'node:assert/strict'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {compareDaemonWithShell, type RegistryFacts} from '../../src/daemon/compare.js'
import {daemonProxyFor} from '../../src/daemon/daemon-proxy.js'
import type {DaemonInfo} from '../../src/daemon/info.js'
import {daemonSecurity} from '../../src/daemon/secure-index.js'

/** What Debian's 20.10 daemon reports with no daemon.json (measured: only 127.0.0.0/8, no ::1). */
function info(over: Partial<DaemonInfo> = {}): DaemonInfo {
  return {
    indexServerAddress: 'https://index.docker.io/v1/',
    insecureRegistryCIDRs: ['127.0.0.0/8'],
    indexConfigs: {'docker.io': {Name: 'docker.io', Mirrors: [], Secure: true, Official: true}},
    mirrors: [],
    serverVersion: '20.10.24+dfsg1',
    ...over,
  }
}
const insecureIndex = (name: string) => ({[name]: {Name: name, Mirrors: [], Secure: false, Official: false}})

describe('compareDaemonWithShell', () => {
  let certs: string
  before(() => {
    certs = mkdtempSync(join(tmpdir(), 'rp-certsd-'))
    mkdirSync(join(certs, 'registry.corp:5000'))
    writeFileSync(join(certs, 'registry.corp:5000', 'ca.crt'), 'pem')
    mkdirSync(join(certs, 'clientonly.corp'))
    writeFileSync(join(certs, 'clientonly.corp', 'client.cert'), 'pem')
    writeFileSync(join(certs, 'clientonly.corp', 'client.key'), 'pem')
    mkdirSync(join(certs, '[::1]:5444'))
    writeFileSync(join(certs, '[::1]:5444', 'my-ca.crt'), 'pem')
  })
  after(() => rmSync(certs, {recursive: true, force: true}))

  const cases: Array<{name: string; info: DaemonInfo; env?: NodeJS.ProcessEnv; registry?: RegistryFacts; expect: Array<[string, string]>; message?: RegExp}> = [
    // Proxies, no registry: any difference in settings is a warning.
    {name: 'same daemon and shell, no proxies: nothing to say', info: info(), expect: []},
    {name: 'HTTPS_PROXY only in the shell', info: info(), env: {HTTPS_PROXY: 'http://proxy.corp:3128'}, expect: [['daemon.proxy.shell-only', 'warn']], message: /not in the daemon/},
    {name: 'lower-case https_proxy counts the same', info: info(), env: {https_proxy: 'http://proxy.corp:3128'}, expect: [['daemon.proxy.shell-only', 'warn']]},
    {name: 'proxy only in the daemon', info: info({httpsProxy: 'http://proxy.corp:3128'}), expect: [['daemon.proxy.daemon-only', 'warn']]},
    {name: 'both HTTP_PROXY and HTTPS_PROXY only in the daemon: one finding each', info: info({httpsProxy: 'http://p:1', httpProxy: 'http://p:1'}), expect: [['daemon.proxy.daemon-only', 'warn'], ['daemon.proxy.daemon-only', 'warn']]},
    {name: 'different proxies', info: info({httpsProxy: 'http://a.corp:3128'}), env: {HTTPS_PROXY: 'http://b.corp:3128'}, expect: [['daemon.proxy.different', 'warn']]},
    {name: 'the daemon\'s masked password does not make the same proxy "different"', info: info({httpsProxy: 'http://u:xxxxx@p.corp:3128'}), env: {HTTPS_PROXY: 'http://u:real-secret@p.corp:3128'}, expect: []},
    {name: 'scheme-less shell proxy equals the daemon\'s http:// one', info: info({httpsProxy: 'http://p.corp:3128'}), env: {HTTPS_PROXY: 'p.corp:3128'}, expect: []},
    {name: 'an empty proxy variable is no proxy', info: info(), env: {HTTPS_PROXY: ''}, expect: []},
    // Proxies with a registry: the route to that registry decides; other differences are a note.
    // regprobe applies Go's rules too (src/http/proxy.ts): neither side proxies loopback, so there is nothing to say.
    {name: 'registry on loopback: neither the daemon nor this shell (Go\'s rules) proxies it', info: info({httpsProxy: 'http://p.corp:3128'}), env: {HTTPS_PROXY: 'http://p.corp:3128'},
      registry: {host: '127.0.0.1:5000', hostname: '127.0.0.1'}, expect: []},
    {name: 'registry in the daemon\'s NO_PROXY but proxied by the shell', info: info({httpsProxy: 'http://p.corp:3128', noProxy: '.corp'}), env: {HTTPS_PROXY: 'http://p.corp:3128'},
      registry: {host: 'registry.corp:5000', hostname: 'registry.corp'}, expect: [['daemon.proxy.shell-only', 'warn']], message: /NO_PROXY entry "\.corp"/},
    {name: 'registry proxied by the daemon, shell direct via its NO_PROXY', info: info({httpsProxy: 'http://p.corp:3128'}), env: {HTTPS_PROXY: 'http://p.corp:3128', NO_PROXY: 'registry.corp'},
      registry: {host: 'registry.corp:5000', hostname: 'registry.corp'}, expect: [['daemon.proxy.daemon-only', 'warn']], message: /NO_PROXY entry "registry\.corp" here/},
    {name: 'same route for the registry: the settings difference is only a note', info: info({httpProxy: 'http://p.corp:3128'}),
      registry: {host: 'registry.corp:5000', hostname: 'registry.corp'}, expect: [['daemon.proxy.daemon-only', 'info']]},
    {name: 'plain-HTTP registry follows HTTP_PROXY, not HTTPS_PROXY', info: info({httpProxy: 'http://p.corp:3128', insecureRegistryCIDRs: [], indexConfigs: insecureIndex('registry.corp:5000')}),
      registry: {host: 'registry.corp:5000', hostname: 'registry.corp', speaksPlainHttp: true}, expect: [['daemon.proxy.daemon-only', 'warn']]},
    // Insecure registries.
    {name: 'plain HTTP on an IP outside every insecure range: docker will fail', info: info(),
      registry: {host: '10.1.2.3:5000', hostname: '10.1.2.3', speaksPlainHttp: true}, expect: [['daemon.insecure.missing', 'error']], message: /server gave HTTP response to HTTPS client/},
    {name: 'plain HTTP on 127.0.0.1: inside 127.0.0.0/8, fine', info: info(), registry: {host: '127.0.0.1:5000', hostname: '127.0.0.1', speaksPlainHttp: true}, expect: []},
    {name: 'plain HTTP on localhost: resolves into 127.0.0.0/8, fine', info: info(), registry: {host: 'localhost:5000', hostname: 'localhost', speaksPlainHttp: true}, expect: []},
    {name: 'plain HTTP on [::1] with 20.10\'s defaults: ::1 is not in the list', info: info(),
      registry: {host: '[::1]:5000', hostname: '[::1]', speaksPlainHttp: true}, expect: [['daemon.insecure.missing', 'error']]},
    {name: 'plain HTTP on a name listed in insecure-registries', info: info({indexConfigs: insecureIndex('registry.corp:5000')}),
      registry: {host: 'registry.corp:5000', hostname: 'registry.corp', speaksPlainHttp: true}, expect: []},
    {name: 'listed with another port: the listing does not cover it', info: info({indexConfigs: insecureIndex('registry.corp:5000')}),
      registry: {host: 'registry.corp:6000', hostname: 'registry.corp', speaksPlainHttp: true, addresses: ['10.9.9.9']}, expect: [['daemon.insecure.missing', 'error']]},
    {name: 'plain HTTP on a name whose addresses fall in an insecure CIDR', info: info({insecureRegistryCIDRs: ['127.0.0.0/8', '10.0.0.0/8']}),
      registry: {host: 'registry.corp:5000', hostname: 'registry.corp', speaksPlainHttp: true, addresses: ['10.1.2.3']}, expect: []},
    {name: 'plain HTTP on an unresolved name: only a warning, it might resolve into a CIDR', info: info(),
      registry: {host: 'registry.corp:5000', hostname: 'registry.corp', speaksPlainHttp: true}, expect: [['daemon.insecure.missing', 'warn']], message: /unless registry\.corp resolves into 127\.0\.0\.0\/8/},
    {name: 'a malformed CIDR from the daemon is ignored, not a crash', info: info({insecureRegistryCIDRs: ['not-a-cidr', '10.0.0.0/99']}),
      registry: {host: '10.1.2.3:5000', hostname: '10.1.2.3', speaksPlainHttp: true}, expect: [['daemon.insecure.missing', 'error']]},
    // Custom CAs.
    {name: 'custom CA with a ca.crt under certs.d/<host:port>/: fine', info: info(), registry: {host: 'registry.corp:5000', hostname: 'registry.corp', usesCustomCa: true, addresses: ['10.1.1.1']}, expect: []},
    {name: 'custom CA with nothing under certs.d: docker will say x509 unknown authority', info: info(),
      registry: {host: 'other.corp:5000', hostname: 'other.corp', usesCustomCa: true, addresses: ['10.1.1.1']}, expect: [['daemon.ca.missing', 'error']], message: /x509: certificate signed by unknown authority/},
    {name: 'certs.d/<host>/ with only a client pair is not a CA', info: info(), registry: {host: 'clientonly.corp', hostname: 'clientonly.corp', usesCustomCa: true, addresses: ['10.1.1.1']}, expect: [['daemon.ca.missing', 'error']]},
    {name: 'certs.d is keyed by host:port, so host alone does not match', info: info(), registry: {host: 'registry.corp', hostname: 'registry.corp', usesCustomCa: true, addresses: ['10.1.1.1']}, expect: [['daemon.ca.missing', 'error']]},
    {name: 'any *.crt name counts, IPv6 directory in brackets', info: info(), registry: {host: '[::1]:5444', hostname: '::1', usesCustomCa: true}, expect: []},
    {name: 'custom CA on 127.0.0.1: the daemon does not verify it at all (measured: docker login succeeds)', info: info(),
      registry: {host: '127.0.0.1:5443', hostname: '127.0.0.1', usesCustomCa: true}, expect: [['daemon.ca.not-verified', 'info']], message: /127\.0\.0\.0\/8/},
    {name: 'custom CA on a listed insecure registry: not verified either', info: info({indexConfigs: insecureIndex('registry.corp:5000')}),
      registry: {host: 'registry.corp:5000', hostname: 'registry.corp', usesCustomCa: true}, expect: [['daemon.ca.not-verified', 'info']], message: /insecure-registries/},
    // Mirrors.
    {name: 'Docker Hub with a mirror: a note that pulls go there', info: info({mirrors: ['https://mirror.corp/']}), registry: {host: 'docker.io', hostname: 'docker.io'}, expect: [['daemon.mirror.configured', 'info']]},
    {name: 'a mirror does not concern other registries', info: info({mirrors: ['https://mirror.corp/']}), registry: {host: 'ghcr.io', hostname: 'ghcr.io', addresses: ['140.82.1.1']}, expect: []},
  ]
  for (const c of cases) {
    it(c.name, () => {
      const findings = compareDaemonWithShell(c.info, c.env ?? {}, c.registry, certs)
      assert.deepEqual(findings.map((f) => [f.code, f.severity]), c.expect)
      for (const f of findings) {
        assert.ok(f.message.length > 10)
        if (f.severity !== 'info') assert.ok(f.fix, `${f.code} needs a fix`)
      }
      if (c.message) assert.match(findings.map((f) => f.message).join('\n'), c.message)
    })
  }

  it('never prints the shell\'s proxy password', () => {
    const findings = compareDaemonWithShell(info({httpsProxy: 'http://a.corp:1'}), {HTTPS_PROXY: 'http://u:Sup3rSecret@b.corp:2'})
    assert.equal(findings.length, 1)
    assert.ok(!JSON.stringify(findings).includes('Sup3rSecret'))
    const viaRegistry = compareDaemonWithShell(info(), {HTTPS_PROXY: 'http://u:Sup3rSecret@b.corp:2'}, {host: 'r.corp', hostname: 'r.corp', addresses: ['10.0.0.1']})
    assert.equal(viaRegistry.length, 1)
    assert.ok(!JSON.stringify(viaRegistry).includes('Sup3rSecret'))
  })

  it('the default certs.d root is /etc/docker/certs.d (named in the fix)', () => {
    const [f] = compareDaemonWithShell(info(), {}, {host: 'nowhere.invalid:5000', hostname: 'nowhere.invalid', usesCustomCa: true, addresses: ['192.0.2.1']}, join(certs, 'missing-root'))
    assert.equal(f?.code, 'daemon.ca.missing')
    assert.match(f!.fix!, /nowhere\.invalid:5000/)
  })
})

describe('daemonProxyFor (Go\'s rules, not curl\'s)', () => {
  const p = {httpsProxy: 'http://p:3128', httpProxy: 'http://hp:3128'}
  const cases: Array<{name: string; url: string; noProxy?: string; expect: ReturnType<typeof daemonProxyFor>}> = [
    {name: 'https uses HTTPS_PROXY', url: 'https://r.corp/v2/', expect: {proxy: 'http://p:3128'}},
    {name: 'http uses HTTP_PROXY', url: 'http://r.corp/v2/', expect: {proxy: 'http://hp:3128'}},
    {name: 'localhost is never proxied', url: 'https://localhost:5000/v2/', expect: {bypass: 'loopback'}},
    {name: 'any 127.x address is loopback', url: 'https://127.1.2.3/v2/', expect: {bypass: 'loopback'}},
    {name: '[::1] is loopback', url: 'https://[::1]:5000/v2/', expect: {bypass: 'loopback'}},
    {name: 'a bare domain covers its subdomains', url: 'https://a.b.corp/v2/', noProxy: 'corp', expect: {bypass: {noProxy: 'corp'}}},
    {name: 'a leading dot covers subdomains only', url: 'https://corp/v2/', noProxy: '.corp', expect: {proxy: 'http://p:3128'}},
    {name: '*.domain works like .domain', url: 'https://r.corp/v2/', noProxy: '*.corp', expect: {bypass: {noProxy: '*.corp'}}},
    {name: 'a CIDR covers IP hosts', url: 'https://10.1.2.3:5000/v2/', noProxy: '10.0.0.0/8', expect: {bypass: {noProxy: '10.0.0.0/8'}}},
    {name: 'a port-specific entry needs the same port', url: 'https://r.corp:5000/v2/', noProxy: 'r.corp:6000', expect: {proxy: 'http://p:3128'}},
    {name: 'the same port matches', url: 'https://r.corp:5000/v2/', noProxy: 'r.corp:5000', expect: {bypass: {noProxy: 'r.corp:5000'}}},
    {name: '* bypasses everything', url: 'https://r.corp/v2/', noProxy: '*', expect: {bypass: {noProxy: '*'}}},
    {name: 'a suffix inside a name is not a domain match', url: 'https://notcorp/v2/', noProxy: 'corp', expect: {proxy: 'http://p:3128'}},
    {name: 'garbage entries are skipped', url: 'https://r.corp/v2/', noProxy: ' , /, 1.2.3.4/xx ,', expect: {proxy: 'http://p:3128'}},
  ]
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(daemonProxyFor(c.url, {...p, noProxy: c.noProxy}), c.expect))
  }
  it('no proxy set: direct, nothing to explain', () => assert.deepEqual(daemonProxyFor('https://r.corp/v2/', {}), {}))
})

describe('daemonSecurity (moby isSecureIndex)', () => {
  const cases: Array<{name: string; info: DaemonInfo; host: string; hostname: string; addresses?: string[]; expect: ReturnType<typeof daemonSecurity>}> = [
    {name: 'an IndexConfigs entry wins over CIDRs', info: info({indexConfigs: {'127.0.0.1:5000': {Name: '127.0.0.1:5000', Mirrors: [], Secure: true, Official: false}}}), host: '127.0.0.1:5000', hostname: '127.0.0.1', expect: {insecure: false, basis: 'index', match: '127.0.0.1:5000'}},
    {name: 'an IPv4 literal in 127.0.0.0/8', info: info(), host: '127.0.0.1:5000', hostname: '127.0.0.1', expect: {insecure: true, basis: 'cidr', match: '127.0.0.0/8'}},
    {name: 'an IPv6 CIDR', info: info({insecureRegistryCIDRs: ['::1/128']}), host: '[::1]:5000', hostname: '[::1]', expect: {insecure: true, basis: 'cidr', match: '::1/128'}},
    {name: 'a resolved name outside the CIDRs', info: info(), host: 'r.corp', hostname: 'r.corp', addresses: ['10.0.0.1'], expect: {insecure: false, basis: 'default'}},
    {name: 'an unresolved name', info: info(), host: 'r.corp', hostname: 'r.corp', expect: {insecure: false, basis: 'unresolved'}},
    {name: 'an unresolved name with no CIDRs at all: certainly secure', info: info({insecureRegistryCIDRs: []}), host: 'r.corp', hostname: 'r.corp', expect: {insecure: false, basis: 'default'}},
  ]
  for (const c of cases) it(c.name, () => assert.deepEqual(daemonSecurity(c.info, c.host, c.hostname, c.addresses), c.expect))
})
