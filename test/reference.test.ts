import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {UsageError} from '../src/errors.js'
import {
  DOCKER_HUB_CONFIG_KEY,
  isLoopbackHost,
  parseReference,
  parseRegistry,
  type ImageReference,
  type RegistryAddress,
} from '../src/reference.js'

const SHA256 = `sha256:${'a1'.repeat(32)}`
const SHA512 = `sha512:${'0f'.repeat(64)}`

const HUB: Partial<RegistryAddress> = {
  host: 'registry-1.docker.io',
  hostname: 'registry-1.docker.io',
  name: 'docker.io',
  isDockerHub: true,
  isLoopback: false,
  configKey: DOCKER_HUB_CONFIG_KEY,
}

function pick<T extends object>(value: T, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const k of keys) out[k] = (value as Record<string, unknown>)[k]
  return out
}

function assertUsageError(fn: () => unknown, code: string, includes: string[] = [], excludes: string[] = []): UsageError {
  let caught: unknown
  try {
    fn()
  } catch (err) {
    caught = err
  }
  assert.ok(caught instanceof UsageError, `expected a UsageError, got ${String(caught)}`)
  assert.equal(caught.code, code, caught.message)
  assert.equal(caught.exitCode, 2)
  for (const s of includes) assert.ok(caught.message.includes(s), `message ${JSON.stringify(caught.message)} lacks ${JSON.stringify(s)}`)
  for (const s of excludes) assert.ok(!caught.message.includes(s) && !(caught.hint ?? '').includes(s), `message leaks ${JSON.stringify(s)}`)
  return caught
}

describe('parseReference: valid references', () => {
  const cases: Array<{name: string; input: string; want: Partial<ImageReference>; registry?: Partial<RegistryAddress>}> = [
    {
      name: 'single-component Hub name gets library/ and latest',
      input: 'alpine',
      want: {repository: 'library/alpine', tag: 'latest', reference: 'latest', canonical: 'docker.io/library/alpine:latest'},
      registry: {...HUB, input: 'docker.io'},
    },
    {
      name: 'user namespace on Hub keeps its path',
      input: 'alice/app:1.2',
      want: {repository: 'alice/app', tag: '1.2', canonical: 'docker.io/alice/app:1.2'},
      registry: HUB,
    },
    {
      name: 'explicit docker.io still adds library/',
      input: 'docker.io/redis',
      want: {repository: 'library/redis', canonical: 'docker.io/library/redis:latest'},
      registry: {...HUB, input: 'docker.io'},
    },
    {
      name: 'index.docker.io is the legacy Hub name',
      input: 'index.docker.io/library/nginx:1',
      want: {repository: 'library/nginx', canonical: 'docker.io/library/nginx:1'},
      registry: {...HUB, input: 'index.docker.io'},
    },
    {
      name: 'registry-1.docker.io is Hub but contacted as itself and without library/ (as docker does)',
      input: 'registry-1.docker.io/alpine',
      want: {repository: 'alpine', canonical: 'registry-1.docker.io/alpine:latest'},
      registry: {host: 'registry-1.docker.io', name: 'registry-1.docker.io', isDockerHub: true, configKey: 'registry-1.docker.io'},
    },
    {
      name: 'host with port and nested path',
      input: 'host:5000/a/b:tag',
      want: {repository: 'a/b', tag: 'tag', reference: 'tag', canonical: 'host:5000/a/b:tag'},
      registry: {host: 'host:5000', hostname: 'host', port: 5000, name: 'host:5000', configKey: 'host:5000', isDockerHub: false, isLoopback: false},
    },
    {
      name: 'digest only: no default tag, reference is the digest',
      input: `host:5000/a/b@${SHA256}`,
      want: {repository: 'a/b', tag: undefined, digest: SHA256, reference: SHA256, canonical: `host:5000/a/b@${SHA256}`},
    },
    {
      name: 'tag and digest: both kept, the digest is what is fetched',
      input: `ghcr.io/acme/app:v1@${SHA256}`,
      want: {tag: 'v1', digest: SHA256, reference: SHA256, canonical: `ghcr.io/acme/app:v1@${SHA256}`},
      registry: {host: 'ghcr.io', name: 'ghcr.io', isDockerHub: false},
    },
    {
      name: 'sha512 digest is accepted',
      input: `quay.io/redhat/ubi8@${SHA512}`,
      want: {digest: SHA512, reference: SHA512},
    },
    {
      name: 'localhost without a dot or port is a registry',
      input: 'localhost/app',
      want: {repository: 'app', canonical: 'localhost/app:latest'},
      registry: {host: 'localhost', isLoopback: true, isDockerHub: false},
    },
    {
      name: 'loopback IPv4 registry is insecure-by-default',
      input: '127.0.0.1:5000/app',
      registry: {host: '127.0.0.1:5000', hostname: '127.0.0.1', port: 5000, isLoopback: true},
      want: {repository: 'app'},
    },
    {
      name: 'bracketed IPv6 registry with port',
      input: '[::1]:5000/team/app:dev',
      want: {repository: 'team/app', tag: 'dev', canonical: '[::1]:5000/team/app:dev'},
      registry: {host: '[::1]:5000', hostname: '::1', port: 5000, name: '[::1]:5000', isLoopback: true},
    },
    {
      name: 'upper-case first component is a host, as in docker',
      input: 'MyRegistry/app',
      want: {repository: 'app'},
      registry: {host: 'MyRegistry', name: 'MyRegistry'},
    },
    {
      name: 'separators . _ __ and runs of - in path components',
      input: 'reg.example.com/a.b/c_d/e__f/g---h',
      want: {repository: 'a.b/c_d/e__f/g---h'},
    },
    {
      name: 'tag of 128 characters with upper case and dots',
      input: `alpine:V${'x.'.repeat(63)}_`,
      want: {tag: `V${'x.'.repeat(63)}_`},
    },
    {
      name: 'AR-style deep path',
      input: 'us-docker.pkg.dev/project/repo/image:latest',
      want: {repository: 'project/repo/image'},
      registry: {host: 'us-docker.pkg.dev'},
    },
    {
      name: 'ECR private host',
      input: '123456789012.dkr.ecr.eu-west-2.amazonaws.com/app',
      registry: {host: '123456789012.dkr.ecr.eu-west-2.amazonaws.com', isDockerHub: false},
      want: {repository: 'app'},
    },
  ]
  for (const c of cases) {
    it(c.name, () => {
      const ref = parseReference(c.input)
      assert.equal(ref.input, c.input)
      assert.deepEqual(pick(ref, Object.keys(c.want)), c.want)
      if (c.registry) assert.deepEqual(pick(ref.registry, Object.keys(c.registry)), c.registry)
      assert.equal(ref.probablyRegistry, undefined)
    })
  }
})

describe('parseReference: inputs that were probably meant as a registry', () => {
  const cases = [
    {name: 'localhost:5000 reads as library/localhost tag 5000', input: 'localhost:5000', meant: 'localhost:5000', repo: 'library/localhost', tag: '5000'},
    {name: 'myhost:5000 reads as library/myhost tag 5000', input: 'myhost:5000', meant: 'myhost:5000', repo: 'library/myhost', tag: '5000'},
    {name: 'a bare domain reads as a Hub image', input: 'ghcr.io', meant: 'ghcr.io', repo: 'library/ghcr.io', tag: 'latest'},
    {name: 'bare localhost reads as a Hub image', input: 'localhost', meant: 'localhost', repo: 'library/localhost', tag: 'latest'},
  ]
  for (const c of cases) {
    it(c.name, () => {
      const ref = parseReference(c.input)
      assert.equal(ref.registry.isDockerHub, true)
      assert.equal(ref.repository, c.repo)
      assert.equal(ref.tag, c.tag)
      assert.equal(ref.probablyRegistry, c.meant)
    })
  }
  it('a non-numeric tag is an image, not a registry', () => {
    assert.equal(parseReference('myhost:v5000').probablyRegistry, undefined)
  })
})

describe('parseReference: errors', () => {
  const cases: Array<{name: string; input: string; code: string; includes?: string[]; excludes?: string[]}> = [
    {name: 'empty input', input: '', code: 'reference.empty'},
    {name: 'blank input', input: '   ', code: 'reference.empty'},
    {
      name: 'invalid tag names the tag and the rule',
      input: 'alpine:x!',
      code: 'reference.invalid-tag',
      includes: ['invalid tag "x!" in "alpine:x!"', "a tag is up to 128 letters, digits, '_', '.' or '-', not starting with '.' or '-'"],
    },
    {name: 'tag starting with a dot', input: 'alpine:.x', code: 'reference.invalid-tag', includes: ['".x"']},
    {name: 'tag of 129 characters', input: `alpine:${'a'.repeat(129)}`, code: 'reference.invalid-tag'},
    {name: 'empty tag', input: 'alpine:', code: 'reference.invalid-tag'},
    {
      name: 'upper case in the repository',
      input: 'docker.io/Alice/app',
      code: 'reference.uppercase',
      includes: ['repository name must be lowercase', '"Alice/app"'],
    },
    {name: 'upper case in a single-component name', input: 'Alpine:3', code: 'reference.uppercase', includes: ['"Alpine"']},
    {
      name: 'scheme prefix is refused with the way to write it',
      input: 'https://ghcr.io/acme/app',
      code: 'reference.scheme-not-allowed',
      includes: ['"https://"', 'REGISTRY/REPOSITORY', '"ghcr.io/acme/app"'],
    },
    {name: 'http scheme is refused too', input: 'http://localhost:5000/app', code: 'reference.scheme-not-allowed'},
    {name: 'invalid port', input: 'host:99999/app', code: 'reference.invalid-port', includes: ['"99999"']},
    {name: 'port with letters', input: 'host:50a/app', code: 'reference.invalid-port'},
    {name: 'host label ending in -', input: 'bad-.example.com/app', code: 'reference.invalid-host', includes: ['"bad-"']},
    {name: 'unbracketed IPv6', input: '::1:5000/app', code: 'reference.invalid-host', includes: ['brackets']},
    {name: 'bracketed garbage', input: '[zz::1]:5000/app', code: 'reference.invalid-host'},
    {name: 'registry without repository', input: 'host:5000/', code: 'reference.missing-repository'},
    {name: 'bracketed IPv6 alone names a registry', input: '[::1]:5000', code: 'reference.missing-repository', includes: ['names a registry']},
    {name: 'only a tag', input: ':latest', code: 'reference.missing-repository'},
    {name: 'empty path component', input: 'host/a//b', code: 'reference.invalid-repository', includes: ['empty path component']},
    {name: 'component starting with a separator', input: 'alice/-app', code: 'reference.invalid-repository', includes: ['"-app"']},
    {name: 'triple underscore', input: 'alice/a___b', code: 'reference.invalid-repository'},
    {name: 'unicode in the name', input: 'alice/äpp', code: 'reference.invalid-repository'},
    {name: 'short digest', input: 'alpine@sha256:abc', code: 'reference.invalid-digest', includes: ['"sha256:abc"']},
    {name: 'upper-case digest hex', input: `alpine@sha256:${'A1'.repeat(32)}`, code: 'reference.invalid-digest', includes: ['lower-case']},
    {name: 'unknown digest algorithm', input: `alpine@md5:${'a'.repeat(32)}`, code: 'reference.unsupported-digest'},
    {name: 'two @', input: `alpine@${SHA256}@${SHA256}`, code: 'reference.invalid-digest'},
    {name: 'a bare image ID', input: 'f'.repeat(64), code: 'reference.image-id'},
    {
      name: 'name longer than 255 characters',
      input: `reg.example.com/${'a'.repeat(250)}`,
      code: 'reference.name-too-long',
    },
    {name: 'absurdly long input is refused before parsing', input: 'a'.repeat(5000), code: 'reference.too-long'},
    {
      name: 'credentials in the reference are refused without echoing them',
      input: 'alice:s3cretPW@registry.example.com/app',
      code: 'reference.credentials-not-allowed',
      excludes: ['s3cretPW'],
    },
    {
      name: 'credentials after a scheme are refused without echoing them',
      input: 'https://alice:s3cretPW@registry.example.com',
      code: 'reference.credentials-not-allowed',
      excludes: ['s3cretPW'],
    },
    {
      name: 'user:password@host without a path never echoes the password',
      input: 'alice:s3cretPW@host:5000',
      code: 'reference.invalid-digest',
      excludes: ['s3cretPW'],
    },
  ]
  for (const c of cases) {
    it(c.name, () => {
      assertUsageError(() => parseReference(c.input), c.code, c.includes, c.excludes)
    })
  }

  it('an upper-case repository gets a lower-case hint', () => {
    const err = assertUsageError(() => parseReference('Alpine'), 'reference.uppercase')
    assert.match(err.hint ?? '', /"alpine"/)
  })

  it('long input is cut in messages', () => {
    const err = assertUsageError(() => parseReference(`alpine:${'!'.repeat(900)}`), 'reference.invalid-tag')
    assert.ok(err.message.length < 600, `message is ${err.message.length} characters`)
  })
})

describe('parseRegistry', () => {
  const cases: Array<{name: string; input: string; want: Partial<RegistryAddress>}> = [
    {name: 'docker.io maps to Hub', input: 'docker.io', want: {...HUB, input: 'docker.io', scheme: undefined}},
    {name: 'index.docker.io maps to Hub', input: 'index.docker.io', want: HUB},
    {name: "docker's Hub config key maps to Hub", input: 'https://index.docker.io/v1/', want: {...HUB, scheme: 'https'}},
    {
      name: 'registry-1.docker.io is Hub, contacted as itself',
      input: 'registry-1.docker.io',
      want: {host: 'registry-1.docker.io', name: 'registry-1.docker.io', isDockerHub: true, configKey: 'registry-1.docker.io'},
    },
    {
      name: 'plain host',
      input: 'ghcr.io',
      want: {host: 'ghcr.io', hostname: 'ghcr.io', port: undefined, name: 'ghcr.io', isDockerHub: false, isLoopback: false, configKey: 'ghcr.io'},
    },
    {name: 'host and port', input: 'registry.local:5000', want: {host: 'registry.local:5000', hostname: 'registry.local', port: 5000, configKey: 'registry.local:5000'}},
    {name: 'http scheme is kept', input: 'http://localhost:5000', want: {scheme: 'http', host: 'localhost:5000', isLoopback: true}},
    {name: 'https scheme with trailing slash', input: 'https://host/', want: {scheme: 'https', host: 'host', name: 'host'}},
    {name: 'scheme is case-insensitive', input: 'HTTPS://host', want: {scheme: 'https', host: 'host'}},
    {name: 'trailing slash without scheme', input: 'host:5000/', want: {host: 'host:5000', scheme: undefined}},
    {name: '/v2/ path is tolerated', input: 'https://host/v2/', want: {host: 'host'}},
    {name: 'bracketed IPv6 loopback with port', input: '[::1]:5000', want: {host: '[::1]:5000', hostname: '::1', port: 5000, isLoopback: true, configKey: '[::1]:5000'}},
    {name: 'bracketed IPv6 without port', input: '[2001:db8::1]', want: {host: '[2001:db8::1]', hostname: '2001:db8::1', port: undefined, isLoopback: false}},
    {name: '127.0.0.0/8 is loopback', input: '127.1.2.3:443', want: {isLoopback: true, port: 443}},
  ]
  for (const c of cases) {
    it(c.name, () => {
      const r = parseRegistry(c.input)
      assert.equal(r.input, c.input)
      assert.deepEqual(pick(r, Object.keys(c.want).filter((k) => k !== 'input')), Object.fromEntries(Object.entries(c.want).filter(([k]) => k !== 'input')))
    })
  }

  const errors: Array<{name: string; input: string; code: string; includes?: string[]; excludes?: string[]}> = [
    {name: 'empty', input: '', code: 'registry.empty'},
    {name: 'port out of range', input: 'host:70000', code: 'registry.invalid-port', includes: ['"70000"', '1 to 65535']},
    {name: 'port zero', input: 'host:0', code: 'registry.invalid-port'},
    {name: 'empty port', input: 'host:', code: 'registry.invalid-port'},
    {name: 'unsupported scheme', input: 'ftp://host', code: 'registry.unsupported-scheme', includes: ['"ftp://"']},
    {name: 'a repository path', input: 'ghcr.io/acme/app', code: 'registry.path-not-allowed', includes: ['"/acme/app"']},
    {name: 'a query string', input: 'https://host/?x=1', code: 'registry.path-not-allowed'},
    {name: 'unbracketed IPv6', input: '::1', code: 'registry.invalid-host', includes: ['brackets']},
    {name: 'missing closing bracket', input: '[::1:5000', code: 'registry.invalid-host'},
    {name: 'space in the host', input: 'my host', code: 'registry.invalid-host'},
    {name: 'double dot', input: 'a..b', code: 'registry.invalid-host', includes: ['empty label']},
    {name: 'credentials are refused without echoing them', input: 'https://bob:hunter2@host', code: 'registry.credentials-in-url', excludes: ['hunter2']},
  ]
  for (const c of errors) {
    it(`refuses: ${c.name}`, () => {
      assertUsageError(() => parseRegistry(c.input), c.code, c.includes, c.excludes)
    })
  }
})

describe('isLoopbackHost', () => {
  const cases: Array<[string, boolean]> = [
    ['localhost', true],
    ['LOCALHOST', true],
    ['127.0.0.1', true],
    ['127.255.0.9', true],
    ['::1', true],
    ['[::1]', true],
    ['0:0:0:0:0:0:0:1', true],
    ['::ffff:127.0.0.1', true],
    ['128.0.0.1', false],
    ['10.0.0.1', false],
    ['::2', false],
    ['localhost.example.com', false],
    ['', false],
  ]
  for (const [host, want] of cases) {
    it(`${JSON.stringify(host)} → ${want}`, () => assert.equal(isLoopbackHost(host), want))
  }
})
