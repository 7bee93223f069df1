import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {interceptorOf} from '../../src/http/presented-chain.js'
import {SecretBox, redactHeaders} from '../../src/http/redact.js'

describe('interceptorOf: who signed, not who is named', () => {
  it('a chain issued by an inspection product\'s CA is an interception', () => {
    assert.equal(interceptorOf([{subject: 'CN=registry.corp', issuer: 'CN=Zscaler Intermediate Root CA, O=Zscaler Inc.', validTo: ''}]), 'Zscaler')
  })
  it('a vendor\'s own registry with its own public CA is not', () => {
    assert.equal(interceptorOf([{subject: 'CN=registry.sophos.example, O=Sophos Ltd', issuer: 'CN=R11, O=Let\'s Encrypt', validTo: ''}]), undefined)
  })
})

describe('Location headers are redacted, whatever their shape', () => {
  const box = new SecretBox()
  for (const value of ['https://bucket.s3.example/obj?X-Amz-Signature=secret-signature-1', '/v2/x/blobs/uploads/1?_state=secret-state-12', '//[zz/obj?sig=secret-signature-2', 'relative?sig=secret-signature-3']) {
    it(`${value.slice(0, 30)}…: no query value survives, and nothing throws`, () => {
      const out = redactHeaders({Location: value}, box).location!
      assert.doesNotMatch(out, /secret-/)
    })
  }
  it('a relative path keeps its form, only the value is replaced', () => {
    assert.equal(redactHeaders({location: '/v2/x/blobs/uploads/1?_state=secret-state-12'}, box).location, '/v2/x/blobs/uploads/1?_state=REDACTED')
  })
})
