// HttpClient against REAL TLS servers (node:https with generated CAs on 127.0.0.1 and ::1) and a real forward proxy:
// every method a diagnosis sends, through every path a user can configure (issue 17 part 1). The original bug was a
// POST with an explicit `content-length: 0` failing whenever a dispatcher of our own carried it; each path below
// sends exactly that request.
import assert from 'node:assert/strict'
import {generateKeyPairSync} from 'node:crypto'
import http from 'node:http'
import https from 'node:https'
import type {TLSSocket} from 'node:tls'
import {after, before, describe, it} from 'node:test'
import {HttpClient, type ClientOptions} from '../../src/http/client.js'
import {createSigningCertificate} from '../../src/sandbox/certs.js'
import {createTlsMaterial, type TlsMaterial} from '../../src/sandbox/index.js'
import {closedPort, listening, type Running} from '../helpers/servers.js'
import {tlsForAnotherHost, type ForeignTls} from '../helpers/hostile-servers.js'
import {forwardProxy, type ForwardProxy} from './forward-proxy.js'

interface Echo extends Running {
  connections: number
  seen: Array<{method: string; contentLength?: string; body: string; clientCert?: string}>
}

/** Answers every request with what it received: method, content-length, body, and the client certificate's CN. */
async function echo(opts: {tls?: https.ServerOptions; address?: string} = {}): Promise<Echo> {
  const seen: Echo['seen'] = []
  const handler: http.RequestListener = (req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const peer = (req.socket as TLSSocket).getPeerCertificate?.()
      const entry = {method: req.method ?? '', contentLength: req.headers['content-length'], body: Buffer.concat(chunks).toString(), ...(peer?.subject ? {clientCert: String(peer.subject.CN)} : {})}
      seen.push(entry)
      const body = JSON.stringify(entry)
      res.writeHead(200, {'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body))})
      res.end(req.method === 'HEAD' ? undefined : body)
    })
  }
  const server = opts.tls ? https.createServer(opts.tls, handler) : http.createServer(handler)
  const s = await listening(server, undefined, opts.address)
  const state: Echo = {...s, connections: 0, seen}
  server.on(opts.tls ? 'secureConnection' : 'connection', () => state.connections++)
  return state
}

const METHODS: Array<{method: string; headers?: Record<string, string>; body?: string}> = [
  {method: 'GET'},
  {method: 'HEAD'},
  // doctor --push's upload POST: no body, an explicit content-length: 0.
  {method: 'POST', headers: {'content-length': '0'}},
  {method: 'PATCH', headers: {'content-type': 'application/octet-stream'}, body: 'layer-bytes'},
  {method: 'PUT', headers: {'content-type': 'application/json'}, body: '{"schemaVersion":2}'},
  {method: 'DELETE'},
]

/** Sends every method over one client and checks what the server received; returns the client's exchanges. */
async function everyMethod(client: HttpClient, base: string, server: Echo) {
  const exchanges = []
  for (const m of METHODS) {
    const before = server.seen.length
    const r = await client.send({method: m.method, url: `${base}/v2/x`, headers: m.headers, body: m.body})
    assert.equal(r.failure, undefined, `${m.method} ${base}: ${r.failure?.message}`)
    assert.equal(r.status, 200, m.method)
    assert.equal(server.seen.length, before + 1, `${m.method} reached the server`)
    const got = server.seen.at(-1)!
    assert.equal(got.method, m.method)
    assert.equal(got.body, m.body ?? '')
    if (m.method === 'POST') assert.equal(got.contentLength, '0')
    if (m.method !== 'HEAD') assert.equal((r.json as {method: string}).method, m.method)
    exchanges.push(r.exchange)
  }
  return exchanges
}

describe('transport: every method through every path, against real servers', () => {
  let tls: TlsMaterial
  let named: ForeignTls
  let client: {cert: string; key: string}
  let proxy: ForwardProxy
  const servers: Running[] = []
  const start = async <T extends Running>(p: Promise<T>): Promise<T> => {
    const s = await p
    servers.push(s)
    return s
  }

  before(async () => {
    tls = await createTlsMaterial('transport test')
    named = await tlsForAnotherHost('registry.test')
    const keys = generateKeyPairSync('ec', {namedCurve: 'P-256'})
    client = {cert: await createSigningCertificate(keys, 'transport-test-client'), key: keys.privateKey.export({type: 'pkcs8', format: 'pem'}).toString()}
    proxy = await start(forwardProxy())
  })
  after(async () => {
    for (const s of servers) await s.close()
  })

  it('default path: plain HTTP, one keep-alive connection for all six requests', async () => {
    const s = await start(echo())
    const exchanges = await everyMethod(new HttpClient({timeoutMs: 5000, env: {}}), `http://${s.host}`, s)
    assert.equal(s.connections, 1)
    assert.deepEqual(exchanges.map((x) => x.connection?.reused), [false, true, true, true, true, true])
    assert.equal(exchanges[0]!.connection?.protocol, 'http')
  })

  for (const address of ['127.0.0.1', '::1']) {
    it(`private CA (--ca-cert) on ${address}: added to the default roots, one connection, TLS facts recorded`, async () => {
      const s = await start(echo({tls: {cert: tls.certPem, key: tls.keyPem}, address}))
      const exchanges = await everyMethod(new HttpClient({timeoutMs: 5000, env: {}, caCertPem: tls.caPem}), `https://${s.host}`, s)
      assert.equal(s.connections, 1)
      const c = exchanges[0]!.connection!
      assert.equal(c.protocol, 'https')
      assert.match(c.tlsVersion ?? '', /^TLSv1\.[23]$/)
      assert.match(c.certificate?.issuer ?? '', /transport test CA/)
      assert.equal(typeof exchanges[0]!.timing.connectMs, 'number')
      assert.equal(exchanges[1]!.timing.connectMs, undefined, 'a reused connection has no connect time')
    })
  }

  it('the same server without the CA is refused as an unknown CA (the default roots alone do not trust it)', async () => {
    const s = await start(echo({tls: {cert: tls.certPem, key: tls.keyPem}}))
    const r = await new HttpClient({timeoutMs: 5000, env: {}}).send({method: 'GET', url: `https://${s.host}/v2/`})
    assert.equal(r.failure?.code, 'tls.unknown-ca', r.failure?.message)
    assert.equal(r.exchange.connection, undefined)
    // A bundle (array form) with an unrelated CA first still trusts the server: CAs are added, not replaced.
    const ok = await new HttpClient({timeoutMs: 5000, env: {}, caCertPem: [named.caPem, tls.caPem]}).send({method: 'GET', url: `https://${s.host}/v2/`})
    assert.equal(ok.status, 200, ok.failure?.message)
  })

  it('--insecure: no verification at all', async () => {
    const s = await start(echo({tls: {cert: named.certPem, key: named.keyPem}}))
    await everyMethod(new HttpClient({timeoutMs: 5000, env: {}, insecure: true}), `https://${s.host}`, s)
    assert.equal(s.connections, 1)
  })

  it('client certificate: a server that requires one gets it on every request; without it the handshake fails', async () => {
    const s = await start(echo({tls: {cert: tls.certPem, key: tls.keyPem, requestCert: true, rejectUnauthorized: true, ca: client.cert}}))
    await everyMethod(new HttpClient({timeoutMs: 5000, env: {}, caCertPem: tls.caPem, clientCert: client}), `https://${s.host}`, s)
    assert.ok(s.seen.every((x) => x.clientCert === 'transport-test-client'), JSON.stringify(s.seen))
    const without = await new HttpClient({timeoutMs: 5000, env: {}, caCertPem: tls.caPem}).send({method: 'GET', url: `https://${s.host}/v2/`})
    assert.ok(without.failure, 'a server requiring a client certificate refused the request without one')
  })

  it('HTTPS through an HTTP proxy: CONNECT, TLS inside the tunnel, the CONNECT status recorded', async () => {
    const s = await start(echo({tls: {cert: named.certPem, key: named.keyPem}}))
    const before = proxy.seen.length
    const env = {HTTPS_PROXY: proxy.url}
    const exchanges = await everyMethod(new HttpClient({timeoutMs: 5000, env, caCertPem: named.caPem}), `https://registry.test:${s.port}`, s)
    assert.deepEqual(proxy.seen.slice(before).map((x) => `${x.method} ${x.target}`), [`CONNECT registry.test:${s.port}`], 'one tunnel for six requests')
    const c = exchanges[0]!.connection!
    assert.deepEqual(c.tunnel, {connectStatus: 200})
    assert.deepEqual(c.proxy, {url: `${proxy.url}/`, from: 'HTTPS_PROXY'})
    assert.match(c.certificate?.subject ?? '', /registry\.test/, JSON.stringify(c))
  })

  it('plain HTTP through an HTTP proxy: absolute-form requests, with the proxy credentials from the URL', async () => {
    const s = await start(echo())
    const before = proxy.seen.length
    const env = {http_proxy: `http://carol:pr0xy-pw@${proxy.host}`}
    const exchanges = await everyMethod(new HttpClient({timeoutMs: 5000, env}), `http://registry.test:${s.port}`, s)
    const used = proxy.seen.slice(before)
    assert.deepEqual(used.map((x) => x.method), METHODS.map((m) => m.method))
    assert.ok(used.every((x) => x.target === `http://registry.test:${s.port}/v2/x`))
    assert.equal(used[0]!.proxyAuthorization, `Basic ${Buffer.from('carol:pr0xy-pw').toString('base64')}`)
    assert.equal(exchanges[0]!.connection?.proxy?.url, `http://carol:REDACTED@${proxy.host}/`)
    assert.ok(!JSON.stringify(exchanges).includes('pr0xy-pw'))
  })

  it('loopback is never proxied (Go\'s rule), even with a dead proxy set', async () => {
    const s = await start(echo({tls: {cert: tls.certPem, key: tls.keyPem}}))
    const dead = await closedPort()
    const env = {HTTPS_PROXY: `http://127.0.0.1:${dead}`, HTTP_PROXY: `http://127.0.0.1:${dead}`}
    await everyMethod(new HttpClient({timeoutMs: 5000, env, caCertPem: tls.caPem}), `https://localhost:${s.port}`, s)
  })

  it('a dead proxy is named as the proxy, with its address, never as the registry', async () => {
    const dead = await closedPort()
    for (const url of ['https://registry.test:5000/v2/', 'http://registry.test:5000/v2/']) {
      const r = await new HttpClient({timeoutMs: 5000, env: {HTTPS_PROXY: `127.0.0.1:${dead}`, HTTP_PROXY: `127.0.0.1:${dead}`}}).send({method: 'GET', url})
      assert.equal(r.failure?.code, 'proxy.refused', `${url}: ${r.failure?.message}`)
      assert.match(r.failure!.message, new RegExp(`proxy 127\\.0\\.0\\.1:${dead}`))
      assert.match(r.failure!.message, /never reached the registry/)
      assert.equal(r.failure!.exitCode, 3)
    }
  })

  for (const status of [403, 407, 502]) {
    it(`a CONNECT answered ${status} is proxy.connect-refused, with the status in the connection facts`, async () => {
      proxy.deny = status
      try {
        const r = await new HttpClient({timeoutMs: 5000, env: {HTTPS_PROXY: proxy.url}}).send({method: 'GET', url: 'https://registry.test:5000/v2/'})
        assert.equal(r.failure?.code, 'proxy.connect-refused', r.failure?.message)
        assert.match(r.failure!.message, new RegExp(`proxy ${proxy.host.replace(/\./g, '\\.')} answered CONNECT registry\\.test:5000 with ${status}`))
        assert.deepEqual(r.exchange.connection?.tunnel, {connectStatus: status})
        assert.equal(r.failure!.exitCode, 3)
        if (status === 407) assert.match(r.failure!.fix ?? '', /credentials/)
      } finally {
        delete proxy.deny
      }
    })
  }
})
