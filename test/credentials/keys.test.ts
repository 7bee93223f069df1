import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {convertToHostname, dockerKeyMatch, looseHost, nearMisses, normalizePodmanKey, podmanKeyMatch, podmanKeysFor} from '../../src/credentials/keys.js'
import {EXAMPLE, HUB} from './support.js'

describe('convertToHostname (docker/cli file_store.go)', () => {
  const cases: Array<[string, string]> = [
    ['https://registry.example.com', 'registry.example.com'],
    ['http://registry.example.com/v1/', 'registry.example.com'],
    ['https://registry.example.com:5000/v2/', 'registry.example.com:5000'],
    ['registry.example.com/v1/', 'registry.example.com'],
    ['registry.example.com', 'registry.example.com'],
    ['https://index.docker.io/v1/', 'index.docker.io'],
    ['localhost:5000', 'localhost:5000'],
  ]
  for (const [input, want] of cases) it(`${input} → ${want}`, () => assert.equal(convertToHostname(input), want))
})

describe('dockerKeyMatch', () => {
  it('prefers the exact key', () => assert.deepEqual(dockerKeyMatch(['https://registry.example.com', 'registry.example.com'], 'registry.example.com'), {key: 'registry.example.com', by: 'exact'}))
  it('falls back to host-name matching of legacy keys', () => assert.deepEqual(dockerKeyMatch(['https://registry.example.com/v1/'], 'registry.example.com'), {key: 'https://registry.example.com/v1/', by: 'hostname'}))
  it('Docker Hub matches only its v1 URL', () => {
    assert.equal(dockerKeyMatch(['docker.io', 'index.docker.io', 'https://index.docker.io/v2/'], HUB.configKey), undefined)
    assert.deepEqual(dockerKeyMatch(['https://index.docker.io/v1/'], HUB.configKey), {key: HUB.configKey, by: 'exact'})
  })
  it('a different port is a different registry', () => assert.equal(dockerKeyMatch(['registry.example.com:5000'], 'registry.example.com'), undefined))
})

describe('podman keys (containers/image authKeysForKey, normalizeAuthFileKey)', () => {
  it('most specific first', () => assert.deepEqual(podmanKeysFor('quay.io', 'org/ns/image'), ['quay.io/org/ns/image', 'quay.io/org/ns', 'quay.io/org', 'quay.io']))
  it('registry only without a repository', () => assert.deepEqual(podmanKeysFor('quay.io'), ['quay.io']))
  it('namespaced key wins over the host key', () => assert.deepEqual(podmanKeyMatch(['quay.io', 'quay.io/org'], 'quay.io', 'org/repo'), {key: 'quay.io/org', by: 'exact'}))
  it('Hub keys normalise to index.docker.io', () => {
    for (const k of ['https://index.docker.io/v1/', 'registry-1.docker.io', 'docker.io', 'index.docker.io']) assert.equal(normalizePodmanKey(k), 'index.docker.io', k)
    assert.deepEqual(podmanKeyMatch(['https://index.docker.io/v1/'], 'docker.io', 'library/alpine'), {key: 'https://index.docker.io/v1/', by: 'hostname'})
  })
  it('a key without scheme keeps its path (it is a namespace, not a URL)', () => assert.equal(normalizePodmanKey('quay.io/org'), 'quay.io/org'))
})

describe('nearMisses', () => {
  it('finds Hub keys docker does not match', () => assert.deepEqual(nearMisses(['docker.io', 'ghcr.io', 'https://index.docker.io/v2/'], HUB), ['docker.io', 'https://index.docker.io/v2/']))
  it('finds case and :443 variants', () => assert.deepEqual(nearMisses(['Registry.Example.com', 'registry.example.com:443', 'other.example.com'], EXAMPLE), ['Registry.Example.com', 'registry.example.com:443']))
  it('excludes the matched key', () => assert.deepEqual(nearMisses(['registry.example.com'], EXAMPLE, 'registry.example.com'), []))
  it('looseHost folds Hub names', () => assert.equal(looseHost('HTTPS://Registry-1.Docker.io/v2/'), 'docker.io'))
})
