import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, it} from 'node:test'
import {CAUSES} from '../../src/explain/causes.js'
import {explainLog} from '../../src/explain/index.js'
import {REPO_ROOT} from '../helpers/cli.js'

interface Case {
  name: string
  source: string
  message: string
  cause: string
  established: string
}

/** Real messages from public issue threads, each with the cause its thread established (fixture's description). */
const corpus = JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'explain', 'corpus.json'), 'utf8')) as {cases: Case[]}

// The issue's bar: the first category right for most, the established cause among the candidates for nearly all.
const MIN_CATEGORY_RATE = 0.8
const MIN_CAUSE_RATE = 0.95

describe('explain corpus: real messages from public issue threads', () => {
  it('holds at least 40 cases, each with a source thread, an established cause from the catalogue and a message', () => {
    assert.ok(corpus.cases.length >= 40, `${corpus.cases.length} cases`)
    for (const c of corpus.cases) {
      assert.match(c.source, /^https:\/\/github\.com\/[\w.-]+\/[\w.-]+\/(issues|pull)\/\d+$/, c.name)
      assert.ok(CAUSES[c.cause], `${c.name}: unknown cause ${c.cause}`)
      assert.ok(c.established.length > 20 && c.message.trim().length > 0, c.name)
    }
    assert.equal(new Set(corpus.cases.map((c) => c.name)).size, corpus.cases.length, 'names are unique')
  })

  const results = corpus.cases.map((c) => {
    const r = explainLog(c.message, {source: 'stdin', bytes: c.message.length, truncated: false})
    const first = r.findings[0]
    const expected = CAUSES[c.cause]?.category
    return {c, first, expected, categoryHit: first?.category === expected, causeHit: !!first?.candidates.some((k) => k.cause === c.cause)}
  })

  for (const r of results) {
    it(`finds the failure: ${r.c.name}`, () => {
      assert.ok(r.first, `no registry failure found in ${JSON.stringify(r.c.message.slice(0, 120))}`)
      assert.notEqual(r.first.candidates.length, 0)
    })
  }

  it(`names the right first category for at least ${MIN_CATEGORY_RATE * 100}% and the established cause among the candidates for at least ${MIN_CAUSE_RATE * 100}%`, () => {
    const n = results.length
    const categoryHits = results.filter((r) => r.categoryHit).length
    const causeHits = results.filter((r) => r.causeHit).length
    const misses = results.filter((r) => !r.categoryHit || !r.causeHit).map((r) => `  ${r.categoryHit ? ' ' : 'C'}${r.causeHit ? ' ' : 'X'} ${r.c.name}: expected ${r.expected}/${r.c.cause}, got ${r.first?.category}/${r.first?.candidates.map((k) => k.cause).join(',')}`)
    // Reported on every run: the hit rates are the measure of explain's table, not only a pass/fail.
    process.stdout.write(`# explain corpus: ${n} cases; first category right ${categoryHits}/${n} (${Math.round((100 * categoryHits) / n)}%); established cause among candidates ${causeHits}/${n} (${Math.round((100 * causeHits) / n)}%); first candidate is the established cause ${results.filter((r) => r.first?.candidates[0]?.cause === r.c.cause).length}/${n}\n${misses.length ? `# misses (C: category, X: cause):\n${misses.join('\n')}\n` : ''}`)
    assert.ok(categoryHits / n >= MIN_CATEGORY_RATE, `first category right for ${categoryHits}/${n}`)
    assert.ok(causeHits / n >= MIN_CAUSE_RATE, `established cause among candidates for ${causeHits}/${n}`)
  })
})
