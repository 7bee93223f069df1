import assert from 'node:assert/strict'
import type http from 'node:http'
import {after, before, describe, it} from 'node:test'
import {parseJsonOut, runCli} from '../helpers/cli.js'
import {raw, recording, writeRaw, type Recording} from '../helpers/hostile-servers.js'
import {CONCURRENCY, allFindings, assertClean, verdictLine} from './support.js'

/**
 * Malformed WWW-Authenticate values end to end, through `challenge` (--json) and `doctor` (human). The parser's
 * properties are fuzzed in test/auth/fuzz.test.ts; these are what the whole CLI makes of them. Where each comes
 * from: the empty realm is distribution with auth.token.realm unset (registry-auth.md); Negotiate/NTLM is what a
 * Windows-authenticating proxy (IIS, a corporate gateway) sends; the others are RFC 7235 edge cases written here
 * (unterminated quotes, case and spacing, unquoted commas, relative and javascript: realms). `{realm}` stands for a
 * working token endpoint.
 */
interface Case {
  name: string
  header: string
  challenge: {code: number; finding?: string; headline?: RegExp}
  doctor: {code: number; headline: RegExp}
}

const CASES: Case[] = [
  {
    name: 'an empty realm (auth.token.realm unset) is a protocol error that says so',
    header: 'Bearer realm=,service="registry"',
    challenge: {code: 5, finding: 'challenge.no-realm', headline: /no realm/},
    doctor: {code: 5, headline: /no realm/},
  },
  {
    name: 'an unterminated quote is a warning, and the values before it still work',
    header: 'Bearer realm="{realm}",service="registry',
    challenge: {code: 0, finding: 'probe.challenge.unterminated-quote'},
    doctor: {code: 0, headline: /pull of .* works anonymously/},
  },
  {
    name: 'upper-case scheme and parameter names, spaces around commas: accepted as RFC 7235 says',
    header: 'BEARER REALM="{realm}" , SERVICE="registry"',
    challenge: {code: 0},
    doctor: {code: 0, headline: /works anonymously/},
  },
  {
    name: 'unquoted values with a comma inside the scope and empty list elements: no crash, the flow continues',
    header: 'Bearer realm={realm},,,service=registry,,scope=repository:team/app:pull,push',
    challenge: {code: 0},
    doctor: {code: 0, headline: /works anonymously/},
  },
  {
    name: 'a relative realm is named as unusable: exit 5',
    header: 'Bearer realm="/token",service="registry"',
    challenge: {code: 5, finding: 'challenge.realm-invalid', headline: /realm "\/token"/},
    doctor: {code: 5, headline: /realm "\/token"/},
  },
  {
    name: 'a javascript: realm is refused in a trace (no token request, no thrown error): exit 5',
    header: 'Bearer realm="javascript:alert(1)",service="registry"',
    challenge: {code: 5, finding: 'challenge.realm-invalid'},
    doctor: {code: 5, headline: /realm "javascript:alert\(1\)"/},
  },
  {
    name: 'only schemes docker does not speak (Negotiate, NTLM): a warning, then "needs credentials": exit 6',
    header: 'Negotiate, NTLM',
    challenge: {code: 0, finding: 'probe.unknown-scheme'},
    doctor: {code: 6, headline: /needs credentials/},
  },
]

describe('hostile WWW-Authenticate values, end to end', {concurrency: CONCURRENCY}, () => {
  let token: Recording
  before(async () => {
    // The token spec's answer ({token, expires_in}); opaque, as ghcr.io's and Quay's tokens are.
    token = await recording((req, res) => {
      res.writeHead(200, {'content-type': 'application/json'})
      res.end(JSON.stringify({token: 'opaque-test-token-0123456789', expires_in: 300}))
    })
  })
  after(() => token.close())

  /** A registry that answers `header` to every anonymous request and 200 to any Bearer. */
  function registry(header: string): http.RequestListener {
    return (req, res) => {
      if (req.headers.authorization?.startsWith('Bearer ') && req.url !== '/v2/') {
        res.writeHead(200, {'docker-distribution-api-version': 'registry/2.0'})
        return void res.end()
      }
      res.writeHead(401, {'content-type': 'application/json', 'docker-distribution-api-version': 'registry/2.0', 'www-authenticate': header})
      res.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}')
    }
  }

  for (const c of CASES) {
    it(c.name, async () => {
      const s = await recording(registry(c.header.replaceAll('{realm}', `${token.origin}/token`)))
      try {
        const [ch, doc] = await Promise.all([
          runCli(['challenge', `http://${s.host}/team/app`, '--json']),
          runCli(['doctor', `http://${s.host}/team/app`]),
        ])
        assert.equal(ch.code, c.challenge.code, ch.stdout + ch.stderr)
        const t = parseJsonOut(ch)
        assert.equal(t.schema, 'regprobe/trace@1', 'a diagnosed problem is a trace, not an error document')
        if (c.challenge.finding) assert.ok(allFindings(t).includes(c.challenge.finding), allFindings(t).join(' '))
        if (c.challenge.headline) assert.match(t.verdict.headline, c.challenge.headline)
        assert.equal(doc.code, c.doctor.code, doc.stdout + doc.stderr)
        assert.match(verdictLine(doc.stdout), c.doctor.headline)
        assertClean(ch)
        assertClean(doc)
      } finally {
        await s.close()
      }
    })
  }

  it('a 401 without any challenge is exit 5, naming the missing header, in both modes', async () => {
    const s = await recording((req, res) => {
      res.writeHead(401, {'content-type': 'application/json', 'docker-distribution-api-version': 'registry/2.0'})
      res.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}')
    })
    try {
      const [human, json] = await Promise.all([runCli(['doctor', `http://${s.host}/team/app`]), runCli(['challenge', `http://${s.host}/team/app`, '--json'])])
      assert.equal(human.code, 5, human.stdout + human.stderr)
      assert.match(verdictLine(human.stdout), /401 without a WWW-Authenticate challenge/)
      assert.equal(json.code, 5, json.stdout + json.stderr)
      assert.equal(parseJsonOut(json).verdict.causes[0].code, 'probe.no-challenge')
      assertClean(human)
    } finally {
      await s.close()
    }
  })

  it('a NUL byte in the header is not HTTP: exit 5, named as a malformed response', async () => {
    const s = await raw((c) => writeRaw(c.socket, '401 Unauthorized', [['docker-distribution-api-version', 'registry/2.0'], ['www-authenticate', Buffer.from('\u0000Bearer realm="x"')]], '{}'))
    try {
      const r = await runCli(['challenge', `http://${s.host}/team/app`, '--json'])
      assert.equal(r.code, 5, r.stdout + r.stderr)
      const t = parseJsonOut(r)
      assert.equal(t.verdict.causes[0].code, 'probe.http.malformed')
      assert.match(t.verdict.headline, /not valid HTTP\/1\.1 \(Invalid header value char\)/)
      assertClean(r)
    } finally {
      await s.close()
    }
  })

  // Headers are read up to Go's 10 MiB, as docker reads them (test/http/failure-node.test.ts has the overflow past it).
  it('a 60 KB challenge is read as docker reads it, and the output stays bounded', async () => {
    const s = await recording((req, res) => {
      res.writeHead(401, {'docker-distribution-api-version': 'registry/2.0', 'www-authenticate': `Bearer realm="https://${'a'.repeat(60_000)}.example/token"`})
      res.end()
    })
    try {
      const r = await runCli(['challenge', `http://${s.host}/team/app`])
      assert.equal(r.code, 0, r.stdout + r.stderr)
      assert.match(verdictLine(r.stdout), /Bearer challenge for repository:team\/app:pull/)
      assert.ok(r.stdout.length < 16 * 1024, `${r.stdout.length} characters of output`)
      assertClean(r)
    } finally {
      await s.close()
    }
  })
})
