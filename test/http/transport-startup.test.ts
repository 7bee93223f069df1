// What the transport costs a run (npm run bench times it; these pin the mechanics the timings rest on):
// one TLS secure context per run whatever the number of hosts, and no TLS module at all for a plain-HTTP run.
import assert from 'node:assert/strict'
import {execFile} from 'node:child_process'
import {after, before, describe, it} from 'node:test'
import {promisify} from 'node:util'
import {HttpClient} from '../../src/http/client.js'
import {createTlsMaterial, type TlsMaterial} from '../../src/sandbox/index.js'
import {serve, type Running} from '../helpers/servers.js'

const ok = (_req: unknown, res: {end(body: string): void}) => res.end('{}')

/** Counts tls.createSecureContext calls made while `fn` runs (the transport loads node:tls through the same object). */
async function contextsMadeBy(fn: () => Promise<void>): Promise<number> {
  const tls = process.getBuiltinModule('node:tls')
  const original = tls.createSecureContext
  let made = 0
  tls.createSecureContext = (...args) => {
    made++
    return original(...args)
  }
  try {
    await fn()
  } finally {
    tls.createSecureContext = original
  }
  return made
}

describe('transport start-up costs', () => {
  let material: TlsMaterial
  const servers: Running[] = []
  before(async () => {
    material = await createTlsMaterial('transport start-up test')
    // A registry and its token server: two hosts (ports), as doctor talks to.
    for (let i = 0; i < 2; i++) servers.push(await serve(ok, {cert: material.certPem, key: material.keyPem}))
  })
  after(async () => {
    for (const s of servers) await s.close()
  })

  for (const [name, opts] of [['a private CA', () => ({caCertPem: material.caPem})], ['--insecure', () => ({insecure: true})]] as const) {
    it(`makes one secure context for two HTTPS hosts and three requests (${name})`, async () => {
      const client = new HttpClient({timeoutMs: 5000, env: {}, ...opts()})
      const made = await contextsMadeBy(async () => {
        for (const s of [servers[0]!, servers[1]!, servers[0]!]) {
          const r = await client.send({method: 'GET', url: `https://${s.host}/v2/`})
          assert.equal(r.status, 200, r.failure?.message)
        }
      })
      assert.equal(made, 1)
    })
  }

  it('a plain-HTTP run never loads node:tls or node:https', async () => {
    const plain = await serve(ok)
    try {
      const client = new URL('../../src/http/client.js', import.meta.url).href
      const script = `const {HttpClient} = await import(${JSON.stringify(client)})
const r = await new HttpClient({env: {}}).send({method: 'GET', url: 'http://${plain.host}/v2/'})
console.log(JSON.stringify({status: r.status, loaded: process.moduleLoadList.filter((m) => /^NativeModule (tls|https|_tls_wrap)$/.test(m))}))`
      const {stdout} = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script])
      assert.deepEqual(JSON.parse(stdout), {status: 200, loaded: []})
    } finally {
      await plain.close()
    }
  })
})
