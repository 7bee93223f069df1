import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {daemonConnectError} from '../../src/daemon/connect-error.js'
import {parseDockerHost} from '../../src/daemon/endpoint.js'
import {ExitCode} from '../../src/trace/types.js'

/** fetch's shape: TypeError('fetch failed') with the socket error as its cause. */
function fetchFailed(code: string): Error {
  const cause = Object.assign(new Error(`connect ${code} /var/run/docker.sock`), {code})
  return new TypeError('fetch failed', {cause})
}

describe('daemonConnectError: classified by error code', () => {
  const unix = parseDockerHost(undefined)
  const tcp = parseDockerHost('tcp://10.0.0.5:2375')
  const cases: Array<{name: string; err: unknown; ep: typeof unix; timedOut?: boolean; code: string; message: RegExp; hint?: RegExp}> = [
    {name: 'ENOENT on a socket: missing', err: fetchFailed('ENOENT'), ep: unix, code: 'daemon.socket-missing', message: /no Docker daemon socket at \/var\/run\/docker\.sock/, hint: /DOCKER_HOST/},
    {name: 'ENOTDIR (a path through a file): missing', err: fetchFailed('ENOTDIR'), ep: unix, code: 'daemon.socket-missing', message: /no Docker daemon socket/},
    {name: 'EACCES: the docker-group fix', err: fetchFailed('EACCES'), ep: unix, code: 'daemon.permission-denied', message: /permission denied/, hint: /docker group.*sudo/},
    {name: 'EPERM counts as denied too', err: fetchFailed('EPERM'), ep: unix, code: 'daemon.permission-denied', message: /permission denied/},
    {name: 'ECONNREFUSED on a socket: a stale file', err: fetchFailed('ECONNREFUSED'), ep: unix, code: 'daemon.unreachable', message: /left over/},
    {name: 'ECONNREFUSED on tcp', err: fetchFailed('ECONNREFUSED'), ep: tcp, code: 'daemon.unreachable', message: /nothing listens at tcp:\/\/10\.0\.0\.5:2375/},
    {name: 'DNS failure on tcp', err: fetchFailed('ENOTFOUND'), ep: tcp, code: 'daemon.unreachable', message: /cannot resolve/},
    {name: 'timeout wins over the abort error', err: new DOMException('aborted', 'TimeoutError'), ep: unix, timedOut: true, code: 'daemon.unreachable', message: /did not answer within 1500 ms/},
    {name: 'an unknown code is named', err: fetchFailed('EWEIRD'), ep: unix, code: 'daemon.unreachable', message: /\(EWEIRD\)/},
    {name: 'a thrown non-error', err: 'boom', ep: unix, code: 'daemon.unreachable', message: /cannot reach the Docker daemon/},
    {name: 'a cause chain with AggregateError (IPv4 and IPv6 refused)', err: new TypeError('fetch failed', {cause: new AggregateError([Object.assign(new Error('x'), {code: 'ECONNREFUSED'})])}), ep: tcp, code: 'daemon.unreachable', message: /nothing listens/},
  ]
  for (const c of cases) {
    it(c.name, () => {
      const e = daemonConnectError(c.err, c.ep, {timedOut: c.timedOut ?? false, timeoutMs: 1500})
      assert.equal(e.code, c.code)
      assert.equal(e.exitCode, ExitCode.UNREACHABLE)
      assert.match(e.message, c.message)
      if (c.hint) assert.match(e.hint ?? '', c.hint)
    })
  }
  it('ENOENT on a tcp endpoint is not called a missing socket', () => {
    assert.notEqual(daemonConnectError(fetchFailed('ENOENT'), tcp, {timedOut: false, timeoutMs: 1}).code, 'daemon.socket-missing')
  })
})
