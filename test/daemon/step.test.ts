import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {daemonStep} from '../../src/daemon/step.js'
import type {DaemonInfo} from '../../src/daemon/info.js'
import type {Finding} from '../../src/trace/types.js'

const info: DaemonInfo = {
  indexServerAddress: 'https://index.docker.io/v1/',
  insecureRegistryCIDRs: ['127.0.0.0/8'],
  indexConfigs: {
    'docker.io': {Name: 'docker.io', Mirrors: ['https://m.corp/'], Secure: true, Official: true},
    'r.corp:5000': {Name: 'r.corp:5000', Mirrors: [], Secure: false, Official: false},
  },
  mirrors: ['https://m.corp/'],
  httpsProxy: 'http://p:3128',
  serverVersion: '20.10.24+dfsg1',
}

describe('daemonStep', () => {
  it('the registry view as facts, a one-line summary, status ok without findings', () => {
    const s = daemonStep(info, [])
    assert.equal(s.stage, 'daemon')
    assert.equal(s.status, 'ok')
    assert.deepEqual(s.facts.insecureRegistries, ['r.corp:5000'])
    assert.deepEqual(s.facts.insecureRegistryCIDRs, ['127.0.0.0/8'])
    assert.deepEqual(s.facts.mirrors, ['https://m.corp/'])
    assert.equal(s.facts.httpsProxy, 'http://p:3128')
    assert.deepEqual(s.facts.registries!.map((r) => r.name), ['docker.io', 'r.corp:5000'])
    assert.equal(s.summary, 'Docker daemon 20.10.24+dfsg1; insecure: r.corp:5000, 127.0.0.0/8; mirrors: https://m.corp/; proxy http://p:3128')
    assert.deepEqual(s.exchanges, [])
  })
  it('status follows the worst finding', () => {
    const warn: Finding = {code: 'daemon.proxy.shell-only', severity: 'warn', message: 'm'}
    const error: Finding = {code: 'daemon.ca.missing', severity: 'error', message: 'm'}
    assert.equal(daemonStep(info, [warn]).status, 'warn')
    assert.equal(daemonStep(info, [warn, error]).status, 'fail')
  })
  it('no daemon: a failed step whose first finding carries the error code, exit 3 and the fix', () => {
    const s = daemonStep(undefined, [], {code: 'daemon.permission-denied', message: 'permission denied on the Docker daemon socket', hint: 'add the user to the docker group'})
    assert.equal(s.status, 'fail')
    assert.equal(s.summary, 'permission denied on the Docker daemon socket')
    assert.deepEqual(s.findings[0], {code: 'daemon.permission-denied', severity: 'error', exitCode: 3, message: 'permission denied on the Docker daemon socket', fix: 'add the user to the docker group'})
  })
  it('not asked at all: skipped', () => {
    assert.equal(daemonStep(undefined, []).status, 'skip')
  })
  it('an empty view reads plainly', () => {
    const s = daemonStep({insecureRegistryCIDRs: [], indexConfigs: {}, mirrors: []}, [])
    assert.equal(s.summary, 'Docker daemon; no insecure registries; no mirrors; no proxy')
  })
})
