// The per-family network path (failure-stories.md §17), on loopback: a name given both an IPv4 and an IPv6 address by
// an injected resolver, and servers listening on one family only. Connect results are real sockets.
import assert from 'node:assert/strict'
import http from 'node:http'
import {after, before, describe, it} from 'node:test'
import {checkNetworkPath, networkPathFacts, networkPathFindings, type Lookup} from '../../src/http/network-path.js'
import {closedPort, listening, serve, type Running} from '../helpers/servers.js'

const records = (...addresses: string[]): Lookup => async () => addresses.map((address) => ({address, family: address.includes(':') ? 6 : 4}))
const opts = (lookup: Lookup) => ({timeoutMs: 2000, lookup})

describe('checkNetworkPath: each address family on its own', () => {
  let v4: Running
  let v6: Running
  let dual: Running
  before(async () => {
    v4 = await serve((req, res) => res.end())
    v6 = await serve((req, res) => res.end(), undefined, '::1')
    // '::' takes IPv4 too (a dual-stack socket), so both families connect to this one.
    dual = await listening(http.createServer((req, res) => res.end()), undefined, '::')
  })
  after(async () => {
    await v4.close()
    await v6.close()
    await dual.close()
  })

  it('AAAA without a working IPv6 path while IPv4 connects: ipv6-broken, with the address and the error', async () => {
    const path = await checkNetworkPath('dual.test', v4.port, opts(records('127.0.0.1', '::1')))
    assert.equal(path.ipv4.connect?.ok, true)
    assert.equal(path.ipv6.connect?.ok, false)
    assert.equal(path.ipv6.connect?.code, 'ECONNREFUSED')
    const [f, ...rest] = networkPathFindings(path, 'probe')
    assert.equal(rest.length, 0)
    assert.equal(f!.code, 'probe.ipv6-broken')
    assert.match(f!.message, new RegExp(`^dual\\.test:${v4.port} has IPv6 addresses \\(AAAA\\) but IPv6 does not connect from here \\(ECONNREFUSED to \\[::1\\]\\); IPv4 connects$`))
    assert.match(f!.fix!, /cannot assign requested address/)
    assert.deepEqual(Object.keys(networkPathFacts(path)), ['host', 'ipv4', 'ipv6', 'families'])
    assert.match(networkPathFacts(path).ipv6 as string, /^::1 → ECONNREFUSED$/)
    // The same as values: a boolean per family, the connect time in ms, the error code.
    const {ipv4, ipv6} = networkPathFacts(path).families!
    assert.deepEqual(ipv6, {addresses: ['::1'], connects: false, error: 'ECONNREFUSED'})
    assert.deepEqual([ipv4.addresses, ipv4.connects, typeof ipv4.connectMs], [['127.0.0.1'], true, 'number'])
  })

  it('the reverse, IPv4 broken and IPv6 working: ipv4-broken', async () => {
    const path = await checkNetworkPath('dual.test', v6.port, opts(records('::1', '127.0.0.1')))
    assert.deepEqual(networkPathFindings(path, 'network').map((f) => f.code), ['network.ipv4-broken'])
  })

  it('only AAAA, and IPv6 does not connect: ipv6-only-unreachable', async () => {
    const port = await closedPort()
    const path = await checkNetworkPath('v6only.test', port, opts(records('::1')))
    assert.deepEqual(path.ipv4.addresses, [])
    assert.deepEqual(networkPathFindings(path, 'probe').map((f) => f.code), ['probe.ipv6-only-unreachable'])
    assert.equal(networkPathFacts(path).ipv4, 'no address')
    assert.deepEqual(networkPathFacts(path).families?.ipv4, {addresses: []})
  })

  it('both families working, or both failing, is no dual-stack finding (the transport error says enough)', async () => {
    const both = await checkNetworkPath('dual.test', dual.port, opts(records('127.0.0.1', '::1')))
    assert.equal(both.ipv4.connect?.ok, true)
    assert.equal(both.ipv6.connect?.ok, true)
    assert.deepEqual(networkPathFindings(both, 'probe'), [])
    const port = await closedPort()
    const none = await checkNetworkPath('dual.test', port, opts(records('127.0.0.1', '::1')))
    assert.equal(none.ipv4.connect?.code, 'ECONNREFUSED')
    assert.equal(none.ipv6.connect?.code, 'ECONNREFUSED')
    assert.deepEqual(networkPathFindings(none, 'probe'), [])
  })

  it('an IP literal is its own address (brackets dropped); a name that does not resolve says so', async () => {
    const literal = await checkNetworkPath('[::1]', v6.port, {timeoutMs: 2000})
    assert.deepEqual(literal.ipv6.addresses, ['::1'])
    assert.equal(literal.ipv6.connect?.ok, true)
    const missing = await checkNetworkPath('nowhere.test', 443, opts(async () => Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND'), {code: 'ENOTFOUND'}))))
    assert.equal(missing.lookupError, 'ENOTFOUND')
    assert.deepEqual(networkPathFacts(missing), {host: 'nowhere.test', lookup: 'ENOTFOUND'})
  })
})
