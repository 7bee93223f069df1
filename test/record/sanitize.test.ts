import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {decodeJwt} from '../../src/auth/jwt.js'
import {fakeBasic, fakeOpaque, fakeToken} from '../../tools/record/fakes.js'
import {loopbackAliases, sanitizeRecords, type NockRecord} from '../../tools/record/sanitize.js'

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url')
const JWT = `${b64({alg: 'RS256', typ: 'JWT'})}.${b64({aud: '127.0.0.1:41000', sub: 'alice', access: []})}.abcDEF123-_xyz`
const classes = (s: string) => s.replace(/[a-z]/g, 'a').replace(/[A-Z]/g, 'A').replace(/[0-9]/g, '9')

describe('same-shaped fakes (pure apart from randomness)', () => {
  const opaque: Array<{name: string; token: string}> = [
    {name: 'ghcr base64 token', token: 'djE6YWNtZS9hcHA6MTc2MDAwMDAwMDEyMzQ1Njc4OQ=='},
    {name: 'hex', token: '0123456789abcdef0123'},
    {name: 'prefixed PAT keeps its prefix separators', token: 'glpat-AbC123xyz'},
  ]
  for (const c of opaque) {
    it(`opaque: ${c.name} keeps length and character classes, and changes`, () => {
      const f = fakeOpaque(c.token)
      assert.equal(f.length, c.token.length)
      assert.equal(classes(f), classes(c.token))
      assert.notEqual(f, c.token)
    })
  }

  it('a JWT keeps header and claims, gets a new signature of the same shape', () => {
    const f = fakeToken(JWT)
    const [h, p, s] = f.split('.')
    assert.equal(h, JWT.split('.')[0])
    assert.equal(p, JWT.split('.')[1])
    assert.equal(s!.length, 'abcDEF123-_xyz'.length)
    assert.notEqual(s, 'abcDEF123-_xyz')
    assert.equal(decodeJwt(f)?.claims.sub, 'alice')
  })

  it('a JWT\'s claims are rewritten through the host map', () => {
    const f = fakeToken(JWT, (t) => t.split('127.0.0.1:41000').join('registry.local:5000'))
    assert.equal(decodeJwt(f)?.claims.aud, 'registry.local:5000')
  })

  it('Basic keeps the user name and fakes the password', () => {
    const f = Buffer.from(fakeBasic(Buffer.from('alice:wonderland').toString('base64')), 'base64').toString()
    assert.match(f, /^alice:[a-z]{10}$/)
    assert.notEqual(f, 'alice:wonderland')
  })

  it('malformed Basic (no colon) is faked whole', () => {
    assert.notEqual(fakeBasic(Buffer.from('justatoken').toString('base64')), Buffer.from('justatoken').toString('base64'))
  })
})

describe('sanitizeRecords', () => {
  const records: NockRecord[] = [
    {scope: 'http://127.0.0.1:41000', method: 'GET', path: '/v2/', status: 401, response: {errors: []}, rawHeaders: {'www-authenticate': 'Bearer realm="http://127.0.0.1:42000/token",service="s"', 'content-length': '12'}, reqheaders: {'user-agent': 'x'}},
    {scope: 'http://127.0.0.1:42000', method: 'GET', path: '/token?service=s', status: 200, response: {token: JWT, access_token: JWT, refresh_token: 'r3fr3shT0ken'}, rawHeaders: {'set-cookie': 'sid=secret'}, reqheaders: {authorization: `Basic ${Buffer.from('alice:wonderland').toString('base64')}`}},
    {scope: 'http://127.0.0.1:41000', method: 'HEAD', path: '/v2/a/manifests/latest', status: 200, response: '', rawHeaders: ['content-type', 'application/json'], reqheaders: {authorization: `Bearer ${JWT}`}},
  ]
  const hosts = loopbackAliases(records)
  const out = sanitizeRecords(records, {hosts})

  it('names loopback origins in order of appearance', () => {
    assert.deepEqual([...hosts], [['127.0.0.1:41000', 'registry.local:5000'], ['127.0.0.1:42000', 'auth.local:5001']])
  })
  it('rewrites hosts in URLs and headers', () => {
    assert.equal(out[0]!.url, 'http://registry.local:5000/v2/')
    assert.equal(out[0]!.resHeaders['www-authenticate'], 'Bearer realm="http://auth.local:5001/token",service="s"')
  })
  it('drops user-agent, set-cookie and content-length', () => {
    assert.deepEqual(out[0]!.reqHeaders, {})
    assert.equal(out[0]!.resHeaders['content-length'], undefined)
    assert.equal(out[1]!.resHeaders['set-cookie'], undefined)
  })
  it('the same token gets the same fake in the body and in the Authorization header that carries it', () => {
    const body = JSON.parse(out[1]!.body) as {token: string; access_token: string; refresh_token: string}
    assert.notEqual(body.token, JWT)
    assert.equal(body.token, body.access_token)
    assert.equal(out[2]!.reqHeaders.authorization, `Bearer ${body.token}`)
    assert.equal(body.refresh_token.length, 'r3fr3shT0ken'.length)
    assert.notEqual(body.refresh_token, 'r3fr3shT0ken')
  })
  it('no secret survives anywhere', () => {
    const text = JSON.stringify(out)
    for (const s of ['wonderland', 'secret', 'abcDEF123-_xyz', 'r3fr3shT0ken', '127.0.0.1']) assert.ok(!text.includes(s), s)
  })
  it('header arrays are read as name/value pairs', () => {
    assert.equal(out[2]!.resHeaders['content-type'], 'application/json')
    assert.equal(out[2]!.body, '')
  })
})
