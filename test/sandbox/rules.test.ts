import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {DEFAULT_RULES, DEFAULT_USERS, allowedActions, globMatches, grantAccess} from '../../src/sandbox/rules.js'

describe('sandbox rules', () => {
  it('documents alice/wonderland and bob/builder', () => {
    assert.deepEqual(DEFAULT_USERS, [{name: 'alice', password: 'wonderland'}, {name: 'bob', password: 'builder'}])
  })

  const globs: Array<[string, string, string, boolean]> = [
    ['star matches everything', '*', 'team/app', true],
    ['prefix glob matches a child', 'library/*', 'library/hello', true],
    ['prefix glob spans nested paths', 'library/*', 'library/a/b', true],
    ['prefix glob does not match a sibling namespace', 'library/*', 'team/app', false],
    ['prefix glob does not match the bare namespace', 'library/*', 'library', false],
    ['exact name', 'team/app', 'team/app', true],
    ['regex characters are literal', 'a.b', 'axb', false],
    ['question mark is one character', 'team/ap?', 'team/app', true],
  ]
  for (const [name, glob, repo, want] of globs) it(`glob: ${name}`, () => assert.equal(globMatches(glob, repo), want))

  const defaults: Array<[string, string, string, string, string[]]> = [
    ['anonymous may pull library/*', '', 'repository', 'library/hello', ['pull']],
    ['anonymous may not touch team/*', '', 'repository', 'team/app', []],
    ['anonymous has no catalog', '', 'registry', 'catalog', []],
    ['alice may pull, push and delete anywhere', 'alice', 'repository', 'team/app', ['pull', 'push', 'delete']],
    ['alice may list the catalog', 'alice', 'registry', 'catalog', ['*']],
    ['bob may pull team/*', 'bob', 'repository', 'team/app', ['pull']],
    ['bob inherits the anonymous pull of library/*', 'bob', 'repository', 'library/hello', ['pull']],
    ['bob may not push anything', 'bob', 'repository', 'other/x', []],
    ['bob has no catalog', 'bob', 'registry', 'catalog', []],
    ['an unknown resource type grants nothing', 'alice', 'plugin', 'x', []],
  ]
  for (const [name, who, type, resource, want] of defaults) {
    it(`default rules: ${name}`, () => assert.deepEqual(allowedActions(DEFAULT_RULES, who, type, resource).sort(), want.sort()))
  }

  it("a '*' action grants every repository action and the catalog", () => {
    const rules = [{who: 'root', repo: '*', actions: ['*']}]
    assert.deepEqual(allowedActions(rules, 'root', 'repository', 'x').sort(), ['*', 'delete', 'pull', 'push'])
    assert.deepEqual(allowedActions(rules, 'root', 'registry', 'catalog'), ['*'])
  })

  it('a named rule never applies to anonymous clients', () => {
    assert.deepEqual(allowedActions([{who: '', repo: '*', actions: ['pull']}], '', 'repository', 'x'), [])
  })

  it('grants the intersection, keeping refused entries with empty actions', () => {
    const granted = grantAccess(DEFAULT_RULES, 'bob', [
      {type: 'repository', name: 'team/app', actions: ['pull', 'push']},
      {type: 'registry', name: 'catalog', actions: ['*']},
    ])
    assert.deepEqual(granted, [
      {type: 'repository', name: 'team/app', actions: ['pull']},
      {type: 'registry', name: 'catalog', actions: []},
    ])
  })
})
