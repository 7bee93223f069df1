import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {ScopeSyntaxError, formatScopes, parseScopes} from '../../src/sandbox/scope.js'

describe('sandbox parseScopes (what the token server reads)', () => {
  const cases: Array<{name: string; input: string[]; want: ReturnType<typeof parseScopes>}> = [
    {name: 'one repository scope', input: ['repository:library/hello:pull'], want: [{type: 'repository', name: 'library/hello', actions: ['pull']}]},
    {name: 'several actions', input: ['repository:a:pull,push'], want: [{type: 'repository', name: 'a', actions: ['pull', 'push']}]},
    {name: 'name holding host:port splits actions at the last colon', input: ['repository:localhost:5000/a:pull'], want: [{type: 'repository', name: 'localhost:5000/a', actions: ['pull']}]},
    {name: 'catalog scope', input: ['registry:catalog:*'], want: [{type: 'registry', name: 'catalog', actions: ['*']}]},
    {name: 'space-separated list (OAuth2 POST)', input: ['repository:a:pull repository:b:push'], want: [{type: 'repository', name: 'a', actions: ['pull']}, {type: 'repository', name: 'b', actions: ['push']}]},
    {name: 'repeated scopes for one resource are merged', input: ['repository:a:pull', 'repository:a:push,pull'], want: [{type: 'repository', name: 'a', actions: ['pull', 'push']}]},
    {name: 'deprecated resource class is ignored', input: ['repository(plugin):a:pull'], want: [{type: 'repository', name: 'a', actions: ['pull']}]},
    {name: 'empty value asks for nothing', input: [''], want: []},
    {name: 'no scope at all', input: [], want: []},
  ]
  for (const c of cases) it(c.name, () => assert.deepEqual(parseScopes(c.input), c.want))

  const malformed = ['repository', 'repository:a', 'repository:a:', ':a:pull', 'repository::pull', 'repository:a:,']
  for (const input of malformed) {
    it(`rejects malformed ${JSON.stringify(input)}`, () => assert.throws(() => parseScopes([input]), ScopeSyntaxError))
  }

  it('formats scopes as the challenge writes them, space-joined', () => {
    const scopes = [{type: 'repository', name: 'dst', actions: ['pull', 'push']}, {type: 'repository', name: 'src', actions: ['pull']}]
    assert.equal(formatScopes(scopes), 'repository:dst:pull,push repository:src:pull')
  })
})
