// Header text as Go reads it (issue 17 part 5): UTF-8 where the bytes are valid UTF-8, Latin-1 otherwise, and the
// exchange says which. Node hands header values over as Latin-1 strings (one char per byte): before this, a UTF-8
// realm `https://rëgistry.example/token` arrived as `https://rÃ«gistry.example/token` and was "not an absolute URL".
// Servers here are synthetic, modelled on a registry behind a proxy that writes UTF-8 header text.
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {parseWWWAuthenticate} from '../../src/auth/challenge.js'
import {HttpClient} from '../../src/http/client.js'
import {ResponseHeaders} from '../../src/http/headers.js'
import {parseJsonOut, runCli} from '../helpers/cli.js'
import {recording} from '../helpers/hostile-servers.js'

/** The bytes of `text` in UTF-8, as the Latin-1 string Node's http module writes byte for byte. */
const utf8Bytes = (text: string) => Buffer.from(text, 'utf8').toString('latin1')
const REALM = 'https://rëgistry.example/token'

describe('ResponseHeaders: UTF-8 where valid, Latin-1 otherwise', () => {
  it('valid UTF-8 bytes are read as UTF-8, and the charset says so', () => {
    const h = new ResponseHeaders(['X-Message', utf8Bytes('Zugriff für ä verweigert'), 'Content-Type', 'application/json'])
    assert.equal(h.get('x-message'), 'Zugriff für ä verweigert')
    assert.equal(h.charset, 'utf-8')
  })
  it('bytes that are not UTF-8 stay Latin-1 (a lone 0xE4 is "ä" in Latin-1), and the charset says latin1', () => {
    const h = new ResponseHeaders(['X-Message', 'f\u00e4hig'])
    assert.equal(h.get('x-message'), 'fähig')
    assert.equal(h.charset, 'latin1')
  })
  it('pure ASCII has no charset mark; repeated fields join with ", " and names sort as in the Headers class', () => {
    const h = new ResponseHeaders(['WWW-Authenticate', 'Basic realm="a"', 'Date', 'x', 'www-authenticate', 'Bearer realm="b"'])
    assert.equal(h.charset, undefined)
    assert.equal(h.get('WWW-Authenticate'), 'Basic realm="a", Bearer realm="b"')
    assert.deepEqual([...h.keys()], ['date', 'www-authenticate'])
    assert.equal(h.has('DATE'), true)
    assert.equal(h.get('missing'), null)
  })
  it('a UTF-8 realm with a non-ASCII host parses as an absolute URL', () => {
    const h = new ResponseHeaders(['WWW-Authenticate', utf8Bytes(`Bearer realm="${REALM}",service="reg"`)])
    const c = parseWWWAuthenticate(h.get('www-authenticate') ?? undefined).challenges[0]!
    assert.equal(c.realm, REALM)
    assert.equal(new URL(c.realm!).hostname, 'xn--rgistry-rya.example')
  })
})

describe('UTF-8 header text end to end (real loopback server, compiled CLI)', () => {
  it('the client records the decoded value and headerCharset on the exchange', async () => {
    const s = await recording((req, res) => {
      res.setHeader('warning', utf8Bytes('299 - "Lizenz läuft ab"'))
      res.writeHead(200, {'content-type': 'application/json'})
      res.end('{}')
    })
    try {
      const r = await new HttpClient({timeoutMs: 5000, env: {}}).send({method: 'GET', url: `${s.origin}/v2/`})
      assert.equal(r.headers?.get('warning'), '299 - "Lizenz läuft ab"')
      assert.equal(r.exchange.response?.headers.warning, '299 - "Lizenz läuft ab"')
      assert.equal(r.exchange.response?.headerCharset, 'utf-8')
    } finally {
      await s.close()
    }
  })

  it('challenge: the realm https://rëgistry.example/token is accepted, and a message with ä shows as ä', async () => {
    const s = await recording((req, res) => {
      res.setHeader('www-authenticate', utf8Bytes(`Bearer realm="${REALM}",service="reg"`))
      res.setHeader('warning', utf8Bytes('299 - "Wartung: Zugriff für ä eingeschränkt"'))
      res.writeHead(401, {'content-type': 'application/json', 'docker-distribution-api-version': 'registry/2.0'})
      res.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}')
    })
    try {
      const json = await runCli(['probe', `http://${s.host}`, '--json'])
      const t = parseJsonOut(json)
      const findings = t.steps.flatMap((x: {findings: Array<{code: string}>}) => x.findings.map((f) => f.code))
      assert.ok(!findings.some((c: string) => c.endsWith('realm-invalid')), findings.join(', '))
      assert.equal(t.steps[0].facts.realm, REALM)
      const human = await runCli(['probe', `http://${s.host}`])
      assert.match(human.stdout, /Zugriff für ä eingeschränkt/)
      assert.doesNotMatch(human.stdout, /fÃ¼r|Ã¤/)
    } finally {
      await s.close()
    }
  })
})
