import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'
import {compareFlow} from '../../src/flows/compare.js'
import {HttpClient} from '../../src/http/client.js'
import {closedPort, REGISTRY_HEADERS, serve, type Running} from '../helpers/servers.js'

/** Each fake registry takes this long to answer /v2/. */
const SLOW_MS = 1000

/** An open registry whose /v2/ answers after SLOW_MS; everything else (the catalog) answers at once. */
function slowRegistry(): Promise<Running> {
  return serve((req, res) => {
    const answer = () => {
      res.writeHead(200, REGISTRY_HEADERS)
      res.end(req.url?.startsWith('/v2/_catalog') ? '{"repositories":[]}' : '{}')
    }
    if (req.url === '/v2/') setTimeout(answer, SLOW_MS)
    else answer()
  })
}

describe('compare runs the registries at once', () => {
  const servers: Running[] = []
  before(async () => {
    for (let i = 0; i < 3; i++) servers.push(await slowRegistry())
  })
  after(async () => {
    for (const s of servers) await s.close()
  })

  it('three registries that each take 1 s take about 1 s, not 3 s', async () => {
    const t0 = performance.now()
    const {document: doc} = await compareFlow(() => new HttpClient({timeoutMs: 5000}), servers.map((s) => `http://${s.host}`))
    const ms = performance.now() - t0
    assert.equal(doc.exitCode, 0, JSON.stringify(doc.registries.map((r) => r.cells.result)))
    assert.ok(ms >= SLOW_MS - 50, `at least one slow answer (${Math.round(ms)} ms)`)
    assert.ok(ms < 2 * SLOW_MS, `wall time ${Math.round(ms)} ms is the slowest registry's, not the sum (${3 * SLOW_MS} ms)`)
    for (const r of doc.registries) {
      assert.equal(r.cells.scheme, 'none (open: /v2/ answers 200)')
      assert.equal(r.cells.catalog, 'offered')
      assert.ok(r.trace.durationMs >= SLOW_MS - 50, `each registry took its second (${r.trace.durationMs} ms)`)
    }
    assert.ok(doc.durationMs < 2 * SLOW_MS)
  })

  it('a dead registry next to slow ones costs its own time only, and the others are compared', async () => {
    const port = await closedPort()
    const t0 = performance.now()
    const {document: doc} = await compareFlow(() => new HttpClient({timeoutMs: 5000}), [`http://${servers[0]!.host}`, `http://127.0.0.1:${port}`, `http://${servers[1]!.host}`])
    const ms = performance.now() - t0
    assert.ok(ms < 2 * SLOW_MS, `${Math.round(ms)} ms`)
    assert.deepEqual(doc.registries.map((r) => r.exitCode), [0, 3, 0])
    assert.match(doc.registries[1]!.cells.result, /^FAILED: .*refused/)
    assert.equal(doc.exitCode, 3)
  })
})
