// Failure classification against the errors node:http(s) really raises on the runtime under test (run under Node 20,
// 22 and 24 by scripts/ci-node-matrix.sh): each case makes the failure happen on a loopback socket, then checks the
// code, the exit code and that the message names the host. DNS is the one shape taken as written (no network).
import assert from 'node:assert/strict'
import {generateKeyPairSync} from 'node:crypto'
import {after, before, describe, it} from 'node:test'
import {HttpClient} from '../../src/http/client.js'
import {classifyFetchError} from '../../src/http/failure.js'
import {createSigningCertificate} from '../../src/sandbox/certs.js'
import {createTlsMaterial, type TlsMaterial} from '../../src/sandbox/index.js'
import {ExitCode} from '../../src/trace/types.js'
import {raw, tlsForAnotherHost} from '../helpers/hostile-servers.js'
import {closedPort, serve, type Running} from '../helpers/servers.js'

const get = (url: string, opts: {caCertPem?: string} = {}) => new HttpClient({timeoutMs: 4000, env: {}, ...opts}).send({method: 'GET', url})

describe('failure classification of node:http(s) errors, made real on loopback', () => {
  let tls: TlsMaterial
  const servers: Running[] = []
  const start = async <T extends Running>(p: Promise<T>) => {
    const s = await p
    servers.push(s)
    return s
  }
  before(async () => {
    tls = await createTlsMaterial('failure test')
  })
  after(async () => {
    for (const s of servers) await s.close()
  })
  const ok = (_req: unknown, res: {end(b: string): void}) => res.end('{}')

  it('ECONNREFUSED: refused, exit 3', async () => {
    const port = await closedPort()
    const r = await get(`http://127.0.0.1:${port}/v2/`)
    assert.equal(r.failure?.code, 'refused')
    assert.equal(r.failure?.exitCode, ExitCode.UNREACHABLE)
    assert.match(r.failure!.message, new RegExp(`127\\.0\\.0\\.1:${port}`))
  })

  it('ENOTFOUND (shape as node:dns gives it): dns, exit 3', () => {
    const err = Object.assign(new Error('getaddrinfo ENOTFOUND registry.invalid'), {code: 'ENOTFOUND', syscall: 'getaddrinfo', hostname: 'registry.invalid'})
    const f = classifyFetchError(err, {url: 'https://registry.invalid/v2/', timedOut: false, timeoutMs: 1000})
    assert.equal(f.code, 'dns')
    assert.equal(f.exitCode, ExitCode.UNREACHABLE)
  })

  it('HTTPS to a plain-HTTP port ("wrong version number"): tls.plain-http-port, exit 4', async () => {
    const s = await start(serve(ok))
    const r = await get(`https://${s.host}/v2/`)
    assert.equal(r.failure?.code, 'tls.plain-http-port', r.failure?.message)
    assert.equal(r.failure?.exitCode, ExitCode.TLS)
  })

  it('a certificate from an unknown CA (UNABLE_TO_VERIFY_LEAF_SIGNATURE): tls.unknown-ca, exit 4', async () => {
    const s = await start(serve(ok, {cert: tls.certPem, key: tls.keyPem}))
    const r = await get(`https://${s.host}/v2/`)
    assert.equal(r.failure?.code, 'tls.unknown-ca', r.failure?.message)
    assert.equal(r.failure?.rawCode, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE')
  })

  it('a self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT or SELF_SIGNED_CERT_IN_CHAIN): tls.unknown-ca', async () => {
    const keys = generateKeyPairSync('ec', {namedCurve: 'P-256'})
    const cert = await createSigningCertificate(keys, 'self-signed registry')
    const s = await start(serve(ok, {cert, key: keys.privateKey.export({type: 'pkcs8', format: 'pem'}).toString()}))
    const r = await get(`https://${s.host}/v2/`)
    assert.equal(r.failure?.code, 'tls.unknown-ca', r.failure?.message)
    assert.match(r.failure?.rawCode ?? '', /SELF_SIGNED/)
  })

  it('a certificate for another name (ERR_TLS_CERT_ALTNAME_INVALID): tls.hostname, exit 4', async () => {
    const other = await tlsForAnotherHost('other.example')
    const s = await start(serve(ok, {cert: other.certPem, key: other.keyPem}))
    const r = await get(`https://${s.host}/v2/`, {caCertPem: other.caPem})
    assert.equal(r.failure?.code, 'tls.hostname', r.failure?.message)
    assert.equal(r.failure?.rawCode, 'ERR_TLS_CERT_ALTNAME_INVALID')
  })

  it('a response that is not HTTP (HPE_*): http.malformed, exit 5', async () => {
    const s = await start(raw((c) => c.socket.end('SSH-2.0-OpenSSH_9.6\r\n\r\n')))
    const r = await get(`http://${s.host}/v2/`)
    assert.equal(r.failure?.code, 'http.malformed', r.failure?.message)
    assert.equal(r.failure?.exitCode, ExitCode.PROTOCOL)
    assert.match(r.failure?.rawCode ?? '', /^HPE_/)
  })

  it('a 20 KB header is read, as Go\'s transport reads it (Node\'s default 16 KiB would fail it)', async () => {
    const s = await start(raw((c) => c.socket.end(`HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(20_000)}\r\nContent-Length: 0\r\n\r\n`)))
    const r = await get(`http://${s.host}/v2/`)
    assert.equal(r.failure, undefined, r.failure?.message)
    assert.equal(r.status, 200)
  })

  it('headers past Go\'s 10 MiB (HPE_HEADER_OVERFLOW): http.malformed, named as such', async () => {
    const s = await start(raw((c) => c.socket.end(`HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(11 << 20)}\r\nContent-Length: 0\r\n\r\n`)))
    const r = await get(`http://${s.host}/v2/`)
    assert.equal(r.failure?.code, 'http.malformed', r.failure?.message)
    assert.match(r.failure!.message, /larger than 10 MiB/)
  })

  it('a hang-up without an answer (ECONNRESET / socket hang up): reset, exit 3', async () => {
    const s = await start(raw((c) => c.socket.destroy()))
    const r = await get(`http://${s.host}/v2/`)
    assert.equal(r.failure?.code, 'reset', r.failure?.message)
    assert.equal(r.failure?.exitCode, ExitCode.UNREACHABLE)
  })

  it('a hang-up in the middle of the body: body.incomplete', async () => {
    const s = await start(raw((c) => c.socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"partial"')))
    const r = await get(`http://${s.host}/v2/`)
    assert.equal(r.failure?.code, 'body.incomplete', r.failure?.message)
  })

  it('no answer within the timeout (covering connect, headers and body): timeout, exit 3', async () => {
    const s = await start(raw((c) => c.socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{')))
    const t0 = performance.now()
    const r = await new HttpClient({timeoutMs: 500, env: {}}).send({method: 'GET', url: `http://${s.host}/v2/`})
    assert.equal(r.failure?.code, 'timeout', r.failure?.message)
    assert.ok(performance.now() - t0 < 2000)
  })
})
