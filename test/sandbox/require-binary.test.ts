import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {requireBinary} from '../helpers/distribution.js'

describe('requireBinary (the e2e suites never skip silently)', () => {
  it('returns the path of a tool on PATH', () => {
    assert.match(requireBinary('sh', 'dash'), /\/sh$/)
  })

  it('throws with the apt-get command when the tool is missing', () => {
    assert.throws(
      () => requireBinary('regprobe-no-such-tool', 'some-package'),
      {message: 'regprobe-no-such-tool not found: install it with "apt-get install -y some-package" (bash .ci/run does this)'},
    )
  })
})
