import assert from 'node:assert/strict'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {createTlsMaterial, type TlsMaterial} from '../../src/sandbox/index.js'
import {parseJsonOut, runCli} from '../helpers/cli.js'
import {bearerPing, closedPort, openPing, serve, silent, type Running} from '../helpers/servers.js'

/** Real sockets, the real CLI: the failures people meet before any auth happens. */
describe('probe over real loopback sockets', () => {
  let tls: TlsMaterial
  let caFile: string
  let plain: Running
  let secure: Running
  const dir = mkdtempSync(join(tmpdir(), 'regprobe-probe-'))

  before(async () => {
    tls = await createTlsMaterial('probe test')
    caFile = join(dir, 'ca.pem')
    writeFileSync(caFile, tls.caPem)
    plain = await serve(bearerPing('http://127.0.0.1/token', 'test'))
    secure = await serve(openPing, {cert: tls.certPem, key: tls.keyPem})
  })
  after(async () => {
    await plain.close()
    await secure.close()
  })

  for (const mode of ['human', 'json'] as const) {
    const extra = mode === 'json' ? ['--json'] : []
    it(`a closed port is "refused", exit 3 (${mode})`, async () => {
      const port = await closedPort()
      const r = await runCli(['probe', `https://127.0.0.1:${port}`, ...extra])
      assert.equal(r.code, 3, r.stdout + r.stderr)
      if (mode === 'json') {
        const probe = parseJsonOut(r).steps[0]
        assert.equal(probe.findings[0].code, 'probe.refused')
        // The network path, one family at a time: 127.0.0.1 has no IPv6 address, and its IPv4 connect is refused.
        assert.deepEqual(probe.facts.network, {host: `127.0.0.1:${port}`, ipv4: '127.0.0.1 → ECONNREFUSED', ipv6: 'no address', families: {ipv4: {addresses: ['127.0.0.1'], connects: false, error: 'ECONNREFUSED'}, ipv6: {addresses: []}}})
      } else {
        assert.match(r.stdout, /connection refused/)
        assert.match(r.stdout, new RegExp(`network: +127\\.0\\.0\\.1:${port}: IPv4 127\\.0\\.0\\.1 → ECONNREFUSED; IPv6 no address`))
      }
    })

    it(`an untrusted CA is a TLS failure, exit 4 (${mode})`, async () => {
      const r = await runCli(['probe', `https://${secure.host}`, ...extra])
      assert.equal(r.code, 4, r.stdout + r.stderr)
      if (mode === 'json') {
        const t = parseJsonOut(r)
        assert.equal(t.verdict.causes[0].code, 'probe.tls.unknown-ca')
        // The chain the server presented, read by an unverified handshake: which CA to trust. No interception here.
        assert.equal(t.steps[0].facts.presented, 'CN=probe test ← CN=probe test CA (1 certificate sent)')
        assert.ok(!t.steps[0].findings.some((f: {code: string}) => f.code === 'probe.tls.intercepted'))
      } else {
        assert.match(r.stdout, /presented: +CN=probe test ← CN=probe test CA \(1 certificate sent\)/)
      }
    })
  }

  it('the same registry is trusted with --ca-cert, and the certificate is reported', async () => {
    const r = await runCli(['probe', `https://${secure.host}`, '--ca-cert', caFile, '--json'])
    assert.equal(r.code, 0, r.stdout + r.stderr)
    const t = parseJsonOut(r)
    const x = t.steps[0].exchanges[0]
    assert.equal(x.connection.protocol, 'https')
    assert.match(x.connection.tlsVersion, /^TLSv1\.[23]$/)
    assert.match(x.connection.certificate.issuer, /probe test CA/)
    assert.equal(x.connection.reused, false)
    assert.equal(t.steps[0].facts.auth, 'none')
  })

  it('--insecure skips verification', async () => {
    const r = await runCli(['probe', `https://${secure.host}`, '--insecure'])
    assert.equal(r.code, 0, r.stdout + r.stderr)
  })

  it('TLS spoken to a plain-HTTP port is named, exit 4', async () => {
    const r = await runCli(['probe', `https://${plain.host}`, '--json'])
    assert.equal(r.code, 4, r.stdout + r.stderr)
    assert.equal(parseJsonOut(r).verdict.causes[0].code, 'probe.tls.plain-http-port')
  })

  it('plain HTTP spoken to a TLS port is named, exit 4', async () => {
    const r = await runCli(['probe', `http://${secure.host}`, '--json'])
    assert.ok(r.code === 4 || r.code === 3, r.stdout + r.stderr)
    const t = parseJsonOut(r)
    assert.match(t.verdict.headline, /TLS|closed the connection/)
  })

  it('a loopback registry without a scheme: HTTPS first, then plain HTTP, as docker does', async () => {
    const r = await runCli(['probe', plain.host, '--json'])
    assert.equal(r.code, 0, r.stdout + r.stderr)
    const t = parseJsonOut(r)
    assert.equal(t.steps[0].exchanges.length, 2)
    assert.equal(t.steps[0].facts.scheme, 'http')
    assert.ok(t.steps[0].findings.some((f: {code: string}) => f.code === 'probe.fallback-http'))
  })

  it('a server that never answers gives its verdict within --timeout plus a second, naming the stage', async () => {
    const s = await silent()
    try {
      const r = await runCli(['probe', `http://${s.host}`, '--timeout', '700ms', '--json'])
      assert.equal(r.code, 3)
      const t = parseJsonOut(r)
      assert.equal(t.verdict.causes[0].code, 'probe.timeout')
      assert.ok(r.ms < 700 + 1000 + 1500, `took ${r.ms} ms`) // + process start-up
    } finally {
      await s.close()
    }
  })

  it('a usage error is exit 2 with a message and no stack trace, in both modes', async () => {
    for (const extra of [[], ['--json']]) {
      const r = await runCli(['probe', 'http://exa mple:99999', ...extra])
      assert.equal(r.code, 2, r.stdout + r.stderr)
      assert.doesNotMatch(r.stderr, /\n\s+at /)
      if (extra.length) assert.equal(parseJsonOut(r).error.exitCode, 2)
    }
  })

  it('doctor --docker-error naming an IPv6 dial: regprobe tries that address too, and says the daemon\'s family fails from here', async () => {
    // docker's daemon dialled the registry over IPv6 (failure-stories.md §17); the registry here listens on IPv4 only.
    const docker = `Error response from daemon: Get "http://${plain.host}/v2/": dial tcp [::1]:${plain.port}: connect: cannot assign requested address`
    const r = await runCli(['doctor', `http://${plain.host}/team/app`, '--docker-error', docker, '--json', '--timeout', '3s'])
    const t = parseJsonOut(r)
    const codes = t.verdict.causes.map((c: {code: string}) => c.code)
    assert.ok(codes.includes('docker-error.dial'), codes.join(', '))
    const dial = t.verdict.causes.find((c: {code: string}) => c.code === 'docker-error.dial')
    assert.equal(dial.severity, 'warn')
    assert.equal(dial.message, `docker's daemon dialled [::1]:${plain.port} over IPv6 and got "cannot assign requested address"; from here that address fails too (ECONNREFUSED), while regprobe's own requests went to 127.0.0.1 over IPv4`)
    const mapped = t.verdict.causes.find((c: {code: string}) => c.code.startsWith('docker-error.') && c.code !== 'docker-error.dial')
    assert.match(mapped.message, /network stage: the daemon's host has no address to connect from in that family/)
    const network = t.steps[0].facts.network
    assert.deepEqual(network, {host: `127.0.0.1:${plain.port}`, ipv4: network.ipv4, ipv6: 'no address', families: {ipv4: {addresses: ['127.0.0.1'], connects: true, connectMs: network.families.ipv4.connectMs}, ipv6: {addresses: []}}})
    assert.match(network.ipv4, /^127\.0\.0\.1 → connects \(\d+ ms\)$/)
    assert.equal(typeof network.families.ipv4.connectMs, 'number')
  })

  it('a realm nobody listens on: the token step is "refused", with the realm host\'s network path', async () => {
    const port = await closedPort()
    const registry = await serve(bearerPing(`http://127.0.0.1:${port}/token`, 'test'))
    try {
      const r = await runCli(['doctor', `http://${registry.host}/team/app`, '--json'])
      assert.equal(r.code, 3, r.stdout + r.stderr)
      const token = parseJsonOut(r).steps.find((s: {stage: string}) => s.stage === 'token')
      assert.equal(token.findings[0].code, 'token.refused')
      assert.deepEqual(token.facts.network, {host: `127.0.0.1:${port}`, ipv4: '127.0.0.1 → ECONNREFUSED', ipv6: 'no address', families: {ipv4: {addresses: ['127.0.0.1'], connects: false, error: 'ECONNREFUSED'}, ipv6: {addresses: []}}})
    } finally {
      await registry.close()
    }
  })

  it('a proxy variable with a NO_PROXY entry for the registry: the request goes direct, and each exchange says which entry did it', async () => {
    const unusedProxy = `http://127.0.0.1:${await closedPort()}`
    const env = {HTTP_PROXY: unusedProxy, NO_PROXY: 'localhost,127.0.0.1'}
    const [json, human] = await Promise.all([runCli(['probe', `http://${plain.host}`, '--json'], {env}), runCli(['probe', `http://${plain.host}`], {env})])
    assert.equal(json.code, 0, json.stdout + json.stderr)
    const conn = parseJsonOut(json).steps[0].exchanges[0].connection
    assert.deepEqual(conn.noProxy, {entry: '127.0.0.1', from: 'NO_PROXY'})
    assert.equal(conn.proxy, undefined)
    assert.match(human.stdout, /new connection, direct: NO_PROXY has 127\.0\.0\.1\)/)
  })
})
