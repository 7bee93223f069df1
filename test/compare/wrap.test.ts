import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {wrapCell} from '../../src/render/compare.js'

describe('compare cells wrap at word boundaries', () => {
  const cases: Array<{name: string; text: string; width: number; want: string}> = [
    {name: 'short text stays', text: 'Bearer (token)', width: 20, want: 'Bearer (token)'},
    {name: 'words are never cut', text: 'refused (401: anonymous token grants nothing)', width: 20, want: 'refused (401:\nanonymous token\ngrants nothing)'},
    {name: 'a URL breaks after a slash', text: 'https://auth.docker.io/token', width: 20, want: 'https://\nauth.docker.io/token'},
    {name: 'a long path breaks at its separators', text: 'https://registry.example.com/v2/auth?service=x', width: 24, want: 'https://\nregistry.example.com/v2/\nauth?service=x'},
    {name: 'a name without separators is cut at the width', text: 'abcdefghijklmnopqrstuvwxyz', width: 10, want: 'abcdefghij\nklmnopqrst\nuvwxyz'},
    {name: 'existing line breaks are kept', text: 'a: 1\nb: 2', width: 20, want: 'a: 1\nb: 2'},
  ]
  for (const c of cases) it(c.name, () => assert.equal(wrapCell(c.text, c.width), c.want))
  it('no line is longer than the width', () => {
    const text = 'the realm https://gitlab.example.com/jwt/auth is on another host (gitlab.example.com)'
    for (const line of wrapCell(text, 16).split('\n')) assert.ok(line.length <= 16, line)
  })
})
