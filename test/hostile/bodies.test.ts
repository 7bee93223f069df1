import assert from 'node:assert/strict'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, describe, it} from 'node:test'
import {parseJsonOut, runCli} from '../helpers/cli.js'
import {bearerRegistry, bigJwt, INVALID_UTF8, peakRssEnv, raw, readPeakRssMiB, recording, streamBody, tokenServerGiving, writeRaw, type Stream} from '../helpers/hostile-servers.js'
import {openPing, REGISTRY_HEADERS, serve} from '../helpers/servers.js'
import {CONCURRENCY, assertClean, assertWithin, verdictLine, waitFor} from './support.js'

const MIB = 1024 * 1024
/** The client's cap (DEFAULT_MAX_BODY_BYTES in src/http/client.ts), restated so that changing it is a visible decision. */
const BODY_CAP = MIB
/** What reading a whole 50 MB body would add to the peak RSS at the very least; the bound sits well below it. */
const MAX_RSS_GROWTH_MIB = 25

/** Bodies that are too big, never end, stop in the middle, are not UTF-8, or are not what was asked for. */
describe('hostile bodies', {concurrency: CONCURRENCY}, () => {
  const dir = mkdtempSync(join(tmpdir(), 'regprobe-hostile-bodies-'))
  after(() => rmSync(dir, {recursive: true, force: true}))

  it('a 50 MB body stops at the cap: exit 5, marked truncated, the connection closed early, memory bounded', async () => {
    const stream: Stream = {sent: 0, finished: false}
    const huge = await serve((req, res) => {
      res.writeHead(200, {...REGISTRY_HEADERS, 'content-length': String(50 * MIB)})
      streamBody(res, 50 * MIB, Buffer.alloc(64 * 1024, 0x20), stream)
    })
    const small = await serve(openPing)
    try {
      const [r, baseline] = await Promise.all([
        runCli(['probe', `http://${huge.host}`, '--json'], {env: peakRssEnv(join(dir, 'rss-huge'))}),
        runCli(['probe', `http://${small.host}`, '--json'], {env: peakRssEnv(join(dir, 'rss-small'))}),
      ])
      assert.equal(r.code, 5, r.stdout + r.stderr)
      assert.equal(baseline.code, 0, baseline.stdout + baseline.stderr)
      const t = parseJsonOut(r)
      const body = t.steps[0].exchanges[0].response.body
      assert.equal(body.truncated, true)
      assert.equal(body.bytes, BODY_CAP)
      assert.equal(t.verdict.causes[0].code, 'probe.body.too-large')
      assert.match(t.verdict.headline, new RegExp(`larger than ${BODY_CAP} bytes`))
      // The server sees the hang-up: it never got to send the 50 MB (the kernel's socket buffers hold a few MB).
      await waitFor(() => stream.abortedAt !== undefined || stream.finished)
      assert.equal(stream.finished, false, 'regprobe read the whole 50 MB')
      assert.ok(stream.sent < 16 * MIB, `the server pushed ${stream.sent} bytes before the client hung up`)
      const peak = readPeakRssMiB(join(dir, 'rss-huge'))
      const base = readPeakRssMiB(join(dir, 'rss-small'))
      // The hook that records peak RSS works wherever Node runs on Linux (CI): there, a missing figure is a failure.
      if (process.platform === 'linux') assert.ok(peak !== undefined && base !== undefined, 'peak RSS was not recorded')
      if (peak !== undefined && base !== undefined) assert.ok(peak - base < MAX_RSS_GROWTH_MIB, `peak RSS ${peak.toFixed(1)} MiB against ${base.toFixed(1)} MiB for a 2-byte body`)
      assertClean(r)
    } finally {
      await huge.close()
      await small.close()
    }
  })

  it('a body that never ends is a timeout of the probe: exit 3 within --timeout', async () => {
    const s = await serve((req, res) => {
      res.writeHead(200, REGISTRY_HEADERS)
      res.write('{"repositories":[')
      const tick = setInterval(() => res.write('"again",'), 50)
      res.on('close', () => clearInterval(tick))
    })
    try {
      const r = await runCli(['probe', `http://${s.host}`, '--timeout', '800ms', '--json'])
      assert.equal(r.code, 3, r.stdout + r.stderr)
      const t = parseJsonOut(r)
      assert.equal(t.verdict.causes[0].code, 'probe.timeout')
      assert.match(t.verdict.headline, /within 800 ms/)
      assertWithin(r, 800, t)
      assertClean(r)
    } finally {
      await s.close()
    }
  })

  it('a server that hangs up in the middle of the body is named as such, not as "no HTTP answer": exit 3', async () => {
    const s = await raw((c) => {
      c.socket.write('HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\ndocker-distribution-api-version: registry/2.0\r\ncontent-length: 1000\r\n\r\n{"errors":[', () => c.socket.destroy())
    })
    try {
      for (const extra of [[], ['--json']]) {
        const r = await runCli(['probe', `http://${s.host}`, ...extra])
        assert.equal(r.code, 3, r.stdout + r.stderr)
        const headline = extra.length ? parseJsonOut(r).verdict.headline : verdictLine(r.stdout)
        assert.match(headline, /closed the connection in the middle of its 401 response, after 11 bytes of the body/)
        assert.doesNotMatch(headline, /without an HTTP answer/)
        if (extra.length) assert.equal(parseJsonOut(r).verdict.causes[0].code, 'probe.body.incomplete')
        assertClean(r)
      }
    } finally {
      await s.close()
    }
  })

  it('invalid UTF-8 in headers and bodies becomes U+FFFD, and the flow still works: exit 0', async () => {
    const token = await recording((req, res) => {
      res.writeHead(200, {'content-type': 'application/json'})
      res.end(Buffer.concat([Buffer.from('{"token":"opaque-token-0123456789","note":"'), INVALID_UTF8, Buffer.from('"}')]))
    })
    const bad = Buffer.concat([Buffer.from('reg'), INVALID_UTF8])
    const registry = await raw((c) => {
      if (/^HEAD .*\r\nauthorization: Bearer /is.test(c.head)) return writeRaw(c.socket, '200 OK', [['docker-distribution-api-version', 'registry/2.0'], ['x-note', bad]])
      const scope = /^HEAD \/v2\/(.+)\/manifests\//.exec(c.head)?.[1]
      writeRaw(c.socket, '401 Unauthorized', [
        ['content-type', 'application/json'],
        ['docker-distribution-api-version', 'registry/2.0'],
        ['www-authenticate', Buffer.concat([Buffer.from(`Bearer realm="${token.origin}/token",service="`), bad, Buffer.from(`"${scope ? `,scope="repository:${scope}:pull"` : ''}`)])],
      ], Buffer.concat([Buffer.from('{"errors":[{"code":"UNAUTHORIZED","message":"'), INVALID_UTF8, Buffer.from('"}]}')]))
    })
    try {
      const human = await runCli(['doctor', `http://${registry.host}/team/app`, '-v'])
      assert.equal(human.code, 0, human.stdout + human.stderr)
      assert.match(human.stdout, /\uFFFD/)
      assertClean(human)
      const json = await runCli(['doctor', `http://${registry.host}/team/app`, '--json'])
      assert.equal(json.code, 0, json.stdout + json.stderr)
      const t = parseJsonOut(json)
      assert.equal(t.steps[0].exchanges.at(-1).response.body.json.errors[0].message.includes('\uFFFD'), true)
      // The service parameter went out percent-encoded, whatever its bytes.
      assert.match(token.seen[0]!.url, /service=reg%/)
    } finally {
      await registry.close()
      await token.close()
    }
  })

  it('a token response that is binary garbage is "200 without a token": exit 5', async () => {
    const token = await recording((req, res) => {
      res.writeHead(200, {'content-type': 'application/json'})
      res.end(Buffer.concat([INVALID_UTF8, INVALID_UTF8]))
    })
    const registry = await recording(bearerRegistry(`${token.origin}/token`))
    try {
      const r = await runCli(['token', `http://${registry.host}/team/app`, '--json'])
      assert.equal(r.code, 5, r.stdout + r.stderr)
      assert.equal(parseJsonOut(r).verdict.causes[0].code, 'token.no-token')
      assertClean(r)
    } finally {
      await registry.close()
      await token.close()
    }
  })

  it('HTML where JSON was expected: a login page from the token endpoint is exit 5 with its title, in both modes', async () => {
    // Synthetic: an SSO gateway that answers the realm with its login page (the story of failure-stories.md §12).
    const token = await recording((req, res) => {
      res.writeHead(200, {'content-type': 'text/html; charset=utf-8'})
      res.end('<!doctype html><html><head><title>Sign in · Corp SSO</title></head><body><form>…</form></body></html>')
    })
    const registry = await recording(bearerRegistry(`${token.origin}/token`))
    try {
      const human = await runCli(['token', `http://${registry.host}/team/app`])
      assert.equal(human.code, 5, human.stdout + human.stderr)
      assert.match(verdictLine(human.stdout), /200 without a token.*an HTML page \("Sign in · Corp SSO"\)/)
      assert.match(human.stdout, /it may point at a web page/)
      assertClean(human)
      const json = await runCli(['token', `http://${registry.host}/team/app`, '--json'])
      assert.equal(json.code, 5, json.stdout + json.stderr)
      const t = parseJsonOut(json)
      assert.equal(t.verdict.causes[0].code, 'token.no-token')
      assert.match(t.verdict.headline, /Sign in · Corp SSO/)
    } finally {
      await registry.close()
      await token.close()
    }
  })

  it('a token endpoint answering 200 without a token is exit 5, the access stage skipped', async () => {
    const token = await recording((req, res) => {
      res.writeHead(200, {'content-type': 'application/json'})
      res.end('{"expires_in":300,"issued_at":"2024-01-01T00:00:00Z"}')
    })
    const registry = await recording(bearerRegistry(`${token.origin}/token`))
    try {
      const r = await runCli(['doctor', `http://${registry.host}/team/app`, '--json'])
      assert.equal(r.code, 5, r.stdout + r.stderr)
      const t = parseJsonOut(r)
      assert.equal(t.verdict.causes[0].code, 'token.no-token')
      assert.equal(t.steps.find((s: {stage: string}) => s.stage === 'access').status, 'skip')
      // Nothing was sent to the registry with an empty or "undefined" Bearer.
      assert.ok(registry.seen.every((s) => !s.headers.authorization), JSON.stringify(registry.seen.map((s) => s.headers.authorization)))
      assertClean(r)
    } finally {
      await registry.close()
      await token.close()
    }
  })

  it('a 512 KB JWT-looking token is used but never printed, and the output stays small, in every mode', async () => {
    const big = bigJwt(512 * 1024, 'team/app')
    const token = await tokenServerGiving(big)
    const registry = await recording(bearerRegistry(`${token.origin}/token`), {maxHeaderSize: 2 * MIB})
    try {
      for (const extra of [[], ['-v'], ['--json']]) {
        const r = await runCli(['doctor', `http://${registry.host}/team/app`, ...extra])
        assert.equal(r.code, 0, `${extra.join(' ')}: ${r.stdout.slice(0, 3000)}${r.stderr}`)
        for (const out of [r.stdout, r.stderr]) {
          assert.ok(out.length < 32 * 1024, `${extra.join(' ') || 'human'}: ${out.length} characters of output`)
          // Any 64-character window of the token would be a leak; its padding is the bulk of it.
          assert.ok(!out.includes(big.slice(0, 64)) && !out.includes(big.slice(1000, 1064)) && !out.includes('x'.repeat(64)), `${extra.join(' ') || 'human'} printed the token`)
        }
        assert.match(r.stdout, new RegExp(`redacted jwt ${big.length} chars`))
        assertClean(r)
      }
      // It really was used: the registry got it, whole.
      assert.equal(registry.seen.at(-1)!.headers.authorization, `Bearer ${big}`)
    } finally {
      await registry.close()
      await token.close()
    }
  })
  it('a 100 KB token that a registry with the default header limit refuses (431): exit 5, the size named, the claims still read', async () => {
    const big = bigJwt(100 * 1024, 'team/app')
    const token = await tokenServerGiving(big)
    // Node's server, like Go's past 1 MB, answers 431 itself when the headers pass its limit (16 KiB here).
    const registry = await recording(bearerRegistry(`${token.origin}/token`))
    try {
      const r = await runCli(['doctor', `http://${registry.host}/team/app`, '--json'])
      assert.equal(r.code, 5, r.stdout + r.stderr)
      const t = parseJsonOut(r)
      assert.equal(t.verdict.causes[0].code, 'access.headers-too-large')
      assert.match(t.verdict.causes[0].message, /refused the request headers as too large \(431.*the Authorization header alone is 100 KiB/)
      assert.match(t.verdict.causes[0].fix, /fewer scopes/)
      // Over the old 64 KiB decoding limit, the token is still read: its grant is in the trace.
      const tokenStep = t.steps.find((s: {stage: string}) => s.stage === 'token')
      assert.deepEqual(tokenStep.facts.access, [{type: 'repository', name: 'team/app', actions: ['pull']}])
      assert.ok(!r.stdout.includes(big.slice(0, 64)))
      assertClean(r)
    } finally {
      await registry.close()
      await token.close()
    }
  })

  it('nginx\'s "400 Request Header Or Cookie Too Large" in front of the registry is the same diagnosis', async () => {
    const big = bigJwt(12 * 1024, 'team/app')
    const token = await tokenServerGiving(big)
    const inner = bearerRegistry(`${token.origin}/token`)
    // nginx's own page for a header line past large_client_header_buffers (ngx_http_special_response.c, error 494).
    const registry = await recording((req, res) => {
      if ((req.headers.authorization?.length ?? 0) > 8192) {
        res.writeHead(400, {'content-type': 'text/html', server: 'nginx'})
        return void res.end('<html>\r\n<head><title>400 Request Header Or Cookie Too Large</title></head>\r\n<body>\r\n<center><h1>400 Bad Request</h1></center>\r\n<center>Request Header Or Cookie Too Large</center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n')
      }
      inner(req, res)
    }, {maxHeaderSize: MIB})
    try {
      const r = await runCli(['doctor', `http://${registry.host}/team/app`])
      assert.equal(r.code, 5, r.stdout + r.stderr)
      assert.match(verdictLine(r.stdout), /refused the request headers as too large \(400/)
      assert.match(r.stdout, /the Authorization header alone is 12 KiB/)
      assertClean(r)
    } finally {
      await registry.close()
      await token.close()
    }
  })
})
