// The bug that started issue 17: `doctor --push` failed falsely ("invalid content-length header", exit 3) whenever
// regprobe built a dispatcher of its own: --ca-cert, --insecure, or any HTTPS_PROXY. The compiled CLI, against the
// sandbox over HTTPS, through each of those paths: every one must end in exit 0, its upload POST answered 202.
import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'
import {startSandbox, type Sandbox} from '../../src/sandbox/index.js'
import {parseJsonOut, runCli} from '../helpers/cli.js'
import {closedPort} from '../helpers/servers.js'
import {forwardProxy, type ForwardProxy} from './forward-proxy.js'

interface JsonExchange {request: {method: string; url: string}; response?: {status: number}; connection?: {proxy?: unknown; tunnel?: {connectStatus: number}}}

function uploadPost(trace: {steps: Array<{exchanges: JsonExchange[]}>}): JsonExchange | undefined {
  return trace.steps.flatMap((s) => s.exchanges).find((x) => x.request.method === 'POST' && x.request.url.includes('/blobs/uploads/'))
}

describe('doctor --push through every transport path (compiled CLI, sandbox over HTTPS)', () => {
  let sb: Sandbox
  let proxy: ForwardProxy
  before(async () => {
    sb = await startSandbox({tls: true})
    proxy = await forwardProxy()
  })
  after(async () => {
    await sb.close()
    await proxy.close()
  })
  const push = (target: string, flags: string[], env: NodeJS.ProcessEnv = {}) =>
    runCli(['doctor', `${target}/library/hello`, '--push', '-u', 'alice', '--password-stdin', '--json', ...flags], {stdin: 'wonderland\n', env})

  it('--ca-cert: exit 0, the upload POST answered 202', async () => {
    const r = await push(sb.registryUrl, ['--ca-cert', sb.caPath!])
    assert.equal(r.code, 0, r.stdout + r.stderr)
    assert.equal(uploadPost(parseJsonOut(r))?.response?.status, 202)
  })

  it('--ca-cert with HTTPS_PROXY set (a dead one: loopback is never proxied, as in Go): exit 0', async () => {
    const dead = await closedPort()
    const r = await push(sb.registryUrl, ['--ca-cert', sb.caPath!], {HTTPS_PROXY: `http://127.0.0.1:${dead}`, NO_PROXY: 'example.com'})
    assert.equal(r.code, 0, r.stdout + r.stderr)
    assert.equal(uploadPost(parseJsonOut(r))?.response?.status, 202)
  })

  it('--insecure: exit 0', async () => {
    const r = await push(sb.registryUrl, ['--insecure'])
    assert.equal(r.code, 0, r.stdout + r.stderr)
    assert.equal(uploadPost(parseJsonOut(r))?.response?.status, 202)
  })

  it('through a real HTTPS_PROXY (CONNECT) to a non-loopback name: exit 0, the POST went through the tunnel', async () => {
    const port = new URL(sb.registryUrl).port
    const before = proxy.seen.length
    // registry.test resolves only at the proxy (to 127.0.0.1); the sandbox's certificate names loopback, so --insecure.
    const r = await push(`https://registry.test:${port}`, ['--insecure'], {HTTPS_PROXY: proxy.url})
    assert.equal(r.code, 0, r.stdout + r.stderr)
    const post = uploadPost(parseJsonOut(r))
    assert.equal(post?.response?.status, 202)
    assert.deepEqual(post?.connection?.tunnel, {connectStatus: 200})
    assert.ok(proxy.seen.slice(before).some((x) => x.method === 'CONNECT' && x.target === `registry.test:${port}`), JSON.stringify(proxy.seen))
  })
})
