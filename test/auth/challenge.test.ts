import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {formatChallenge, parseWWWAuthenticate, pickChallenge, type Challenge} from '../../src/auth/challenge.js'

interface Want {
  scheme: string
  params?: Record<string, string>
  token68?: string
}
interface Case {
  name: string
  input: string | string[] | undefined
  want: Want[]
  /** Problem codes, in order. */
  problems?: string[]
}

function shape(c: Challenge): Want {
  const out: Want = {scheme: c.scheme, params: {...c.params}}
  if (c.token68 !== undefined) out.token68 = c.token68
  return out
}

function check(c: Case): void {
  const parsed = parseWWWAuthenticate(c.input)
  assert.deepEqual(
    parsed.challenges.map(shape),
    c.want.map((w) => ({params: {}, ...w})),
  )
  assert.deepEqual(
    parsed.problems.map((p) => p.code),
    c.problems ?? [],
    JSON.stringify(parsed.problems),
  )
}

const HUB_REALM = 'https://auth.docker.io/token'

// Every challenge string from fixtures/registries.json and registry-auth.md, as registries send them.
const REAL: Case[] = [
  {
    name: 'Docker Hub ping: realm and service, no scope',
    input: `Bearer realm="${HUB_REALM}",service="registry.docker.io"`,
    want: [{scheme: 'bearer', params: {realm: HUB_REALM, service: 'registry.docker.io'}}],
  },
  {
    name: 'Docker Hub repository challenge',
    input: `Bearer realm="${HUB_REALM}",service="registry.docker.io",scope="repository:library/redis:pull"`,
    want: [{scheme: 'bearer', params: {realm: HUB_REALM, service: 'registry.docker.io', scope: 'repository:library/redis:pull'}}],
  },
  {
    name: 'Docker Hub insufficient_scope for a private or missing repository',
    input: `Bearer realm="${HUB_REALM}",service="registry.docker.io",scope="repository:acme/secret:pull",error="insufficient_scope"`,
    want: [
      {
        scheme: 'bearer',
        params: {realm: HUB_REALM, service: 'registry.docker.io', scope: 'repository:acme/secret:pull', error: 'insufficient_scope'},
      },
    ],
  },
  {
    name: 'spec example with a comma inside the quoted scope',
    input: `Bearer realm="${HUB_REALM}",service="registry.docker.io",scope="repository:samalba/my-app:pull,push"`,
    want: [{scheme: 'bearer', params: {realm: HUB_REALM, service: 'registry.docker.io', scope: 'repository:samalba/my-app:pull,push'}}],
  },
  {
    name: 'GHCR ping with its placeholder scope',
    input: 'Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:user/image:pull"',
    want: [{scheme: 'bearer', params: {realm: 'https://ghcr.io/token', service: 'ghcr.io', scope: 'repository:user/image:pull'}}],
  },
  {
    name: 'GHCR repository challenge',
    input: 'Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:acme/app:pull"',
    want: [{scheme: 'bearer', params: {realm: 'https://ghcr.io/token', service: 'ghcr.io', scope: 'repository:acme/app:pull'}}],
  },
  {
    name: "legacy GitHub Packages: Basic with a realm containing spaces",
    input: 'Basic realm="GitHub Package Registry"',
    want: [{scheme: 'basic', params: {realm: 'GitHub Package Registry'}}],
  },
  {
    name: 'Quay ping without scope',
    input: 'Bearer realm="https://quay.io/v2/auth",service="quay.io"',
    want: [{scheme: 'bearer', params: {realm: 'https://quay.io/v2/auth', service: 'quay.io'}}],
  },
  {
    name: 'Quay repository challenge',
    input: 'Bearer realm="https://quay.io/v2/auth",service="quay.io",scope="repository:redhat/ubi8:pull"',
    want: [{scheme: 'bearer', params: {realm: 'https://quay.io/v2/auth', service: 'quay.io', scope: 'repository:redhat/ubi8:pull'}}],
  },
  {
    name: 'GitLab ping: realm on another host, service container_registry',
    input: 'Bearer realm="https://gitlab.com/jwt/auth",service="container_registry"',
    want: [{scheme: 'bearer', params: {realm: 'https://gitlab.com/jwt/auth', service: 'container_registry'}}],
  },
  {
    name: 'GitLab catalog challenge',
    input: 'Bearer realm="https://gitlab.example.com/jwt/auth",service="container_registry",scope="registry:catalog:*"',
    want: [{scheme: 'bearer', params: {realm: 'https://gitlab.example.com/jwt/auth', service: 'container_registry', scope: 'registry:catalog:*'}}],
  },
  {
    name: 'ECR: Basic with an extra service parameter',
    input: 'Basic realm="https://123456789012.dkr.ecr.eu-west-2.amazonaws.com/",service="ecr.amazonaws.com"',
    want: [{scheme: 'basic', params: {realm: 'https://123456789012.dkr.ecr.eu-west-2.amazonaws.com/', service: 'ecr.amazonaws.com'}}],
  },
  {
    name: 'ECR Public',
    input: 'Bearer realm="https://public.ecr.aws/token/",service="public.ecr.aws"',
    want: [{scheme: 'bearer', params: {realm: 'https://public.ecr.aws/token/', service: 'public.ecr.aws'}}],
  },
  {
    name: 'gcr.io sends service unquoted (a valid token)',
    input: 'Bearer realm="https://gcr.io/v2/token",service=gcr.io',
    want: [{scheme: 'bearer', params: {realm: 'https://gcr.io/v2/token', service: 'gcr.io'}}],
  },
  {
    name: 'Artifact Registry ping: realm only',
    input: 'Bearer realm="https://us-docker.pkg.dev/v2/token"',
    want: [{scheme: 'bearer', params: {realm: 'https://us-docker.pkg.dev/v2/token'}}],
  },
  {
    name: 'Artifact Registry repository challenge',
    input: 'Bearer realm="https://us-docker.pkg.dev/v2/token",service="us-docker.pkg.dev",scope="repository:project/repo/image:pull"',
    want: [
      {
        scheme: 'bearer',
        params: {realm: 'https://us-docker.pkg.dev/v2/token', service: 'us-docker.pkg.dev', scope: 'repository:project/repo/image:pull'},
      },
    ],
  },
  {
    name: 'ACR ping',
    input: 'Bearer realm="https://contosoregistry.azurecr.io/oauth2/token",service="contosoregistry.azurecr.io"',
    want: [{scheme: 'bearer', params: {realm: 'https://contosoregistry.azurecr.io/oauth2/token', service: 'contosoregistry.azurecr.io'}}],
  },
  {
    name: 'ACR catalog challenge',
    input: 'Bearer realm="https://contosoregistry.azurecr.io/oauth2/token",service="contosoregistry.azurecr.io",scope="registry:catalog:*"',
    want: [
      {
        scheme: 'bearer',
        params: {realm: 'https://contosoregistry.azurecr.io/oauth2/token', service: 'contosoregistry.azurecr.io', scope: 'registry:catalog:*'},
      },
    ],
  },
  {
    name: 'Harbor answers a rejected credential with Basic',
    input: 'Basic realm="harbor"',
    want: [{scheme: 'basic', params: {realm: 'harbor'}}],
  },
  {
    name: 'Harbor bearer challenge',
    input: 'Bearer realm="https://harbor.example.com/service/token",service="harbor-registry",scope="repository:library/redis:pull"',
    want: [
      {
        scheme: 'bearer',
        params: {realm: 'https://harbor.example.com/service/token', service: 'harbor-registry', scope: 'repository:library/redis:pull'},
      },
    ],
  },
  {
    name: 'Harbor 1.x token-service',
    input: 'Bearer realm="https://harbor.example.com/service/token",service="token-service"',
    want: [{scheme: 'bearer', params: {realm: 'https://harbor.example.com/service/token', service: 'token-service'}}],
  },
  {
    name: 'registry:2 htpasswd',
    input: 'Basic realm="Registry Realm"',
    want: [{scheme: 'basic', params: {realm: 'Registry Realm'}}],
  },
  {
    name: 'registry:2 push challenge (pull,push)',
    input: 'Bearer realm="https://auth.local/token",service="registry.local:5000",scope="repository:alice/app:pull,push"',
    want: [{scheme: 'bearer', params: {realm: 'https://auth.local/token', service: 'registry.local:5000', scope: 'repository:alice/app:pull,push'}}],
  },
  {
    name: 'registry:2 insufficient_scope',
    input:
      'Bearer realm="https://auth.local/token",service="registry.local:5000",scope="repository:alice/app:pull,push",error="insufficient_scope"',
    want: [
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.local/token',
          service: 'registry.local:5000',
          scope: 'repository:alice/app:pull,push',
          error: 'insufficient_scope',
        },
      },
    ],
  },
  {
    name: 'registry:2 invalid_token',
    input: 'Bearer realm="https://auth.local/token",service="registry.local:5000",scope="repository:alice/app:pull",error="invalid_token"',
    want: [
      {
        scheme: 'bearer',
        params: {realm: 'https://auth.local/token', service: 'registry.local:5000', scope: 'repository:alice/app:pull', error: 'invalid_token'},
      },
    ],
  },
  {
    name: 'registry:2 catalog',
    input: 'Bearer realm="https://auth.local/token",service="registry.local:5000",scope="registry:catalog:*"',
    want: [{scheme: 'bearer', params: {realm: 'https://auth.local/token', service: 'registry.local:5000', scope: 'registry:catalog:*'}}],
  },
  {
    name: 'registry:2 cross-repository mount: two scopes, space-separated in one value',
    input: 'Bearer realm="https://auth.local/token",service="registry.local:5000",scope="repository:dst:pull,push repository:src:pull"',
    want: [
      {
        scheme: 'bearer',
        params: {realm: 'https://auth.local/token', service: 'registry.local:5000', scope: 'repository:dst:pull,push repository:src:pull'},
      },
    ],
  },
  {
    name: 'OCIR sends an empty scope',
    input: 'Bearer realm="https://uk-london-1.ocir.io/12345678/docker/token",service="uk-london-1.ocir.io",scope=""',
    want: [
      {scheme: 'bearer', params: {realm: 'https://uk-london-1.ocir.io/12345678/docker/token', service: 'uk-london-1.ocir.io', scope: ''}},
    ],
  },
  {
    name: 'mixed-case scheme and parameter name (regclient fixture)',
    input: 'BaSiC ReAlM="Registry Realm"',
    want: [{scheme: 'basic', params: {realm: 'Registry Realm'}}],
  },
]

const SYNTAX: Case[] = [
  {
    name: 'two challenges in one value, as Node joins repeated headers',
    input: 'Bearer realm="a",service="b", Basic realm="c"',
    want: [
      {scheme: 'bearer', params: {realm: 'a', service: 'b'}},
      {scheme: 'basic', params: {realm: 'c'}},
    ],
  },
  {
    name: 'two challenges as two header values',
    input: ['Bearer realm="a",service="b"', 'Basic realm="c"'],
    want: [
      {scheme: 'bearer', params: {realm: 'a', service: 'b'}},
      {scheme: 'basic', params: {realm: 'c'}},
    ],
  },
  {
    name: 'a scheme-only challenge between two others',
    input: 'Basic realm="a", Negotiate, Bearer realm="b"',
    want: [{scheme: 'basic', params: {realm: 'a'}}, {scheme: 'negotiate'}, {scheme: 'bearer', params: {realm: 'b'}}],
  },
  {
    name: 'realm with a query holding a comma',
    input: 'Bearer realm="https://x/token?a=1,b=2",service="s"',
    want: [{scheme: 'bearer', params: {realm: 'https://x/token?a=1,b=2', service: 's'}}],
  },
  {
    name: 'quoted-pair escapes',
    input: String.raw`Basic realm="say \"hi\" \\ \o/"`,
    want: [{scheme: 'basic', params: {realm: String.raw`say "hi" \ o/`}}],
  },
  {
    name: 'optional whitespace around "=" and ","',
    input: 'Bearer realm = "x" ,\tservice=  y , scope ="z"',
    want: [{scheme: 'bearer', params: {realm: 'x', service: 'y', scope: 'z'}}],
  },
  {
    name: 'RFC 7235 example with several params and an escaped title',
    input: String.raw`Newauth realm="apps", type=1, title="Login to \"apps\"", Basic realm="simple"`,
    want: [
      {scheme: 'newauth', params: {realm: 'apps', type: '1', title: 'Login to "apps"'}},
      {scheme: 'basic', params: {realm: 'simple'}},
    ],
  },
  {name: 'token68', input: 'Bearer abc123==', want: [{scheme: 'bearer', token68: 'abc123=='}]},
  {
    name: 'token68 followed by another challenge',
    input: 'Negotiate YII/+abc=, Basic realm="r"',
    want: [{scheme: 'negotiate', token68: 'YII/+abc='}, {scheme: 'basic', params: {realm: 'r'}}],
  },
  {name: 'scheme only', input: 'Bearer', want: [{scheme: 'bearer'}]},
  {name: 'scheme only with trailing whitespace', input: 'Bearer  ', want: [{scheme: 'bearer'}]},
  {
    name: 'empty list elements are ignored',
    input: ',, Bearer realm="a",,service="b" ,, ,Basic realm="c",',
    want: [
      {scheme: 'bearer', params: {realm: 'a', service: 'b'}},
      {scheme: 'basic', params: {realm: 'c'}},
    ],
  },
  {
    name: 'error_description is kept',
    input: 'Bearer realm="r",error="invalid_token",error_description="The access token expired"',
    want: [{scheme: 'bearer', params: {realm: 'r', error: 'invalid_token', error_description: 'The access token expired'}}],
  },
  {
    name: 'unicode inside a quoted value is kept as is',
    input: 'Basic realm="Registre privé ✓"',
    want: [{scheme: 'basic', params: {realm: 'Registre privé ✓'}}],
  },
  {
    name: 'a parameter called __proto__ is plain data',
    input: 'Bearer __proto__="x",realm="r"',
    want: [{scheme: 'bearer', params: {['__proto__']: 'x', realm: 'r'}}],
  },
]

const MALFORMED: Case[] = [
  {name: 'undefined header', input: undefined, want: [], problems: ['challenge.empty']},
  {name: 'empty string', input: '', want: [], problems: ['challenge.empty']},
  {name: 'no values', input: [], want: [], problems: ['challenge.empty']},
  {name: 'only commas and spaces', input: ' , ,, ', want: [], problems: ['challenge.empty']},
  {
    name: 'a missing close quote pairs with the next quote; what follows is garbage',
    input: 'Bearer realm="https://auth/token,service="x"',
    want: [{scheme: 'bearer', params: {realm: 'https://auth/token,service='}}],
    problems: ['challenge.trailing-garbage'],
  },
  {
    name: 'missing close quote at the end',
    input: 'Basic realm="Registry',
    want: [{scheme: 'basic', params: {realm: 'Registry'}}],
    problems: ['challenge.unterminated-quote'],
  },
  {
    name: 'backslash at the very end of an unterminated value',
    input: 'Basic realm="abc\\',
    want: [{scheme: 'basic', params: {realm: 'abc'}}],
    problems: ['challenge.unterminated-quote'],
  },
  {
    name: '"=" without a parameter name',
    input: 'Bearer realm="r", ="x"',
    want: [{scheme: 'bearer', params: {realm: 'r'}}],
    problems: ['challenge.bad-param'],
  },
  {name: 'header starting with "="', input: '=abc', want: [], problems: ['challenge.missing-scheme']},
  {
    name: 'parameters without a scheme, then a real challenge',
    input: 'realm="x", service="y", Basic realm="z"',
    want: [{scheme: 'basic', params: {realm: 'z'}}],
    problems: ['challenge.missing-scheme'],
  },
  {
    name: 'duplicate parameter keeps the first value',
    input: 'Bearer realm="first",REALM="second"',
    want: [{scheme: 'bearer', params: {realm: 'first'}}],
    problems: ['challenge.duplicate-param'],
  },
  {
    name: 'ad-hoc unquoted realm URL is taken up to the next comma',
    input: 'Bearer realm=https://registry.example.com/token,service=registry.example.com',
    want: [{scheme: 'bearer', params: {realm: 'https://registry.example.com/token', service: 'registry.example.com'}}],
    problems: ['challenge.unquoted-value-with-separators'],
  },
  {
    name: 'empty unquoted value',
    input: 'Bearer realm="r",scope=,service="s"',
    want: [{scheme: 'bearer', params: {realm: 'r', scope: '', service: 's'}}],
    problems: ['challenge.empty-value'],
  },
  {
    name: 'missing comma between two challenges',
    input: 'Bearer realm="a" Basic realm="b"',
    want: [{scheme: 'bearer', params: {realm: 'a'}}, {scheme: 'basic', params: {realm: 'b'}}],
    problems: ['challenge.missing-comma'],
  },
  {
    name: 'missing comma between two parameters',
    input: 'Bearer realm="a" service="b"',
    want: [{scheme: 'bearer', params: {realm: 'a', service: 'b'}}],
    problems: ['challenge.missing-comma'],
  },
  {
    name: 'garbage glued to a quoted value',
    input: 'Bearer realm="a"xyz, service="b"',
    want: [{scheme: 'bearer', params: {realm: 'a', service: 'b'}}],
    problems: ['challenge.trailing-garbage'],
  },
  {
    name: 'parameter name without "="',
    input: 'Bearer realm "x", service="y"',
    want: [{scheme: 'bearer', params: {service: 'y'}}],
    problems: ['challenge.bad-param'],
  },
  {
    name: 'garbage right after the scheme',
    input: 'Bearer;realm="x"',
    want: [{scheme: 'bearer'}],
    problems: ['challenge.trailing-garbage'],
  },
  {
    name: 'unicode outside quotes',
    input: 'Bearer réalm="x"',
    want: [{scheme: 'bearer'}],
    problems: ['challenge.bad-param'],
  },
  {
    name: 'a non-string value in the list is reported, the rest parsed',
    input: [42 as unknown as string, 'Basic realm="r"'],
    want: [{scheme: 'basic', params: {realm: 'r'}}],
    problems: ['challenge.not-a-string'],
  },
]

describe('parseWWWAuthenticate: real registry challenges', () => {
  for (const c of REAL) it(c.name, () => check(c))
})

describe('parseWWWAuthenticate: syntax', () => {
  for (const c of SYNTAX) it(c.name, () => check(c))
})

describe('parseWWWAuthenticate: malformed input', () => {
  for (const c of MALFORMED) it(c.name, () => check(c))

  it('very long input parses in linear time and caps the problems', () => {
    const long = `Bearer realm="${'x'.repeat(200_000)}",service="s"` + ', {junk}'.repeat(5_000)
    const started = performance.now()
    const parsed = parseWWWAuthenticate(long)
    assert.ok(performance.now() - started < 1000, 'took too long')
    assert.equal(parsed.challenges[0]?.realm?.length, 200_000)
    assert.equal(parsed.challenges[0]?.service, 's')
    assert.ok(parsed.problems.length > 0 && parsed.problems.length <= 50, `${parsed.problems.length} problems`)
  })

  it('problem messages quote at most a short snippet of the header', () => {
    const parsed = parseWWWAuthenticate(`Bearer realm="a" ${'y'.repeat(10_000)}!`)
    for (const p of parsed.problems) assert.ok(p.message.length < 200, p.message)
  })
})

describe('parseWWWAuthenticate: details', () => {
  it('fills the convenience copies', () => {
    const [c] = parseWWWAuthenticate(
      'Bearer realm="r",service="s",scope="repository:a:pull",error="insufficient_scope",error_description="d"',
    ).challenges
    assert.deepEqual(
      {realm: c?.realm, service: c?.service, scope: c?.scope, error: c?.error, errorDescription: c?.errorDescription},
      {realm: 'r', service: 's', scope: 'repository:a:pull', error: 'insufficient_scope', errorDescription: 'd'},
    )
  })

  it('leaves absent convenience copies undefined, and an empty scope as ""', () => {
    const [c] = parseWWWAuthenticate('Bearer realm="r",scope=""').challenges
    assert.equal(c?.service, undefined)
    assert.equal(c?.scope, '')
    assert.equal(Object.hasOwn(c!, 'service'), false)
  })

  it('keeps the raw slice of each challenge', () => {
    const parsed = parseWWWAuthenticate('Bearer realm="a",service="b", Basic realm="c"')
    assert.deepEqual(
      parsed.challenges.map((c) => c.raw),
      ['Bearer realm="a",service="b"', 'Basic realm="c"'],
    )
  })

  it('offsets point into the values joined with ", "', () => {
    const parsed = parseWWWAuthenticate(['Basic realm="r"', 'Bearer realm="a",realm="b"'])
    const problem = parsed.problems.find((p) => p.code === 'challenge.duplicate-param')
    assert.equal(problem?.offset, 'Basic realm="r", Bearer realm="a",'.length)
  })

  it('an unterminated quote in one header value does not swallow the next value', () => {
    const parsed = parseWWWAuthenticate(['Bearer realm="oops', 'Basic realm="r"'])
    assert.deepEqual(
      parsed.challenges.map((c) => c.scheme),
      ['bearer', 'basic'],
    )
  })
})

describe('pickChallenge', () => {
  const pick = (header: string): string | undefined => pickChallenge(parseWWWAuthenticate(header).challenges)?.scheme
  const cases: Array<[string, string, string | undefined]> = [
    ['bearer before basic', 'Basic realm="a", Bearer realm="b"', 'bearer'],
    ['basic when there is no bearer', 'Negotiate, Basic realm="a"', 'basic'],
    ['the first when neither is offered', 'Negotiate, NTLM', 'negotiate'],
    ['the first bearer of two', 'Bearer realm="one", Bearer realm="two"', 'bearer'],
    ['nothing from nothing', '', undefined],
  ]
  for (const [name, header, want] of cases) it(name, () => assert.equal(pick(header), want))

  it('returns the first bearer, not a later one', () => {
    const chosen = pickChallenge(parseWWWAuthenticate('Bearer realm="one", Bearer realm="two"').challenges)
    assert.equal(chosen?.realm, 'one')
  })
})

describe('formatChallenge', () => {
  it('writes params the way distribution does and escapes quotes and backslashes', () => {
    assert.equal(
      formatChallenge({scheme: 'Bearer', params: {realm: 'https://a/token', service: 'x', scope: 'say "\\"'}}),
      'Bearer realm="https://a/token",service="x",scope="say \\"\\\\\\""',
    )
  })
  it('writes a token68 and a bare scheme', () => {
    assert.equal(formatChallenge({scheme: 'Bearer', token68: 'abc=='}), 'Bearer abc==')
    assert.equal(formatChallenge({scheme: 'Negotiate'}), 'Negotiate')
  })
})
