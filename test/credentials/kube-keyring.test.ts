import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {isDefaultRegistryMatch, keyringIndex, kubeletLookup, urlsMatch} from '../../src/credentials/kube-keyring.js'

/**
 * The kubelet's matching rules, table by table from kubernetes/kubernetes pkg/credentialprovider/keyring_test.go
 * (TestURLsMatch, TestDockerKeyringForGlob, TestKeyringMiss, TestIsDefaultRegistryMatch, TestDockerKeyringLookup,
 * TestIssue3797): the same inputs and expected answers, run against regprobe's implementation.
 */
describe('kubelet keyring: urlsMatch (TestURLsMatch)', () => {
  const table: Array<[string, string, boolean]> = [
    ['*.kubernetes.io', 'prefix.kubernetes.io', true],
    ['prefix.*.io', 'prefix.kubernetes.io', true],
    ['prefix.kubernetes.*', 'prefix.kubernetes.io', true],
    ['*-good.kubernetes.io', 'prefix-good.kubernetes.io', true],
    ['*.kubernetes.io/blah', 'prefix.kubernetes.io/blah', true],
    ['prefix.*.io/foo', 'prefix.kubernetes.io/foo/bar', true],
    ['*.kubernetes.io:1111/blah', 'prefix.kubernetes.io:1111/blah', true],
    ['prefix.*.io:1111/foo', 'prefix.kubernetes.io:1111/foo/bar', true],
    ['*.kubernetes.io', 'kubernetes.io', false],
    ['*.*.kubernetes.io', 'prefix.kubernetes.io', false],
    ['*.*.kubernetes.io', 'kubernetes.io', false],
    ['kubernetes.io', 'kubernetes.com', false],
    ['k*.io', 'quay.io', false],
    ['*.kubernetes.io:1234/blah', 'prefix.kubernetes.io:1111/blah', false],
    ['prefix.*.io/foo', 'prefix.kubernetes.io:1111/foo/bar', false],
  ]
  for (const [glob, target, want] of table) it(`${glob} ~ ${target} → ${want}`, () => assert.equal(urlsMatch(glob, target), want))
})

describe('kubelet keyring: lookup by key as written in a secret', () => {
  const hits: Array<[string, string]> = [
    ['https://hello.kubernetes.io', 'hello.kubernetes.io'],
    ['https://*.docker.io', 'prefix.docker.io'],
    ['https://prefix.*.io', 'prefix.docker.io'],
    ['https://prefix.docker.*', 'prefix.docker.io'],
    ['https://*.docker.io/path', 'prefix.docker.io/path'],
    ['https://prefix.*.io/path', 'prefix.docker.io/path/subpath'],
    ['https://prefix.docker.*/path', 'prefix.docker.io/path'],
    ['https://*.docker.io:8888', 'prefix.docker.io:8888'],
    ['https://prefix.*.io:8888', 'prefix.docker.io:8888'],
    ['https://prefix.docker.*:8888', 'prefix.docker.io:8888'],
    ['https://*.docker.io/path:1111', 'prefix.docker.io/path:1111'],
    ['https://*.docker.io/v1/', 'prefix.docker.io/path:1111'],
    ['https://*.docker.io/v2/', 'prefix.docker.io/path:1111'],
    ['https://prefix.docker.*/path:1111', 'prefix.docker.io/path:1111'],
    ['prefix.docker.io:1111', 'prefix.docker.io:1111/path'],
    ['*.docker.io:1111', 'prefix.docker.io:1111/path'],
  ]
  for (const [key, target] of hits) it(`hit (TestDockerKeyringForGlob): ${key} for ${target}/foo/bar`, () => assert.equal(kubeletLookup([{key, value: 1}], `${target}/foo/bar`).length, 1))
  const misses: Array<[string, string]> = [
    ['https://hello.kubernetes.io', 'world.mesos.org/foo/bar'],
    ['https://*.docker.com', 'prefix.docker.io'],
    ['https://suffix.*.io', 'prefix.docker.io'],
    ['https://prefix.docker.c*', 'prefix.docker.io'],
    ['https://prefix.*.io/path:1111', 'prefix.docker.io/path/subpath:1111'],
    ['suffix.*.io', 'prefix.docker.io'],
  ]
  for (const [key, target] of misses) it(`miss (TestKeyringMiss): ${key} for ${target}/foo/bar`, () => assert.deepEqual(kubeletLookup([{key, value: 1}], `${target}/foo/bar`), []))

  it('Docker Hub\'s key serves unqualified and docker.io images, not others (TestKeyringHitWith*DockerHub, TestKeyringMissWithDockerHubCredentials)', () => {
    const hub = [{key: 'https://index.docker.io/v1/', value: 'hub'}]
    assert.equal(keyringIndex('https://index.docker.io/v1/'), 'index.docker.io')
    for (const image of ['google/docker-registry', 'jenkins', 'docker.io/library/nginx']) assert.deepEqual(kubeletLookup(hub, image).map((m) => [m.value, m.via]), [['hub', 'docker-hub-default']], image)
    assert.deepEqual(kubeletLookup(hub, 'index.docker.io/v1//google/docker-registry').map((m) => m.value), ['hub'])
    assert.deepEqual(kubeletLookup(hub, 'world.mesos.org/foo/bar'), [])
  })

  it('most specific first, path prefix as a string (TestDockerKeyringLookup)', () => {
    const entries = [{key: 'bar.example.com/pong', value: 'grace'}, {key: 'bar.example.com', value: 'ada'}]
    const look = (image: string) => kubeletLookup(entries, image).map((m) => m.value)
    assert.deepEqual(look('bar.example.com'), ['ada'])
    assert.deepEqual(look('bar.example.com/pong'), ['grace', 'ada'])
    assert.deepEqual(look('bar.example.com/ping'), ['ada'])
    assert.deepEqual(look('bar.example.com/pongz'), ['grace', 'ada'])
    assert.deepEqual(look('bar.example.com/pong/pang'), ['grace', 'ada'])
    assert.deepEqual(look('example.com'), [])
    assert.deepEqual(look('foo.example.com'), [])
  })

  it('a scheme and /v1/ are ignored (TestIssue3797)', () => {
    for (const image of ['quay.io', 'quay.io/foo', 'quay.io/foo/bar']) assert.equal(kubeletLookup([{key: 'https://quay.io/v1/', value: 'rex'}], image).length, 1, image)
  })

  it('docker\'s rules would differ: a bare "docker.io" key matches Hub images by URL, "registry:5000" does not match another port', () => {
    assert.deepEqual(kubeletLookup([{key: 'docker.io', value: 1}], 'docker.io/library/nginx').map((m) => m.via), ['url'])
    assert.deepEqual(kubeletLookup([{key: 'registry:5000', value: 1}], 'registry:5001/app'), [])
  })
})

describe('kubelet keyring: isDefaultRegistryMatch (TestIsDefaultRegistryMatch)', () => {
  const table: Array<[string, boolean]> = [['foo/bar', true], ['docker.io/foo/bar', true], ['index.docker.io/foo/bar', true], ['foo', true], ['', false], ['registry.tld/foo/bar', false], ['registry:5000/foo/bar', false], ['myhostdocker.io/foo/bar', false]]
  for (const [image, want] of table) it(`"${image}" → ${want}`, () => assert.equal(isDefaultRegistryMatch(image), want))
})
