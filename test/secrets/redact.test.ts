import assert from 'node:assert/strict'
import {createHash} from 'node:crypto'
import {describe, it} from 'node:test'
import {recordBody, redactJson, SecretBox} from '../../src/http/redact.js'
import {escapeData} from '../../src/render/github.js'
import {serverLine} from '../../src/render/sanitize.js'

describe('redaction where values are recorded', () => {
  it('a short password is searched only in a realm answer, and only as a whole word', () => {
    const box = new SecretBox()
    box.addBasic('alice', 'test')
    assert.equal(box.scrub('latest', {passwords: false}), 'latest')
    assert.equal(box.scrub('tags: latest test', {passwords: false}), 'tags: latest test')
    assert.match(box.scrub('bad password test for alice'), /^bad password <redacted password 4 chars hmac:[0-9a-f]{8}> for alice$/)
    assert.equal(box.scrub('latest'), 'latest')
  })

  it('a token is searched everywhere, in its encodings', () => {
    const box = new SecretBox()
    const token = 'tok-0123456789abcdef0123'
    box.add(token)
    assert.doesNotMatch(box.scrub(`x${token}y and ${Buffer.from(token).toString('base64')}`, {passwords: false}), /tok-0123/)
  })

  it('fingerprints are salted per run: not the plain SHA-256 prefix, equal for equal values', () => {
    const box = new SecretBox()
    box.addPassword('hunter2-hunter2')
    const a = box.scrub('hunter2-hunter2')
    const plain = createHash('sha256').update('hunter2-hunter2').digest('hex').slice(0, 8)
    assert.ok(!a.includes(plain))
    assert.equal(box.scrub('hunter2-hunter2'), a)
  })

  it('a token endpoint 2xx answer: every string but known-safe keys is a secret; booleans and numbers stay', () => {
    const box = new SecretBox()
    const json = {accessToken: 'abc.def', data: {jwt: 'xyz'}, expires_in: 300, issued_at: '2024-01-01T00:00:00Z', ok: true}
    const out = redactJson(json, box, {tokenAnswer: true}) as any
    assert.equal(out.accessToken.redacted, true)
    assert.equal(out.data.jwt.redacted, true)
    assert.equal(out.expires_in, 300)
    assert.equal(out.issued_at, '2024-01-01T00:00:00Z')
    assert.equal(out.ok, true)
    const text = recordBody({bytes: 20, text: 'plain-token-value\n', json: undefined, contentType: 'text/plain', truncated: false, tokenAnswerStatus: 200}, box)
    assert.match(text.textPreview!, /^<redacted opaque 17 chars hmac:[0-9a-f]{8}>$/)
    // A registry's answer is kept as sent (a tag that is the password's word included).
    const tags = recordBody({bytes: 30, text: '', json: {tags: ['latest', 'true']}, truncated: false}, box)
    assert.deepEqual(tags.json, {tags: ['latest', 'true']})
  })
})

describe('serverLine: one sanitizer for server text', () => {
  it('escapes controls, C1, bidi; neutralises a leading workflow command; caps the length', () => {
    assert.equal(serverLine('a\nb\r\x1b[2J\x07\u0085\u202e'), 'a\\nb\\r\\x1b[2J\\x07\\x85\\u202e')
    assert.equal(serverLine('::stop-commands::abc'), '\\x3a:stop-commands::abc')
    assert.equal(serverLine('  ##[error]x'), '  \\x23#[error]x')
    assert.equal(serverLine('ok::not a command'), 'ok::not a command')
    assert.equal(serverLine('x'.repeat(10), 4), 'xxxx…')
  })

  it('annotation data is escaped per the runner: %25 %0D %0A', () => {
    assert.equal(escapeData('100%\r\n::x'), '100%25%0D%0A::x')
  })
})
