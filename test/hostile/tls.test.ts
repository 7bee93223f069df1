import assert from 'node:assert/strict'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {parseJsonOut, runCli} from '../helpers/cli.js'
import {tlsForAnotherHost} from '../helpers/hostile-servers.js'
import {REGISTRY_HEADERS, serve, type Running} from '../helpers/servers.js'
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
    server = await serve((req, res) => {
      res.writeHead(200, REGISTRY_HEADERS)
      res.end('{}')
    }, {cert: tls.certPem, key: tls.keyPem})
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
