import assert from 'node:assert/strict'
import {readdirSync, readFileSync} from 'node:fs'
import {join, relative} from 'node:path'
import {describe, it} from 'node:test'
import {catalogue} from '../../src/findings/catalogue.js'
import {TRANSPORT_FIXES} from '../../src/stages/transport-finding.js'
import {REPO_ROOT} from '../helpers/cli.js'

/**
 * The catalogue against the sources: every finding code written in src/ (a literal, a template expanded to its
 * concrete forms, a transport failure at a stage) is in the catalogue, and every catalogue code is emitted somewhere.
 * Codes of thrown RegprobeErrors, the wire-level failure codes of src/http and docker's message map are not findings.
 */
const SRC = join(REPO_ROOT, 'src')
const NOT_FINDINGS = ['record/', 'sandbox/', 'findings/', 'demo/', 'daemon/docker-error.ts', 'stages/transport-finding.ts', 'http/failure.ts', 'http/client.ts']
const PREFIX = /^(probe|challenge|credentials|token|login|access|catalog|tags|daemon|docker-error|clock|hub|ghcr|ecr|harbor|gitlab|insecure|tls|anonymous|compare|reference|network)\./

function sources(): Array<{path: string; text: string}> {
  const out: Array<{path: string; text: string}> = []
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, {withFileTypes: true})) {
      const p = join(dir, e.name)
      if (e.isDirectory()) walk(p)
      else if (p.endsWith('.ts')) out.push({path: relative(SRC, p), text: readFileSync(p, 'utf8')})
    }
  }
  walk(SRC)
  return out.filter((f) => !NOT_FINDINGS.some((n) => f.path.startsWith(n)))
}

function emitted(): {literals: Map<string, string>; templates: Array<{re: RegExp; where: string}>; transportStages: Set<string>} {
  const literals = new Map<string, string>()
  const templates: Array<{re: RegExp; where: string}> = []
  const transportStages = new Set<string>()
  for (const f of sources()) {
    for (const line of f.text.split('\n')) {
      if (line.includes('RegprobeError')) continue
      for (const m of line.matchAll(/code:\s*'([a-z][a-zA-Z0-9._-]*)'|(?:fail|emptySecret)\(\s*'([a-z][a-zA-Z0-9._-]*)'/g)) {
        const code = m[1] ?? m[2]!
        if (PREFIX.test(code)) literals.set(code, f.path)
      }
      for (const m of line.matchAll(/code:\s*`([^`]*)`/g)) {
        if (m[1] === '${stage}.${f.code}') continue
        const re = new RegExp(`^${m[1]!.split(/\$\{[^}]*\}/).map((s) => s.replace(/[.*+?^$()|[\]\\]/g, '\\$&')).join('[a-z0-9.-]+')}$`)
        templates.push({re, where: `${f.path}: ${m[1]}`})
      }
      for (const m of line.matchAll(/transportFinding\('([a-z.]+)'/g)) transportStages.add(m[1]!)
      // catalog.ts reports for its target kind: the catalog and tags commands.
      if (f.path === 'stages/catalog.ts' && /transportFinding\(stage,/.test(line)) for (const s of ['catalog', 'tags']) transportStages.add(s)
    }
  }
  return {literals, templates, transportStages}
}

describe('the finding catalogue', () => {
  const cat = catalogue()
  const {literals, templates, transportStages} = emitted()
  const transportCodes = Object.keys(TRANSPORT_FIXES)

  it('finds what it scans (the scan itself works)', () => {
    assert.ok(literals.size > 100, `only ${literals.size} literal codes found`)
    assert.ok(literals.has('token.aud-mismatch') && literals.has('access.invalid-token.signature'))
    assert.ok(transportStages.has('probe') && transportStages.has('token'))
  })

  it('has every literal code written in src/', () => {
    const missing = [...literals].filter(([c]) => !cat.has(c)).map(([c, p]) => `${c} (${p})`)
    assert.deepEqual(missing, [])
  })

  it('has the concrete forms of every template code', () => {
    const missing = templates.filter((t) => ![...cat.keys()].some((c) => t.re.test(c))).map((t) => t.where)
    assert.deepEqual(missing, [])
    for (const action of ['pull', 'push']) assert.ok(cat.has(`access.${action}.credentials-required`), action)
  })

  it('has every transport failure at every stage that reports one', () => {
    const missing = [...transportStages].flatMap((s) => transportCodes.map((c) => `${s}.${c}`)).filter((c) => !cat.has(c))
    assert.deepEqual(missing, [])
  })

  it('lists nothing that is never emitted', () => {
    const transport = (c: string) => [...transportStages].some((s) => c.startsWith(`${s}.`) && (transportCodes.includes(c.slice(s.length + 1)) || c.slice(s.length + 1) === 'url'))
    const stale = [...cat.keys()].filter((c) => !literals.has(c) && !templates.some((t) => t.re.test(c)) && !transport(c))
    assert.deepEqual(stale, [])
  })

  it('gives every error an exit code and every entry a stage and a message', () => {
    for (const e of cat.values()) {
      assert.ok(e.message.length > 0, `${e.code} has no message`)
      assert.ok(e.stage, e.code)
    }
  })
})
