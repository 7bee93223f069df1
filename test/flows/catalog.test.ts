import assert from 'node:assert/strict'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, afterEach, before, describe, it} from 'node:test'
import nock from 'nock'
import {HttpClient} from '../../src/http/client.js'
import {catalogFlow, tagsFlow, type ListFlowOptions} from '../../src/flows/catalog.js'
import type {CredentialInput} from '../../src/flows/credentials.js'
import {parseRegistry} from '../../src/reference.js'
import {knownCatalogUnsupported, parseNextLink, parsePage} from '../../src/stages/catalog.js'
import {stepOf, type Trace} from '../../src/trace/types.js'
import {loadWire, mountRequest, resetNock, setupNock, type WireRequest} from '../helpers/wire.js'

const FIXTURE_NOW = () => 1_760_000_010_000
const client = () => new HttpClient({timeoutMs: 2000})
const home = mkdtempSync(join(tmpdir(), 'regprobe-catalog-test-'))
function creds(username?: string, password?: string): CredentialInput {
  return {username, password, env: {}, homeDir: home, dockerConfigDir: join(home, '.docker')}
}
function opts(c: CredentialInput, extra: Partial<ListFlowOptions> = {}): ListFlowOptions {
  return {credentials: c, now: FIXTURE_NOW, ...extra}
}
const list = (t: Trace) => (stepOf(t.steps, 'catalog') ?? stepOf(t.steps, 'tags'))!
function assertNoSecrets(trace: Trace, secrets: string[]): void {
  const text = JSON.stringify(trace)
  for (const s of secrets) assert.ok(!text.includes(s), `the trace leaks a secret (${s.slice(0, 6)}…)`)
}
const tokenOf = (r: WireRequest) => {
  const j = JSON.parse(r.body!) as {token?: string; access_token?: string}
  return (j.token ?? j.access_token)!
}

describe('parseNextLink (RFC 8288 Link header)', () => {
  const cases: Array<{name: string; header: string | undefined; want: string | undefined}> = [
    {name: 'distribution: relative path with last= and n=', header: '</v2/_catalog?last=alice%2Fapp&n=2>; rel="next"', want: '/v2/_catalog?last=alice%2Fapp&n=2'},
    {name: 'ACR: relative, with an extra empty orderby=', header: '</v2/_catalog?last=contoso-marketing&n=2&orderby=>; rel="next"', want: '/v2/_catalog?last=contoso-marketing&n=2&orderby='},
    {name: 'Quay: absolute URL', header: '<https://quay.io/v2/acme/app/tags/list?n=2&last=v1.1>; rel="next"', want: 'https://quay.io/v2/acme/app/tags/list?n=2&last=v1.1'},
    {name: 'rel without quotes', header: '</v2/_catalog?n=1&last=a>; rel=next', want: '/v2/_catalog?n=1&last=a'},
    {name: 'upper-case REL and spaces around =', header: '</x?n=1>;  REL = "NEXT"', want: '/x?n=1'},
    {name: 'several links: prev first, then next', header: '</v2/_catalog?last=a>; rel="prev", </v2/_catalog?last=c>; rel="next"', want: '/v2/_catalog?last=c'},
    {name: 'a comma inside the URL is part of it', header: '</v2/_catalog?last=a,b&n=2>; rel="next"', want: '/v2/_catalog?last=a,b&n=2'},
    {name: 'rel with several relation types', header: '</p2>; rel="last next"', want: '/p2'},
    {name: 'parameters before rel', header: '</p2>; type="application/json"; rel="next"', want: '/p2'},
    {name: 'only a prev link: no next page', header: '</v2/_catalog?last=a>; rel="prev"', want: undefined},
    {name: 'no rel at all', header: '</v2/_catalog?last=a>', want: undefined},
    {name: 'malformed: unterminated <', header: '</v2/_catalog?last=a; rel="next"', want: undefined},
    {name: 'malformed: no angle brackets', header: '/v2/_catalog?last=a; rel="next"', want: undefined},
    {name: 'empty <> target is ignored', header: '<>; rel="next"', want: undefined},
    {name: 'empty header', header: '', want: undefined},
    {name: 'absent header', header: undefined, want: undefined},
    {name: '"nextpage" is not "next"', header: '</p2>; rel="nextpage"', want: undefined},
  ]
  for (const c of cases) it(c.name, () => assert.equal(parseNextLink(c.header), c.want))
})

describe('parsePage', () => {
  const cases: Array<{name: string; kind: 'catalog' | 'tags'; json: unknown; want: string[] | undefined}> = [
    {name: 'catalog page', kind: 'catalog', json: {repositories: ['a', 'b']}, want: ['a', 'b']},
    {name: 'tags page', kind: 'tags', json: {name: 'a', tags: ['1', '2']}, want: ['1', '2']},
    {name: 'tags: null for an empty repository', kind: 'tags', json: {name: 'a', tags: null}, want: []},
    {name: 'malformed: repositories is not an array', kind: 'catalog', json: {repositories: 'a'}, want: undefined},
    {name: 'malformed: a non-string name', kind: 'catalog', json: {repositories: ['a', 3]}, want: undefined},
    {name: 'malformed: the tags key on a catalog page', kind: 'catalog', json: {tags: ['a']}, want: undefined},
    {name: 'malformed: an array body', kind: 'tags', json: ['a'], want: undefined},
    {name: 'malformed: no body', kind: 'tags', json: undefined, want: undefined},
  ]
  for (const c of cases) it(c.name, () => assert.deepEqual(parsePage(c.kind === 'catalog' ? {kind: 'catalog'} : {kind: 'tags', repository: 'a'}, c.json), c.want))
})

describe('knownCatalogUnsupported', () => {
  const bearer = (realm: string, service: string) => ({scheme: 'bearer', params: {}, realm, service, raw: ''})
  const cases: Array<{name: string; registry: string; challenge?: ReturnType<typeof bearer>; known: boolean}> = [
    {name: 'Docker Hub by name', registry: 'docker.io', known: true},
    {name: 'ghcr.io', registry: 'ghcr.io', known: true},
    {name: 'registry.gitlab.com', registry: 'registry.gitlab.com', known: true},
    {name: 'self-managed GitLab, by its challenge', registry: 'registry.example.net', challenge: bearer('https://gitlab.example.net/jwt/auth', 'container_registry'), known: true},
    {name: 'Harbor, by its service', registry: 'harbor.example.com', challenge: bearer('https://harbor.example.com/service/token', 'harbor-registry'), known: true},
    {name: 'a distribution registry is not known to refuse', registry: 'registry.local:5000', challenge: bearer('https://auth.local/token', 'registry.local:5000'), known: false},
    {name: 'ACR offers the catalog', registry: 'contoso.azurecr.io', challenge: bearer('https://contoso.azurecr.io/oauth2/token', 'contoso.azurecr.io'), known: false},
    {name: 'a malformed realm does not throw', registry: 'registry.local:5000', challenge: bearer('not a url', 'x'), known: false},
  ]
  for (const c of cases) it(c.name, () => assert.equal(knownCatalogUnsupported(parseRegistry(c.registry), c.challenge as never) !== undefined, c.known))
})

describe('catalog and tags against real registries\' wire shapes (nock fixtures)', () => {
  before(setupNock)
  afterEach(resetNock)
  after(() => rmSync(home, {recursive: true, force: true}))

  it('distribution, --all: three pages through relative Links, one token, n and last kept', async () => {
    const fx = loadWire('distribution-catalog-pages')
    const token = tokenOf(fx.requests[2]!)
    const scopes = fx.requests.map((r, i) => mountRequest(r, i === 2 ? {expectHeaders: {authorization: /^Basic YWxpY2U6czNjcmV0$/}} : i > 2 ? {expectHeaders: {authorization: new RegExp(`^Bearer ${token}$`)}} : {}))
    const trace = await catalogFlow(client(), 'registry.local:5000', opts(creds('alice', 's3cret'), {pageSize: 2, all: true}))
    for (const s of scopes) s.done()
    assert.equal(trace.verdict.code, 0, trace.verdict.headline)
    const step = list(trace)
    assert.equal(step.stage, 'catalog')
    assert.deepEqual(step.facts.items, ['alice/api', 'alice/app', 'bob/api', 'bob/web', 'library/alpine'])
    assert.equal(step.facts.complete, true)
    assert.deepEqual(step.facts.pages!.map((p) => p.url), [
      'https://registry.local:5000/v2/_catalog?n=2',
      'https://registry.local:5000/v2/_catalog?last=alice%2Fapp&n=2',
      'https://registry.local:5000/v2/_catalog?last=bob%2Fweb&n=2',
    ])
    const tokenUrl = new URL(trace.steps.find((s) => s.stage === 'token')!.exchanges[0]!.request.url)
    assert.deepEqual([...tokenUrl.searchParams], [['account', 'alice'], ['scope', 'registry:catalog:*'], ['service', 'registry.local:5000']])
    assertNoSecrets(trace, ['s3cret', 'YWxpY2U6czNjcmV0', token])
  })

  it('distribution, default: the first page only, and a finding says more exist', async () => {
    const fx = loadWire('distribution-token-catalog')
    mountRequest(loadWire('distribution-catalog-pages').requests[0]!)
    // This recording's token URL has no account=; docker sends one with credentials, so match any query.
    const scopes = [mountRequest(fx.requests[0]!), mountRequest(fx.requests[1]!, {anyQuery: true}), mountRequest(fx.requests[2]!)]
    const trace = await catalogFlow(client(), 'registry.local:5000', opts(creds('alice', 's3cret'), {pageSize: 2}))
    for (const s of scopes) s.done()
    assert.equal(trace.verdict.code, 0)
    assert.deepEqual(list(trace).facts.items, ['alice/api', 'alice/app'])
    assert.equal(list(trace).facts.complete, false)
    assert.ok(list(trace).findings.some((f) => f.code === 'catalog.more-pages'))
    assert.match(trace.verdict.headline, /more exist/)
  })

  it('distribution: a page answering 401 mid-way (token expired) fetches a new token once and goes on', async () => {
    const fx = loadWire('distribution-catalog-pages')
    const r = fx.requests
    for (const i of [0, 1, 3]) mountRequest(r[i]!)
    const tokenScope = mountRequest(r[2]!, {times: 2})
    mountRequest(r[4]!, {status: 401, body: '{"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":[{"Type":"registry","Class":"","Name":"catalog","Action":"*"}]}]}', headers: {'Www-Authenticate': 'Bearer realm="https://auth.local/token",service="registry.local:5000",scope="registry:catalog:*",error="invalid_token"', Link: ''}})
    mountRequest(r[4]!)
    mountRequest(r[5]!)
    const trace = await catalogFlow(client(), 'registry.local:5000', opts(creds('alice', 's3cret'), {pageSize: 2, all: true}))
    tokenScope.done()
    assert.equal(trace.verdict.code, 0, trace.verdict.headline)
    assert.equal(list(trace).facts.items!.length, 5)
    assert.ok(list(trace).findings.some((f) => f.code === 'catalog.token-refetched'))
  })

  it('ACR: admin Basic at /oauth2/token (access_token only), relative Link with orderby= followed as written', async () => {
    const fx = loadWire('acr-catalog-orderby')
    const scopes = fx.requests.map((r) => mountRequest(r))
    const trace = await catalogFlow(client(), 'contosoregistry.azurecr.io', opts(creds('contosoregistry', 'admin-password-01'), {pageSize: 2, all: true}))
    for (const s of scopes) s.done()
    assert.equal(trace.verdict.code, 0, trace.verdict.headline)
    assert.deepEqual(list(trace).facts.items, ['contoso-finance', 'contoso-marketing', 'contoso-sales'])
    assert.equal(list(trace).facts.pages![1]!.url, 'https://contosoregistry.azurecr.io/v2/_catalog?last=contoso-marketing&n=2&orderby=')
    assertNoSecrets(trace, ['admin-password-01', tokenOf(fx.requests[2]!)])
  })

  it('Docker Hub: the token grants nothing and _catalog says insufficient_scope → unsupported (known), exit 10', async () => {
    const fx = loadWire('dockerhub-catalog')
    const scopes = fx.requests.map((r) => mountRequest(r))
    const trace = await catalogFlow(client(), 'docker.io', opts(creds()))
    for (const s of scopes) s.done()
    assert.equal(trace.verdict.code, 10, trace.verdict.headline)
    assert.equal(trace.verdict.causes[0]!.code, 'catalog.unsupported')
    assert.match(trace.verdict.headline, /\(known\)/)
    assert.ok(trace.steps.find((s) => s.stage === 'token')!.findings.some((f) => f.code === 'token.access.empty'), 'what came back stays in the trace')
  })

  it('Harbor: a Basic challenge on _catalog from a Bearer registry → unsupported, exit 10, without a token request', async () => {
    const fx = loadWire('harbor-catalog-basic')
    const scopes = fx.requests.map((r) => mountRequest(r))
    const trace = await catalogFlow(client(), 'harbor.example.com', opts(creds()))
    for (const s of scopes) s.done()
    assert.equal(trace.verdict.code, 10)
    assert.match(trace.verdict.headline, /Harbor/)
  })

  it('GitLab (self-managed, recognised by its challenge): the scope is never granted → unsupported, exit 10', async () => {
    const fx = loadWire('gitlab-catalog-not-granted')
    const scopes = fx.requests.map((r) => mountRequest(r))
    const trace = await catalogFlow(client(), 'registry.example.net', opts(creds('alice', 'glpat-FAKE')))
    for (const s of scopes) s.done()
    assert.equal(trace.verdict.code, 10, trace.verdict.headline)
    assert.match(trace.verdict.headline, /GitLab/)
    assertNoSecrets(trace, ['glpat-FAKE', 'YWxpY2U6Z2xwYXQtRkFLRQ==', tokenOf(fx.requests[2]!)])
  })

  it('a 404 on _catalog → unsupported, exit 10', async () => {
    const ping = loadWire('distribution-catalog-pages').requests[0]!
    mountRequest(ping)
    nock('https://registry.local:5000').get('/v2/_catalog').reply(404, '404 page not found\n', {'Content-Type': 'text/plain'})
    const trace = await catalogFlow(client(), 'registry.local:5000', opts(creds('alice', 's3cret')))
    assert.equal(trace.verdict.code, 10)
    assert.equal(trace.verdict.causes[0]!.code, 'catalog.unsupported')
  })

  describe('unknown registry, token granted without the catalog, _catalog 401 insufficient_scope', () => {
    const mount = () => {
      const fx = loadWire('distribution-catalog-pages')
      mountRequest(fx.requests[0]!)
      mountRequest(fx.requests[1]!)
      // A token with "access": [] (the sandbox's and distribution's shape for a refused scope).
      const claims = Buffer.from(JSON.stringify({iss: 'acme-auth', sub: 'bob', aud: 'registry.local:5000', exp: 1760000300, nbf: 1760000000, iat: 1760000000, jti: 'x', access: []})).toString('base64url')
      const token = `eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9.${claims}.c2lnbmF0dXJl`
      nock('https://auth.local').get('/token').query(true).reply(200, JSON.stringify({token, expires_in: 300}), {'Content-Type': 'application/json'})
      mountRequest(fx.requests[3]!, {status: 401, body: fx.requests[1]!.body, headers: {...fx.requests[1]!.resHeaders, 'Www-Authenticate': 'Bearer realm="https://auth.local/token",service="registry.local:5000",scope="registry:catalog:*",error="insufficient_scope"'}})
    }
    it('with credentials → denied, exit 7, with a fix', async () => {
      mount()
      const trace = await catalogFlow(client(), 'registry.local:5000', opts(creds('bob', 'builder-pw'), {pageSize: 2}))
      assert.equal(trace.verdict.code, 7, trace.verdict.headline)
      assert.equal(trace.verdict.causes[0]!.code, 'catalog.denied')
      assert.ok(trace.verdict.fixes.some((f) => f.includes('registry:catalog:*')))
    })
    it('anonymous → authentication, exit 6', async () => {
      mount()
      const trace = await catalogFlow(client(), 'registry.local:5000', opts(creds(), {pageSize: 2}))
      assert.equal(trace.verdict.code, 6, trace.verdict.headline)
      assert.equal(trace.verdict.causes[0]!.code, 'catalog.credentials-required')
    })
  })

  it('wrong credentials at the token endpoint stay an authentication failure (exit 6), not "unsupported"', async () => {
    const fx = loadWire('dockerhub-catalog')
    mountRequest(fx.requests[0]!)
    mountRequest(fx.requests[1]!)
    nock('https://auth.docker.io').get('/token').query(true).reply(401, '{"details":"incorrect username or password"}', {'Content-Type': 'application/json'})
    const trace = await catalogFlow(client(), 'docker.io', opts(creds('alice', 'wrong-pw')))
    assert.equal(trace.verdict.code, 6, trace.verdict.headline)
    assert.equal(trace.verdict.causes[0]!.code, 'token.credentials-rejected')
    assertNoSecrets(trace, ['wrong-pw'])
  })

  it('tags on Quay: a public repository needs no token; two pages through an absolute Link', async () => {
    const fx = loadWire('quay-tags-absolute-link')
    const scopes = fx.requests.map((r) => mountRequest(r))
    const trace = await tagsFlow(client(), 'quay.io/acme/app', opts(creds(), {pageSize: 2, all: true}))
    for (const s of scopes) s.done()
    assert.equal(trace.verdict.code, 0, trace.verdict.headline)
    const step = list(trace)
    assert.equal(step.stage, 'tags')
    assert.deepEqual(step.facts.items, ['v1.0', 'v1.1', 'v2.0'])
    assert.equal(trace.steps.find((s) => s.stage === 'token')!.status, 'skip')
  })

  it('tags: --max-pages 1 stops after the first page of two', async () => {
    const fx = loadWire('quay-tags-absolute-link')
    mountRequest(fx.requests[0]!)
    mountRequest(fx.requests[1]!)
    const trace = await tagsFlow(client(), 'quay.io/acme/app', opts(creds(), {pageSize: 2, maxPages: 1}))
    assert.deepEqual(list(trace).facts.items, ['v1.0', 'v1.1'])
    assert.equal(list(trace).facts.complete, false)
  })

  it('tags: a Link to another origin is not followed with the token', async () => {
    const fx = loadWire('quay-tags-absolute-link')
    mountRequest(fx.requests[0]!)
    mountRequest(fx.requests[1]!, {headers: {Link: '<https://elsewhere.example/v2/acme/app/tags/list?n=2&last=v1.1>; rel="next"'}})
    const trace = await tagsFlow(client(), 'quay.io/acme/app', opts(creds(), {pageSize: 2, all: true}))
    assert.ok(list(trace).findings.some((f) => f.code === 'tags.link-other-origin'))
    assert.equal(list(trace).facts.pages!.length, 1)
  })

  it('tags of a repository that does not exist: exit 8', async () => {
    const fx = loadWire('quay-tags-absolute-link')
    mountRequest(fx.requests[0]!)
    nock('https://quay.io').get('/v2/acme/nope/tags/list').reply(404, '{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry","detail":{}}]}', {'Content-Type': 'application/json'})
    const trace = await tagsFlow(client(), 'quay.io/acme/nope', opts(creds()))
    assert.equal(trace.verdict.code, 8)
    assert.equal(trace.verdict.causes[0]!.code, 'tags.not-found')
  })
})
