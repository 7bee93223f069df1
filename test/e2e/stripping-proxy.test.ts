import assert from 'node:assert/strict'
import http from 'node:http'
import {after, before, describe, it} from 'node:test'
import {parseJsonOut, runCli} from '../helpers/cli.js'
import {startDistribution, type RealRegistry} from '../helpers/distribution.js'
import {serve, type Running} from '../helpers/servers.js'

/**
 * failure-stories.md §15: a proxy in front of the registry that drops the Authorization header (a misconfigured
 * nginx or load balancer). The real registry, in token mode, then answers the token-carrying request with a plain
 * challenge, exactly as it answers a request without one; regprobe must not call the credentials wrong.
 */
describe('a proxy that strips Authorization in front of the real registry', () => {
  let reg: RealRegistry
  let proxy: Running
  before(async () => {
    reg = await startDistribution('token')
    const upstream = new URL(reg.url)
    proxy = await serve((req, res) => {
      const headers = {...req.headers, host: upstream.host}
      delete headers.authorization
      const forward = http.request({host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers}, (answer) => {
        res.writeHead(answer.statusCode!, answer.headers)
        answer.pipe(res)
      })
      forward.on('error', () => res.destroy())
      req.pipe(forward)
    })
  })
  after(async () => {
    await proxy?.close()
    await reg?.close()
  })

  it('valid credentials through the proxy: exit 6, "as if no token had been sent", the token step itself fine', async () => {
    const r = await runCli(['doctor', `http://${proxy.host}/team/app`, '-u', 'alice', '--password-stdin', '--json'], {stdin: 'wonderland'})
    assert.equal(r.code, 6, r.stdout + r.stderr)
    const t = parseJsonOut(r)
    assert.equal(t.verdict.causes[0].code, 'access.token-not-seen')
    assert.match(t.verdict.causes[0].fix, /strip the Authorization header/)
    assert.equal(t.steps.find((s: {stage: string}) => s.stage === 'token').status, 'ok')
  })

  it('the same credentials straight to the registry: the token is read (the image is simply missing), nothing about stripping', async () => {
    const r = await runCli(['doctor', `${reg.url}/team/app`, '-u', 'alice', '--password-stdin', '--json'], {stdin: 'wonderland'})
    assert.equal(r.code, 8, r.stdout + r.stderr)
    const codes = parseJsonOut(r).verdict.causes.map((c: {code: string}) => c.code)
    assert.ok(!codes.includes('access.token-not-seen'), codes.join(', '))
  })
})
