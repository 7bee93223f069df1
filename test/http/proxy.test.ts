// proxyFor against golang.org/x/net/http/httpproxy's own table tests (proxy_test.go: proxyForURLTests, UseProxyTests,
// TestInvalidNoProxy, TestAllNoProxy, TestFromEnvironment*), the rules docker, skopeo and containerd apply.
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {proxyFor} from '../../src/http/proxy.js'

/** Go's answer for a request: the proxy URL, or '<nil>' for a direct connection. */
function goAnswer(env: NodeJS.ProcessEnv, req = 'http://example.com'): string {
  const c = proxyFor(req, env)
  return c.proxyUrl ?? '<nil>'
}

describe('proxyFor: Go\'s proxyForURLTests', () => {
  const cases: Array<[NodeJS.ProcessEnv, string | undefined, string]> = [
    [{HTTP_PROXY: '127.0.0.1:8080'}, undefined, 'http://127.0.0.1:8080'],
    [{HTTP_PROXY: 'cache.corp.example.com:1234'}, undefined, 'http://cache.corp.example.com:1234'],
    [{HTTP_PROXY: 'cache.corp.example.com'}, undefined, 'http://cache.corp.example.com'],
    [{HTTP_PROXY: 'localhost'}, undefined, 'http://localhost'],
    [{HTTP_PROXY: 'https://cache.corp.example.com'}, undefined, 'https://cache.corp.example.com'],
    [{HTTP_PROXY: 'http://127.0.0.1:8080'}, undefined, 'http://127.0.0.1:8080'],
    [{HTTP_PROXY: 'https://127.0.0.1:8080'}, undefined, 'https://127.0.0.1:8080'],
    [{HTTP_PROXY: 'socks5://127.0.0.1'}, undefined, 'socks5://127.0.0.1'],
    [{HTTP_PROXY: 'http.proxy.tld', HTTPS_PROXY: 'secure.proxy.tld'}, 'http://insecure.tld/', 'http://http.proxy.tld'],
    [{HTTP_PROXY: 'http.proxy.tld', HTTPS_PROXY: 'secure.proxy.tld'}, 'https://secure.tld/', 'http://secure.proxy.tld'],
    [{HTTP_PROXY: 'http.proxy.tld', HTTPS_PROXY: 'https://secure.proxy.tld'}, 'https://secure.tld/', 'https://secure.proxy.tld'],
    [{HTTP_PROXY: 'http.proxy.tld'}, 'https://secure.tld/', '<nil>'],
    [{HTTP_PROXY: 'http.proxy.tld'}, 'ftp://insecure.tld/', '<nil>'],
    [{}, undefined, '<nil>'],
    [{NO_PROXY: 'example.com', HTTP_PROXY: 'proxy'}, 'http://example.com/', '<nil>'],
    [{NO_PROXY: '.example.com', HTTP_PROXY: 'proxy'}, 'http://example.com/', 'http://proxy'],
    [{NO_PROXY: 'ample.com', HTTP_PROXY: 'proxy'}, 'http://example.com/', 'http://proxy'],
    [{NO_PROXY: 'example.com', HTTP_PROXY: 'proxy'}, 'http://foo.example.com/', '<nil>'],
    [{NO_PROXY: '.foo.com', HTTP_PROXY: 'proxy'}, 'http://example.com/', 'http://proxy'],
    [{NO_PROXY: '.示例.com', HTTP_PROXY: 'proxy'}, 'http://www.示例.com', '<nil>'],
    [{NO_PROXY: 'xn--fsq092h.com', HTTP_PROXY: 'proxy'}, 'http://www.示例.com', '<nil>'],
    [{NO_PROXY: '示例.com', HTTP_PROXY: 'proxy'}, 'http://www.xn--fsq092h.com', '<nil>'],
  ]
  for (const [env, req, want] of cases) {
    it(`${JSON.stringify(env)} ${req ?? 'http://example.com'} → ${want}`, () => {
      // Go's own strings have no trailing slash; the URL is compared as written.
      assert.equal(goAnswer(env, req).replace(/\/$/, ''), want)
    })
  }
})

describe('proxyFor: Go\'s UseProxyTests (NO_PROXY forms, loopback)', () => {
  const noProxy = 'foobar.com, .barbaz.net, *.wildcard.io, 192.168.1.1, 192.168.1.2:81, 192.168.1.3:80, 10.0.0.0/30, 2001:db8::52:0:1, [2001:db8::52:0:2]:443, [2001:db8::52:0:3]:80, 2002:db8:a::45/64'
  const useProxy: Array<[string, boolean]> = [
    ['localhost', false], ['127.0.0.1', false], ['127.0.0.2', false], ['[::1]', false], ['[::2]', true],
    ['192.168.1.1', false], ['192.168.1.2', true], ['192.168.1.3', false], ['192.168.1.4', true], ['10.0.0.2', false],
    ['[2001:db8::52:0:1]', false], ['[2001:db8::52:0:2]', true], ['[2001:db8::52:0:3]', false], ['[2002:db8:a::123]', false],
    ['[fe80::424b:c8be:1643:a1b6]', true],
    ['barbaz.net', true], ['www.barbaz.net', false], ['foobar.com', false], ['www.foobar.com', false], ['foofoobar.com', true],
    ['baz.com', true], ['localhost.net', true], ['local.localhost', true], ['barbarbaz.net', true], ['wildcard.io', true],
    ['nested.wildcard.io', false], ['awildcard.io', true],
  ]
  for (const [host, proxied] of useProxy) {
    it(`${host}:80 ${proxied ? 'goes through the proxy' : 'goes direct'}`, () => {
      const c = proxyFor(`http://${host}:80/`, {HTTP_PROXY: 'http://proxy.example:3128', NO_PROXY: noProxy})
      assert.equal(c.proxyUrl !== undefined, proxied, JSON.stringify(c))
      if (!proxied && !['localhost', '127.0.0.1', '127.0.0.2', '[::1]'].includes(host)) assert.ok(c.noProxyMatch, 'the entry that matched is named')
      if (['localhost', '127.0.0.1', '127.0.0.2', '[::1]'].includes(host)) assert.equal(c.loopback, true)
      // TestAllNoProxy: '*' sends everything direct.
      assert.equal(proxyFor(`http://${host}:80/`, {HTTP_PROXY: 'http://proxy.example:3128', NO_PROXY: '*'}).proxyUrl, undefined)
    })
  }
  it('a socks proxy\'s password is redacted before Go\'s http:// retry puts it in a path', () => {
    for (const scheme of ['socks5h', 'socks4']) {
      const c = proxyFor('https://registry.example/v2/', {HTTPS_PROXY: `${scheme}://alice:Pw0rdSecret@p.corp:1080`})
      assert.ok(c.proxy && !c.proxy.url.includes('Pw0rdSecret'), JSON.stringify(c.proxy))
      assert.ok(c.proxyUrl?.includes('Pw0rdSecret'), 'the URL the transport dials keeps it')
    }
  })
  it('an IPv4-mapped loopback address goes direct, as Go\'s net.IP.IsLoopback says (::ffff:127.0.0.1)', () => {
    for (const host of ['[::ffff:127.0.0.1]', '[::ffff:7f00:2]']) {
      const c = proxyFor(`http://${host}:5000/v2/`, {HTTP_PROXY: 'http://proxy.example:3128'})
      assert.equal(c.proxyUrl, undefined, host)
      assert.equal(c.loopback, true, host)
    }
  })
  it('an invalid NO_PROXY entry (":1") is ignored, not a crash (TestInvalidNoProxy)', () => {
    assert.equal(proxyFor('http://example.com:80/', {HTTP_PROXY: 'proxy', NO_PROXY: ':1'}).proxyUrl, 'http://proxy')
  })
  it('the NO_PROXY entry that matched is reported with its variable', () => {
    assert.deepEqual(proxyFor('https://registry.corp.example/v2/', {HTTPS_PROXY: 'proxy:3128', no_proxy: 'corp.example'}).noProxyMatch, {entry: 'corp.example', from: 'no_proxy'})
  })
})

describe('proxyFor: which variable (Go reads upper case first: getEnvAny("HTTP_PROXY", "http_proxy"))', () => {
  it('HTTPS_PROXY before https_proxy, HTTP_PROXY before http_proxy, NO_PROXY before no_proxy', () => {
    const env = {HTTPS_PROXY: 'upper:1', https_proxy: 'lower:2', HTTP_PROXY: 'upper:3', http_proxy: 'lower:4'}
    assert.deepEqual(proxyFor('https://r.example/', env).proxy, {url: 'http://upper:1/', from: 'HTTPS_PROXY'})
    assert.deepEqual(proxyFor('http://r.example/', env).proxy, {url: 'http://upper:3/', from: 'HTTP_PROXY'})
    assert.equal(proxyFor('https://r.example/', {https_proxy: 'lower:2'}).proxy?.from, 'https_proxy')
    assert.equal(proxyFor('https://r.example/', {HTTPS_PROXY: 'p:1', NO_PROXY: 'other.example', no_proxy: 'r.example'}).proxyUrl, 'http://p:1')
  })
  it('HTTPS requests never use HTTP_PROXY, and an empty variable counts as unset', () => {
    assert.equal(proxyFor('https://r.example/', {HTTP_PROXY: 'p:1'}).proxyUrl, undefined)
    assert.equal(proxyFor('https://r.example/', {HTTPS_PROXY: '', https_proxy: 'p:2'}).proxyUrl, 'http://p:2')
  })
  it('a proxy password never reaches the displayed URL', () => {
    const c = proxyFor('https://r.example/', {HTTPS_PROXY: 'http://u:s3cret-proxy@p.example:3128'})
    assert.equal(c.proxy?.url, 'http://u:REDACTED@p.example:3128/')
    assert.equal(c.proxyUrl, 'http://u:s3cret-proxy@p.example:3128')
  })
})
