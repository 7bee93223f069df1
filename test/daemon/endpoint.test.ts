import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {parseDockerHost} from '../../src/daemon/endpoint.js'
import {UsageError} from '../../src/errors.js'

describe('parseDockerHost', () => {
  const ok: Array<{name: string; value: string | undefined; expect: {host: string; socketPath?: string; baseUrl: string}}> = [
    {name: 'unset: the standard socket', value: undefined, expect: {host: 'unix:///var/run/docker.sock', socketPath: '/var/run/docker.sock', baseUrl: 'http://localhost'}},
    {name: 'empty string as unset (DOCKER_HOST= )', value: '  ', expect: {host: 'unix:///var/run/docker.sock', socketPath: '/var/run/docker.sock', baseUrl: 'http://localhost'}},
    {name: 'a rootless socket path', value: 'unix:///run/user/1000/docker.sock', expect: {host: 'unix:///run/user/1000/docker.sock', socketPath: '/run/user/1000/docker.sock', baseUrl: 'http://localhost'}},
    {name: 'tcp with port', value: 'tcp://10.0.0.5:2375', expect: {host: 'tcp://10.0.0.5:2375', baseUrl: 'http://10.0.0.5:2375'}},
    {name: 'tcp without port: docker\'s 2375', value: 'tcp://docker.corp', expect: {host: 'tcp://docker.corp', baseUrl: 'http://docker.corp:2375'}},
    {name: 'tcp with an empty host: localhost', value: 'tcp://:2376', expect: {host: 'tcp://:2376', baseUrl: 'http://127.0.0.1:2376'}},
    {name: 'tcp with IPv6', value: 'tcp://[::1]:2375', expect: {host: 'tcp://[::1]:2375', baseUrl: 'http://[::1]:2375'}},
    {name: 'tcp with a base path', value: 'tcp://h:2375/prefix/', expect: {host: 'tcp://h:2375/prefix/', baseUrl: 'http://h:2375/prefix'}},
    {name: 'a bare host:port is tcp, as docker reads it', value: 'h:2375', expect: {host: 'h:2375', baseUrl: 'http://h:2375'}},
    {name: 'scheme in upper case', value: 'TCP://h:1', expect: {host: 'TCP://h:1', baseUrl: 'http://h:1'}},
  ]
  for (const c of ok) it(c.name, () => assert.deepEqual(parseDockerHost(c.value), c.expect))

  const bad: Array<{name: string; value: string; code: string}> = [
    {name: 'relative unix path', value: 'unix://docker.sock', code: 'daemon.host.invalid'},
    {name: 'unix with no path', value: 'unix://', code: 'daemon.host.invalid'},
    {name: 'socket path too long for sun_path', value: `unix:///${'x'.repeat(120)}`, code: 'daemon.host.invalid'},
    {name: 'unknown scheme', value: 'ftp://h:1', code: 'daemon.host.invalid'},
    {name: 'garbage', value: 'not a host', code: 'daemon.host.invalid'},
    {name: 'port out of range', value: 'tcp://h:99999', code: 'daemon.host.invalid'},
    {name: 'non-numeric port', value: 'tcp://h:abc', code: 'daemon.host.invalid'},
    {name: 'user info', value: 'tcp://u:p@h:2375', code: 'daemon.host.invalid'},
    {name: 'ssh is not supported, with a port-forward hint', value: 'ssh://me@host', code: 'daemon.host.unsupported'},
    {name: 'npipe (Windows) is not supported', value: 'npipe:////./pipe/docker_engine', code: 'daemon.host.unsupported'},
  ]
  for (const c of bad) {
    it(`${c.name} → UsageError ${c.code}`, () => {
      assert.throws(() => parseDockerHost(c.value), (e: unknown) => e instanceof UsageError && e.code === c.code && e.exitCode === 2)
    })
  }
  it('the ssh hint says how to forward the socket', () => {
    assert.throws(() => parseDockerHost('ssh://me@host'), (e: unknown) => e instanceof UsageError && /ssh -nNT -L/.test(e.hint ?? ''))
  })
})
