import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {parseAuthAnswer} from '../../src/daemon/auth.js'
import {fingerprint} from '../../src/http/redact.js'

const sent = {username: 'alice', password: 'S3cret-pass'}
const answer = (status: number, json: unknown) => ({status, json, text: JSON.stringify(json)})

describe('parseAuthAnswer (POST /auth)', () => {
  it('Login Succeeded without an identity token', () => {
    assert.deepEqual(parseAuthAnswer(answer(200, {IdentityToken: '', Status: 'Login Succeeded'}), sent), {ok: true, httpStatus: 200, status: 'Login Succeeded'})
  })
  it('an identity token comes back redacted (opaque), with its length and hash prefix', () => {
    const token = 'refresh-abcdef-0123456789'
    const r = parseAuthAnswer(answer(200, {IdentityToken: token, Status: 'Login Succeeded'}), sent)
    assert.deepEqual(r.identityToken, {redacted: true, kind: 'opaque', length: token.length, sha256: fingerprint(token)})
    assert.ok(!JSON.stringify(r).includes(token))
  })
  it('a JWT identity token is labelled jwt', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln'
    assert.equal(parseAuthAnswer(answer(200, {IdentityToken: jwt, Status: 'Login Succeeded'}), sent).identityToken?.kind, 'jwt')
  })
  it('a 401 with the registry\'s text', () => {
    const r = parseAuthAnswer(answer(401, {message: 'Get "https://127.0.0.1:5000/v2/": unauthorized: authentication required'}), sent)
    assert.deepEqual(r, {ok: false, httpStatus: 401, message: 'Get "https://127.0.0.1:5000/v2/": unauthorized: authentication required'})
  })
  it('the password is stripped from an error message, raw and base64', () => {
    const basic = Buffer.from('alice:S3cret-pass').toString('base64')
    const r = parseAuthAnswer(answer(500, {message: `echo S3cret-pass and Basic ${basic}`}), sent)
    assert.ok(!r.message!.includes('S3cret-pass'))
    assert.ok(!r.message!.includes(basic))
    assert.match(r.message!, /redacted/)
  })
  it('a short password standing alone is stripped, but not inside other words', () => {
    const r = parseAuthAnswer(answer(500, {message: 'bad pw: abc (abcdef)'}), {username: 'u', password: 'abc'})
    assert.equal(r.message, 'bad pw: <redacted password> (abcdef)')
  })
  it('user:password@ in a URL inside the message loses the password', () => {
    const r = parseAuthAnswer(answer(500, {message: 'proxyconnect tcp: http://bob:pr0xy@10.0.0.1:3128 refused'}), sent)
    assert.equal(r.message, 'proxyconnect tcp: http://bob:REDACTED@10.0.0.1:3128 refused')
  })
  it('a non-JSON error body is used as text', () => {
    assert.deepEqual(parseAuthAnswer({status: 502, text: ' Bad Gateway \n', json: undefined}, sent), {ok: false, httpStatus: 502, message: 'Bad Gateway'})
  })
  it('an empty error body still says something', () => {
    assert.equal(parseAuthAnswer({status: 503, text: '', json: undefined}, sent).message, 'the daemon answered 503')
  })
})
