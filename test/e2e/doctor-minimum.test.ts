import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'
import {startSandbox, type Sandbox} from '../../src/sandbox/index.js'
import {parseJsonOut, runCli} from '../helpers/cli.js'

/** The protocol's minimum for a pull diagnosis is ping, token, resource: three requests, one connection per host. */
describe('doctor makes no more requests than a client must', () => {
  let sb: Sandbox
  before(async () => {
    sb = await startSandbox()
  })
  after(() => sb.close())

  it('a pull diagnosis: exactly 3 requests and one new connection per host', async () => {
    const r = await runCli(['doctor', `${sb.registryUrl}/library/hello`, '--json'])
    assert.equal(r.code, 0, r.stdout + r.stderr)
    const t = parseJsonOut(r)
    const exchanges = t.steps.flatMap((s: {exchanges: unknown[]}) => s.exchanges) as Array<{request: {method: string; url: string}; connection?: {reused: boolean}}>
    assert.deepEqual(exchanges.map((x) => `${x.request.method} ${new URL(x.request.url).pathname}`), ['GET /v2/', 'GET /token', 'HEAD /v2/library/hello/manifests/latest'])
    const newPerHost = new Map<string, number>()
    for (const x of exchanges) if (x.connection && !x.connection.reused) newPerHost.set(new URL(x.request.url).host, (newPerHost.get(new URL(x.request.url).host) ?? 0) + 1)
    assert.deepEqual([...newPerHost.values()], [1, 1], JSON.stringify([...newPerHost]))
  })
})
