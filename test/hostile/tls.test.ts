import assert from 'node:assert/strict'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {runtimeMissesIpv6Sans} from '../../src/http/tls-identity.js'
import {createTlsMaterial} from '../../src/sandbox/certs.js'
import {parseJsonOut, runCli} from '../helpers/cli.js'
import {tlsForAnotherHost} from '../helpers/hostile-servers.js'
import {openPing, serve, type Running} from '../helpers/servers.js'
import {assertClean, verdictLine} from './support.js'

/**
 * A certificate for another host, signed by a CA the user did trust (--ca-cert): the failure must be the name, not
 * the issuer, or the user chases the wrong fix.
 */
describe('a certificate for another host', () => {
  const dir = mkdtempSync(join(tmpdir(), 'regprobe-hostile-tls-'))
  const caFile = join(dir, 'ca.pem')
  let server: Running
  before(async () => {
    const tls = await tlsForAnotherHost('registry.other.example')
    writeFileSync(caFile, tls.caPem)
    server = await serve(openPing, {cert: tls.certPem, key: tls.keyPem})
  })
  after(async () => {
    await server.close()
    rmSync(dir, {recursive: true, force: true})
  })

  it('is exit 4, "for another host name", with the fix, in both modes', async () => {
    const [human, json] = await Promise.all([
      runCli(['probe', `https://${server.host}`, '--ca-cert', caFile]),
      runCli(['doctor', `https://${server.host}/team/app`, '--ca-cert', caFile, '--json']),
    ])
    assert.equal(human.code, 4, human.stdout + human.stderr)
    assert.match(verdictLine(human.stdout), /certificate of 127\.0\.0\.1:\d+ is for another host name/)
    assert.match(human.stdout, /subjectAltName/)
    assert.equal(json.code, 4, json.stdout + json.stderr)
    const t = parseJsonOut(json)
    assert.equal(t.verdict.causes[0].code, 'probe.tls.hostname')
    assert.equal(t.steps.find((s: {stage: string}) => s.stage === 'token').status, 'skip')
    assertClean(human)
    assertClean(json)
  })

  it('--insecure gets past it (so the failure above was the name, and nothing else)', async () => {
    const r = await runCli(['probe', `https://${server.host}`, '--insecure', '--json'])
    assert.equal(r.code, 0, r.stdout + r.stderr)
    assert.equal(parseJsonOut(r).steps[0].facts.auth, 'none')
  })
})

/**
 * A registry at an IPv6 literal whose certificate names that address (an IP SAN), signed by the CA given with
 * --ca-cert: trusted. Node 22.23.x and 24.17–24.20 reject an IPv6 host against an IP SAN (nodejs/node#64144); on
 * those runtimes this passes only because regprobe does the IP match Node used to do (src/http/tls-identity.ts).
 */
describe('a certificate for [::1] (an IPv6 IP SAN)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'regprobe-hostile-tls6-'))
  const caFile = join(dir, 'ca.pem')
  let server: Running
  before(async () => {
    const tls = await createTlsMaterial('regprobe ipv6 test')
    writeFileSync(caFile, tls.caPem)
    try {
      server = await serve(openPing, {cert: tls.certPem, key: tls.keyPem}, '::1')
    } catch (error) {
      throw new Error(`this test needs the IPv6 loopback address ::1 (so does test/e2e/docker-verdicts): ${(error as Error).message}`)
    }
  })
  after(async () => {
    await server.close()
    rmSync(dir, {recursive: true, force: true})
  })

  it(`is trusted with --ca-cert on this runtime too (${process.version}: ${runtimeMissesIpv6Sans() ? 'has' : 'does not have'} the regression)`, async () => {
    const r = await runCli(['probe', `https://${server.host}`, '--ca-cert', caFile, '--json'])
    assert.equal(r.code, 0, r.stdout + r.stderr)
    const probe = parseJsonOut(r).steps[0]
    assert.equal(probe.exchanges[0].response.status, 200)
    assert.match(probe.facts.tls.version, /^TLSv1\.[23]$/)
    assert.equal(probe.facts.auth, 'none')
  })

  it('without the CA it is still the issuer that fails, not the name', async () => {
    const r = await runCli(['probe', `https://${server.host}`, '--json'])
    assert.equal(r.code, 4, r.stdout + r.stderr)
    assert.equal(parseJsonOut(r).verdict.causes[0].code, 'probe.tls.unknown-ca')
  })
})

/**
 * failure-stories.md §14: a TLS-inspecting proxy answers with a certificate its own CA signed for the registry's name.
 * Reproduced with a CA named as Zscaler's (the name is all regprobe reads; the chain is what the server presents).
 */
describe('a certificate signed by a TLS-inspecting proxy\'s CA', () => {
  let server: Running
  before(async () => {
    const tls = await createTlsMaterial('Zscaler Root')
    server = await serve(openPing, {cert: tls.certPem, key: tls.keyPem})
  })
  after(() => server.close())

  it('is exit 4, and the step names the interception with the CA to trust', async () => {
    const r = await runCli(['probe', `https://${server.host}`, '--json'])
    assert.equal(r.code, 4, r.stdout + r.stderr)
    const probe = parseJsonOut(r).steps[0]
    assert.equal(probe.facts.presented, 'CN=Zscaler Root ← CN=Zscaler Root CA (1 certificate sent)')
    // The same chain as values: the certificates, the CA to trust, the vendor; validTo an ISO 8601 date.
    const chain = probe.facts.presentedChain
    assert.deepEqual([chain.certificates.map((c: {subject: string}) => c.subject), chain.anchor, chain.interceptor], [['CN=Zscaler Root'], 'CN=Zscaler Root CA', 'Zscaler'])
    assert.equal(new Date(chain.certificates[0].validTo).toISOString(), chain.certificates[0].validTo)
    const f = probe.findings.find((x: {code: string}) => x.code === 'probe.tls.intercepted')
    assert.equal(f.severity, 'warn')
    assert.match(f.message, /signed by CN=Zscaler Root CA: a TLS-intercepting proxy \(Zscaler\) sits between this machine and the registry/)
    assertClean(r)
  })
})
