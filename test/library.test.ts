import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import * as lib from '../src/index.js'

describe('the engine as a library', () => {
  it('exports the stages, flows and parsers, and they work without the CLI', () => {
    for (const name of ['probe', 'challengeStage', 'tokenStage', 'accessStage', 'loginStage', 'probeFlow', 'doctorFlow', 'parseReference', 'parseWWWAuthenticate', 'HttpClient']) {
      assert.equal(typeof (lib as Record<string, unknown>)[name], 'function', name)
    }
    assert.equal(lib.parseReference('alpine').canonical, 'docker.io/library/alpine:latest')
    const {challenges} = lib.parseWWWAuthenticate('Bearer realm="https://auth.docker.io/token",service="registry.docker.io", Basic realm="x"')
    assert.deepEqual(challenges.map((c) => c.scheme), ['bearer', 'basic'])
    assert.equal(lib.ExitCode.DENIED, 7)
  })
})
