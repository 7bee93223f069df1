import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {startSandbox} from '../../src/sandbox/index.js'
import {parseJsonOut, runCli} from '../helpers/cli.js'
import {raw, waitForClose} from '../helpers/hostile-servers.js'
import {assertClean, assertWithin, verdictLine} from './support.js'

/** Servers that are slow in the ways that defeat a naive timeout: a byte at a time, or only the token server. */
describe('hostile slowness', () => {
  it('headers that trickle in byte by byte, slower than --timeout overall: exit 3 within --timeout, the socket closed', async () => {
    const answer = 'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ndocker-distribution-api-version: registry/2.0\r\ncontent-length: 2\r\n\r\n{}'
    const s = await raw((c) => {
      let i = 0
      // Each byte is well within any per-read idle timeout; the whole answer takes ~6 s.
      const tick = setInterval(() => (c.clientClosed || i >= answer.length ? clearInterval(tick) : c.socket.write(answer[i++]!)), 50)
    })
    try {
      const r = await runCli(['probe', `http://${s.host}`, '--timeout', '800ms', '--json'])
      assert.equal(r.code, 3, r.stdout + r.stderr)
      const t = parseJsonOut(r)
      assert.equal(t.verdict.causes[0].code, 'probe.timeout')
      assert.match(t.verdict.headline, /no answer from .* within 800 ms/)
      assertWithin(r, 800, t)
      await waitForClose(s.connections[0]!)
      assert.equal(s.connections[0]!.clientClosed, true, 'regprobe left the connection open')
      assertClean(r)
    } finally {
      await s.close()
    }
  })

  it('a slow token server with a short --timeout: the verdict names the token stage, exit 3, in both modes', async () => {
    const sandbox = await startSandbox({switches: {slowTokenMs: 5000}})
    try {
      const [human, json] = await Promise.all([
        runCli(['doctor', `${sandbox.registryHost}/library/hello`, '--timeout', '700ms']),
        runCli(['doctor', `${sandbox.registryHost}/library/hello`, '--timeout', '700ms', '--json']),
      ])
      assert.equal(human.code, 3, human.stdout + human.stderr)
      assert.match(human.stdout, /✖ 4\. token\s+no answer from 127\.0\.0\.1:\d+ within 700 ms/)
      assert.match(verdictLine(human.stdout), /no answer from/)
      assert.equal(json.code, 3, json.stdout + json.stderr)
      const t = parseJsonOut(json)
      assert.equal(t.verdict.causes[0].code, 'token.timeout')
      assert.equal(t.steps.find((s: {stage: string}) => s.stage === 'probe').status, 'ok')
      // probe, challenge and one token request each get --timeout; only the token request uses it up.
      assertWithin(json, 700, t)
      assertWithin(human, 700)
      assertClean(human)
      assertClean(json)
    } finally {
      await sandbox.close()
    }
  })
})
