import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {
  compareAccess,
  formatScope,
  parseScope,
  parseScopes,
  repositoryScope,
  type ResourceScope,
} from '../../src/auth/scope.js'

describe('parseScope', () => {
  const valid: Array<[string, string, ResourceScope]> = [
    ['repository pull', 'repository:library/alpine:pull', {type: 'repository', name: 'library/alpine', actions: ['pull']}],
    ['pull and push', 'repository:alice/app:pull,push', {type: 'repository', name: 'alice/app', actions: ['pull', 'push']}],
    [
      'a host:port inside the name splits on the first and last colon',
      'repository:host:5000/a/b:pull,push',
      {type: 'repository', name: 'host:5000/a/b', actions: ['pull', 'push']},
    ],
    [
      'the deprecated resource class',
      'repository(plugin):vieux/sshfs:pull',
      {type: 'repository', resourceClass: 'plugin', name: 'vieux/sshfs', actions: ['pull']},
    ],
    ['the catalog wildcard', 'registry:catalog:*', {type: 'registry', name: 'catalog', actions: ['*']}],
    ['Harbor scanner-pull action', 'repository:p/r:scanner-pull', {type: 'repository', name: 'p/r', actions: ['scanner-pull']}],
    ['GHCR placeholder', 'repository:user/image:pull', {type: 'repository', name: 'user/image', actions: ['pull']}],
    ['no actions at all', 'repository:a:', {type: 'repository', name: 'a', actions: []}],
    ['empty actions between commas are dropped', 'repository:a:pull,,push', {type: 'repository', name: 'a', actions: ['pull', 'push']}],
  ]
  for (const [name, input, want] of valid) it(name, () => assert.deepEqual(parseScope(input), want))

  const invalid: Array<[string, string]> = [
    ['empty', ''],
    ['no colon', 'repository'],
    ['one colon only', 'repository:alpine'],
    ['empty name', 'repository::pull'],
    ['empty type', ':alpine:pull'],
    ['whitespace inside', 'repository:al pine:pull'],
    ['unbalanced resource class', 'repository(plugin:x:pull'],
    ['garbage type', 're/po:x:pull'],
  ]
  for (const [name, input] of invalid) it(`refuses ${name}`, () => assert.equal(parseScope(input), undefined))
})

describe('parseScopes', () => {
  it('splits the space-separated list of a cross-repository mount', () => {
    assert.deepEqual(parseScopes('repository:dst:pull,push repository:src:pull'), {
      scopes: [
        {type: 'repository', name: 'dst', actions: ['pull', 'push']},
        {type: 'repository', name: 'src', actions: ['pull']},
      ],
      invalid: [],
    })
  })
  it('an empty scope (OCIR) is an empty list, not an invalid entry', () => {
    assert.deepEqual(parseScopes(''), {scopes: [], invalid: []})
  })
  it('reports what it could not read and tolerates extra spaces', () => {
    assert.deepEqual(parseScopes('  repository:a:pull   nonsense  registry:catalog:* '), {
      scopes: [
        {type: 'repository', name: 'a', actions: ['pull']},
        {type: 'registry', name: 'catalog', actions: ['*']},
      ],
      invalid: ['nonsense'],
    })
  })
})

describe('formatScope and repositoryScope', () => {
  it('writes the resource class in parentheses', () => {
    assert.equal(formatScope({type: 'repository', resourceClass: 'plugin', name: 'a/b', actions: ['pull']}), 'repository(plugin):a/b:pull')
  })
  it('writes actions comma-separated', () => {
    assert.equal(formatScope(repositoryScope('host:5000/a', ['pull', 'push'])), 'repository:host:5000/a:pull,push')
  })
  it('repositoryScope drops repeated actions', () => {
    assert.deepEqual(repositoryScope('a', ['pull', 'push', 'pull']), {type: 'repository', name: 'a', actions: ['pull', 'push']})
  })
})

describe('compareAccess', () => {
  const pullPush = repositoryScope('alice/app', ['pull', 'push'])
  const cases: Array<{name: string; requested: ResourceScope[]; granted: Parameters<typeof compareAccess>[1]; want: ReturnType<typeof compareAccess>}> = [
    {
      name: 'push requested, only pull granted (the intersection rule)',
      requested: [pullPush],
      granted: [{type: 'repository', name: 'alice/app', actions: ['pull']}],
      want: [{type: 'repository', name: 'alice/app', requested: ['pull', 'push'], granted: ['pull'], missing: ['push']}],
    },
    {
      name: 'everything granted',
      requested: [pullPush],
      granted: [{type: 'repository', name: 'alice/app', actions: ['push', 'pull']}],
      want: [{type: 'repository', name: 'alice/app', requested: ['pull', 'push'], granted: ['push', 'pull'], missing: []}],
    },
    {
      name: 'empty access list (Hub for a private repository)',
      requested: [repositoryScope('acme/secret', ['pull'])],
      granted: [],
      want: [{type: 'repository', name: 'acme/secret', requested: ['pull'], granted: [], missing: ['pull']}],
    },
    {
      name: 'a wildcard grant covers any action',
      requested: [{type: 'registry', name: 'catalog', actions: ['*']}, repositoryScope('x', ['pull', 'delete'])],
      granted: [
        {type: 'registry', name: 'catalog', actions: ['*']},
        {type: 'repository', name: 'x', actions: ['*']},
      ],
      want: [
        {type: 'registry', name: 'catalog', requested: ['*'], granted: ['*'], missing: []},
        {type: 'repository', name: 'x', requested: ['pull', 'delete'], granted: ['*'], missing: []},
      ],
    },
    {
      name: 'a name with the registry host in it does not match (failure story 7)',
      requested: [repositoryScope('ivan/web', ['pull'])],
      granted: [{type: 'repository', name: 'dev-registry.example.com/ivan/web', actions: ['pull']}],
      want: [{type: 'repository', name: 'ivan/web', requested: ['pull'], granted: [], missing: ['pull']}],
    },
    {
      name: 'requests for the same repository are merged; grants split over entries are joined',
      requested: [repositoryScope('a', ['pull']), repositoryScope('a', ['push'])],
      granted: [
        {type: 'repository', name: 'a', actions: ['pull']},
        {type: 'repository', name: 'a', actions: ['push']},
      ],
      want: [{type: 'repository', name: 'a', requested: ['pull', 'push'], granted: ['pull', 'push'], missing: []}],
    },
    {
      name: 'an opaque token (no access claim) reports everything missing',
      requested: [pullPush],
      granted: undefined,
      want: [{type: 'repository', name: 'alice/app', requested: ['pull', 'push'], granted: [], missing: ['pull', 'push']}],
    },
    {
      name: 'malformed grant entries are skipped',
      requested: [repositoryScope('a', ['pull'])],
      granted: [null, {type: 'repository', name: 'a', actions: 'pull'}] as unknown as Parameters<typeof compareAccess>[1],
      want: [{type: 'repository', name: 'a', requested: ['pull'], granted: [], missing: ['pull']}],
    },
  ]
  for (const c of cases) it(c.name, () => assert.deepEqual(compareAccess(c.requested, c.granted), c.want))
})
