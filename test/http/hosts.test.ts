import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {hostOfUrl, unbracket} from '../../src/http/hosts.js'

describe('hosts', () => {
  it('unbracket takes the brackets off an IPv6 literal and leaves everything else', () => {
    assert.deepEqual(['[::1]', '::1', 'registry.corp', '127.0.0.1', '[fd00::5]'].map(unbracket), ['::1', '::1', 'registry.corp', '127.0.0.1', 'fd00::5'])
  })

  it('hostOfUrl gives host[:port], and the authority as written when a scrubbed URL no longer parses', () => {
    assert.equal(hostOfUrl('https://[::1]:5000/v2/'), '[::1]:5000')
    assert.equal(hostOfUrl('http://127.0.0.1:<redacted password 5 chars>/v2/x'), '127.0.0.1:<redacted password 5 chars>')
    assert.equal(hostOfUrl('not a url'), 'not a url')
  })
})
