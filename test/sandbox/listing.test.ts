import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {MAX_PAGE_SIZE, nextLink, paginate, parsePageSize} from '../../src/sandbox/listing.js'

describe('sandbox pagination', () => {
  const all = ['a', 'b', 'c', 'd']
  const pages: Array<[string, number, string | undefined, ReturnType<typeof paginate>]> = [
    ['first page with more to come', 2, undefined, {items: ['a', 'b'], nextLast: 'b'}],
    ['middle page after last', 1, 'b', {items: ['c'], nextLast: 'c'}],
    ['final page has no next', 2, 'b', {items: ['c', 'd']}],
    ['exactly everything has no next', 4, undefined, {items: all}],
    ['last beyond the end is empty', 2, 'z', {items: []}],
    ['n=0 is an empty page without next', 0, undefined, {items: []}],
    ['last not in the list still orders lexically', 2, 'bb', {items: ['c', 'd']}],
  ]
  for (const [name, n, last, want] of pages) it(name, () => assert.deepEqual(paginate(all, n, last), want))

  const sizes: Array<[string, string | null, number | undefined]> = [
    ['absent n uses the default', null, 100],
    ['a number is used', '5', 5],
    ['non-numeric n falls back to the default (2.8)', 'abc', 100],
    ['negative n falls back to the default (2.8)', '-1', 100],
    ['the maximum is allowed', String(MAX_PAGE_SIZE), MAX_PAGE_SIZE],
    ['above the maximum is refused', String(MAX_PAGE_SIZE + 1), undefined],
  ]
  for (const [name, raw, want] of sizes) it(`page size: ${name}`, () => assert.equal(parsePageSize(raw, 100), want))

  it('next link is the path with query replaced, names URL-encoded like Go', () => {
    assert.equal(nextLink('/v2/_catalog', 1, 'library/hello'), '</v2/_catalog?last=library%2Fhello&n=1>; rel="next"')
  })
})
