import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {describeRateLimit} from '../../src/diagnosis/rate-limit.js'

const NOW = Date.parse('2025-10-09T08:53:20Z')
const h = (o: Record<string, string>) => new Headers(o)

describe('describeRateLimit', () => {
  it('Docker Hub\'s headers for an anonymous pull (values from Docker\'s documentation)', () => {
    const v = describeRateLimit(h({'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '20;w=21600', 'docker-ratelimit-source': '192.0.2.1'}), NOW)
    assert.equal(v.text, '100 pulls per 6 h, 20 left, counted against 192.0.2.1 (an IP address: anonymous pulls share the limit with every machine behind it)')
    assert.equal(v.byAddress, true)
  })

  it('an account id as the source, and Retry-After in seconds or as a date', () => {
    const id = describeRateLimit(h({'ratelimit-limit': '200;w=21600', 'docker-ratelimit-source': 'c3b4a2e1-7c6d-4b0a-9f1e-2d3c4b5a6f70', 'retry-after': '120'}), NOW)
    assert.equal(id.text, '200 pulls per 6 h, counted against c3b4a2e1-7c6d-4b0a-9f1e-2d3c4b5a6f70 (an account), retry after 120 s')
    assert.equal(id.byAddress, false)
    assert.equal(describeRateLimit(h({'retry-after': 'Thu, 09 Oct 2025 09:03:20 GMT'}), NOW).retryAfterS, 600)
  })

  it('nothing to say without the headers; a garbled Retry-After is ignored', () => {
    assert.deepEqual(describeRateLimit(h({'retry-after': 'soon'}), NOW), {text: '', byAddress: false})
  })
})
