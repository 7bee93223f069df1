import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {listFlags, parseDuration} from '../../src/cli/flags.js'
import {MAX_LIST_PAGES} from '../../src/stages/catalog.js'

describe('shared flags', () => {
  it('--max-pages stops where the listing stage stops (the command restates the cap to stay light to load)', () => {
    assert.equal(listFlags['max-pages'].max, MAX_LIST_PAGES)
    assert.match(listFlags.all.description!, new RegExp(`at most ${MAX_LIST_PAGES} pages`))
  })

  it('--timeout takes the spellings people type, and refuses the rest', () => {
    assert.deepEqual(['10', '10s', '1500ms', '2m', ' 3 S '].map(parseDuration), [10_000, 10_000, 1500, 120_000, 3000])
    for (const bad of ['', 'ten', '-1s', '0', '11m', '1h']) assert.throws(() => parseDuration(bad), /duration/, bad)
  })
})
