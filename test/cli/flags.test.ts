import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {Args, Flags, type ArgValues, type FlagValues} from '../../src/cli/define.js'
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

// Compile-time checks (tsc fails the build when one is wrong): what this.parse() says a flag or argument holds.
const defs = {count: Flags.integer({}), name: Flags.string({default: 'x'}), must: Flags.string({required: true}), many: Flags.string({multiple: true}), yes: Flags.boolean({})}
const argDefs = {ref: Args.string({required: true}), registry: Args.string({}), withDefault: Args.string({default: 'docker.io'})}

describe('flag and argument value types', () => {
  it('optional ones may be undefined; defaulted and required ones may not', () => {
    const f = {} as FlagValues<typeof defs>
    const a = {} as ArgValues<typeof argDefs>
    // @ts-expect-error an optional integer flag may be absent
    const count: number = f.count
    // @ts-expect-error an optional argument may be absent
    const registry: string = a.registry
    const checked: Array<string | number | boolean | string[] | undefined> = [count, registry, f.name satisfies string, f.must satisfies string, f.many satisfies string[] | undefined, f.yes satisfies boolean, a.ref satisfies string, a.withDefault satisfies string]
    // The checks above are tsc's (@ts-expect-error fails the build when the error disappears); this only uses them.
    assert.equal(checked.length, 8)
  })
})
