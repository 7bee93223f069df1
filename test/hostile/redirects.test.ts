import assert from 'node:assert/strict'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {createTlsMaterial, type TlsMaterial} from '../../src/sandbox/index.js'
import {parseJsonOut, runCli} from '../helpers/cli.js'
import {bearerRegistry, dualProtocol, recording} from '../helpers/hostile-servers.js'
import {CONCURRENCY, assertClean, verdictLine} from './support.js'

/** The token spec's answer ({token, expires_in}), with an opaque token. */
const TOKEN_BODY = JSON.stringify({token: 'opaque-redirected-token-0123456789', expires_in: 300})
const PASSWORD = 'wonderland-redirect'
const BASIC = `Basic ${Buffer.from(`alice:${PASSWORD}`).toString('base64')}`

/**
 * The client follows redirects by hand (src/http/client.ts) and must drop Authorization whenever the origin
 * changes: scheme, host or port. Both servers are on 127.0.0.1, so "another host" here is another host:port.
 */
describe('hostile redirects', {concurrency: CONCURRENCY}, () => {
  let tls: TlsMaterial
  const dir = mkdtempSync(join(tmpdir(), 'regprobe-hostile-redirects-'))
  const caFile = join(dir, 'ca.pem')
  before(async () => {
    tls = await createTlsMaterial('redirect test')
    writeFileSync(caFile, tls.caPem)
  })
  after(() => rmSync(dir, {recursive: true, force: true}))

  it('a redirect loop on /v2/ is exit 5 and names the loop, after a bounded number of requests', async () => {
    const s = await recording((req, res) => {
      res.writeHead(302, {location: req.url === '/v2/' ? '/v2/elsewhere' : '/v2/'})
      res.end()
    })
    try {
      for (const extra of [[], ['--json']]) {
        const before = s.seen.length
        const r = await runCli(['probe', `http://${s.host}`, ...extra])
        assert.equal(r.code, 5, r.stdout + r.stderr)
        const headline = extra.length ? parseJsonOut(r).verdict.headline : verdictLine(r.stdout)
        assert.match(headline, /redirect loop/)
        assert.equal(s.seen.length - before, 2)
        if (extra.length) assert.equal(parseJsonOut(r).verdict.causes[0].code, 'probe.redirect.loop')
        assertClean(r)
      }
    } finally {
      await s.close()
    }
  })

  it('an endless chain of new URLs stops after MAX_REDIRECTS: exit 5', async () => {
    const s = await recording((req, res) => {
      res.writeHead(307, {location: `/v2/hop/${s.seen.length}`})
      res.end()
    })
    try {
      const r = await runCli(['probe', `http://${s.host}`, '--json'])
      assert.equal(r.code, 5, r.stdout + r.stderr)
      assert.equal(parseJsonOut(r).verdict.causes[0].code, 'probe.redirect.too-many')
      assert.equal(s.seen.length, 6, 'the first request and five redirects')
      assertClean(r)
    } finally {
      await s.close()
    }
  })

  it('a token endpoint redirecting to another host:port does not get the password there', async () => {
    const other = await recording((req, res) => {
      res.writeHead(200, {'content-type': 'application/json'})
      res.end(TOKEN_BODY)
    })
    const realm = await recording((req, res) => {
      res.writeHead(302, {location: `${other.origin}/token${req.url!.slice(req.url!.indexOf('?'))}`})
      res.end()
    })
    const registry = await recording(bearerRegistry(`${realm.origin}/token`))
    try {
      // Followed only when asked (by default a cross-host token redirect is reported: test/http/redirects.test.ts).
      const r = await runCli(['token', `http://${registry.host}/team/app`, '-u', 'alice', '--password-stdin', '--json', '--follow-redirects'], {stdin: `${PASSWORD}\n`})
      assert.equal(r.code, 0, r.stdout + r.stderr)
      assert.equal(realm.seen[0]!.headers.authorization, BASIC, 'the realm itself got the credentials')
      assert.equal(other.seen.length, 1)
      assert.equal(other.seen[0]!.headers.authorization, undefined, 'the credentials followed the redirect to another host:port')
      assert.ok(!r.stdout.includes(PASSWORD))
      assertClean(r)
    } finally {
      await registry.close()
      await realm.close()
      await other.close()
    }
  })

  it('a same-origin redirect keeps the credentials (the rule is about origins, not about redirects)', async () => {
    const realm = await recording((req, res) => {
      if (req.url!.startsWith('/token2')) {
        res.writeHead(200, {'content-type': 'application/json'})
        return void res.end(TOKEN_BODY)
      }
      res.writeHead(307, {location: `/token2${req.url!.slice(req.url!.indexOf('?'))}`})
      res.end()
    })
    const registry = await recording(bearerRegistry(`${realm.origin}/token`))
    try {
      const r = await runCli(['token', `http://${registry.host}/team/app`, '-u', 'alice', '--password-stdin', '--json'], {stdin: PASSWORD})
      assert.equal(r.code, 0, r.stdout + r.stderr)
      assert.deepEqual(realm.seen.map((s) => s.headers.authorization), [BASIC, BASIC])
    } finally {
      await registry.close()
      await realm.close()
    }
  })

  it('HTTPS redirecting to plain HTTP on the same host:port does not carry the password in clear text', async () => {
    const server = await dualProtocol((req, res) => {
      const secure = 'encrypted' in req.socket
      if (req.url!.startsWith('/token')) {
        if (secure) {
          res.writeHead(302, {location: `http://${server.host}/token-plain${req.url!.slice(req.url!.indexOf('?'))}`})
          return void res.end()
        }
        res.writeHead(200, {'content-type': 'application/json'})
        return void res.end(TOKEN_BODY)
      }
      bearerRegistry(`${server.origin}/token`)(req, res)
    }, {cert: tls.certPem, key: tls.keyPem})
    try {
      const r = await runCli(['token', `https://${server.host}/team/app`, '--ca-cert', caFile, '-u', 'alice', '--password-stdin', '--json'], {stdin: PASSWORD})
      assert.equal(r.code, 0, r.stdout + r.stderr)
      const tokenRequests = server.seen.filter((s) => s.url.startsWith('/token'))
      assert.deepEqual(tokenRequests.map((s) => [s.tls, s.headers.authorization]), [[true, BASIC], [false, undefined]])
      assertClean(r)
    } finally {
      await server.close()
    }
  })
})
