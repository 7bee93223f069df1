import assert from 'node:assert/strict'
import {readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {runCli} from '../helpers/cli.js'
import {REGISTRY_HEADERS, serve, type Running} from '../helpers/servers.js'
import {sandbox, type Sandbox} from './support.js'

/**
 * Issue 15 item 6: parallel `login --save` runs, each a real process of the compiled CLI, against a loopback
 * registry with Basic auth (synthetic, modelled on distribution's htpasswd mode: 401 + `Basic realm`, 200 with any
 * Authorization). Before the lock, all exited 0 and the file kept about half of the entries.
 */
describe('20 parallel login --save runs', () => {
  let sb: Sandbox
  const regs: Running[] = []
  before(async () => {
    sb = await sandbox()
    // One registry (port) per run, so that each run saves under its own key host:port.
    for (let i = 0; i < 20; i++) {
      regs.push(
        await serve((req, res) => {
          if (!req.headers.authorization) {
            res.writeHead(401, {...REGISTRY_HEADERS, 'www-authenticate': 'Basic realm="parallel"'})
            res.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}')
            return
          }
          res.writeHead(200, REGISTRY_HEADERS)
          res.end('{}')
        }),
      )
    }
  })
  after(async () => {
    for (const r of regs) await r.close()
    await sb?.cleanup()
  })

  it('all report "saved" and all 20 entries are in the file', async () => {
    const env = {HOME: sb.home, PATH: sb.env.PATH}
    const runs = await Promise.all(
      regs.map((reg, i) =>
        runCli(['login', reg.host, '-u', `user${i}`, '--password-stdin', '--plain-http', '--save', '--json'], {stdin: `fixture-parallel-${i}\n`, env, timeoutMs: 90_000}),
      ),
    )
    for (const [i, r] of runs.entries()) {
      assert.equal(r.code, 0, `run ${i}: ${r.stdout.slice(0, 400)} ${r.stderr.slice(0, 400)}`)
      assert.match(r.stdout, /login\.saved/, `run ${i} reports saved`)
    }
    const json = JSON.parse(await readFile(join(sb.dockerDir, 'config.json'), 'utf8'))
    const keys = Object.keys(json.auths).sort()
    assert.equal(keys.length, 20, `entries: ${keys.join(', ')}`)
    for (let i = 0; i < 20; i++) assert.equal(Buffer.from(json.auths[regs[i]!.host].auth, 'base64').toString(), `user${i}:fixture-parallel-${i}`)
  })
})
