// classifyFetchError against the error shapes each Node major's built-in fetch really throws. The end-to-end hostile
// suites cover the runtime they run on; these pin the shapes of the others, taken from the runtimes themselves:
//   Node 20.20 (undici 6): TypeError('fetch failed') caused by HTTPParserError {code: 'HPE_INVALID_HEADER_TOKEN'}
//   Node 24.21 (undici 7): the same HTTPParserError, but with code: undefined (only the name and message remain)
import {strict as assert} from 'node:assert'
import {describe, it} from 'node:test'
import {classifyFetchError} from '../../src/http/failure.js'
import {ExitCode} from '../../src/trace/types.js'

function fetchFailed(cause: object): Error {
  return Object.assign(new TypeError('fetch failed'), {cause})
}
function parserError(code: string | undefined): Error {
  const e = new Error('Response does not match the HTTP/1.1 protocol (Invalid header value char)')
  e.name = 'HTTPParserError'
  return Object.assign(e, {code, data: '\u0000Bearer\r\n'})
}
const ctx = {url: 'http://127.0.0.1:5000/v2/', timedOut: false, timeoutMs: 10_000}

describe('classifyFetchError: runtime error shapes', () => {
  for (const [runtime, code] of [['Node 20 (llhttp code present)', 'HPE_INVALID_HEADER_TOKEN'], ['Node 24 (code undefined)', undefined]] as const) {
    it(`a header the parser rejects is http.malformed, exit ${ExitCode.PROTOCOL}: ${runtime}`, () => {
      const f = classifyFetchError(fetchFailed(parserError(code)), ctx)
      assert.equal(f.code, 'http.malformed')
      assert.equal(f.exitCode, ExitCode.PROTOCOL)
      assert.equal(f.message, '127.0.0.1:5000 sent a response that is not valid HTTP/1.1 (Invalid header value char)')
      assert.equal(f.rawCode, code ?? 'HTTP_PARSER')
    })
  }

  it('an unnamed error with the same words is not taken for a parser error', () => {
    const f = classifyFetchError(fetchFailed(new Error('something (odd)')), ctx)
    assert.equal(f.code, 'other')
  })

  it('headers past the limit say so, whatever the runtime', () => {
    const f = classifyFetchError(fetchFailed(Object.assign(new Error('Headers Overflow Error'), {code: 'UND_ERR_HEADERS_OVERFLOW'})), ctx)
    assert.equal(f.code, 'http.malformed')
    assert.match(f.message, /response headers larger than 10 MiB/)
  })
})
