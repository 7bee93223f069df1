import assert from 'node:assert/strict'
import {readdirSync, readFileSync} from 'node:fs'
import {join, relative} from 'node:path'
import {describe, it} from 'node:test'
import {catalogue} from '../../src/findings/catalogue.js'
import {TRANSPORT_FIXES} from '../../src/stages/transport-finding.js'
import {ExitCode} from '../../src/trace/types.js'
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

/** The code at `at` belongs to a thrown RegprobeError (an error, not a finding), written on one line or several. */
function thrown(text: string, at: number): boolean {
  const before = text.slice(Math.max(0, at - 400), at)
  const error = before.lastIndexOf('new RegprobeError(')
  return error !== -1 && error > Math.max(before.lastIndexOf('findings.push('), before.lastIndexOf('Finding'), before.lastIndexOf('return {'))
}

function emitted(): {literals: Map<string, string>; exitCodes: Array<{code: string; path: string; exitCode: number}>; templates: Array<{re: RegExp; where: string}>; transportStages: Set<string>} {
  const literals = new Map<string, string>()
  const exitCodes: Array<{code: string; path: string; exitCode: number}> = []
  const templates: Array<{re: RegExp; where: string}> = []
  const transportStages = new Set<string>()
  for (const f of sources()) {
    for (const m of f.text.matchAll(/code:\s*'([a-z][a-zA-Z0-9._-]*)'|(?:fail|emptySecret)\(\s*(?:[\w.]+,\s*)?'([a-z][a-zA-Z0-9._-]*)'/g)) {
      const code = m[1] ?? m[2]!
      // The daemon's thrown errors become the daemon step's finding (src/daemon/step.ts): they are findings too.
      if (PREFIX.test(code) && (f.path.startsWith('daemon/') || !thrown(f.text, m.index))) {
        literals.set(code, f.path)
        // A literal exit code in the same object literal, before its first interpolation or closing brace.
        const rest = f.text.slice(m.index + m[0].length, m.index + 400)
        const same = rest.slice(0, Math.min(...['}', 'code:'].map((t) => (rest.indexOf(t) === -1 ? rest.length : rest.indexOf(t)))))
        const said = /exitCode:\s*ExitCode\.([A-Z_]+)\s*[,}]/.exec(same)?.[1]
        if (said) exitCodes.push({code, path: f.path, exitCode: ExitCode[said as keyof typeof ExitCode]})
      }
    }
    for (const line of f.text.split('\n')) {
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
  return {literals, exitCodes, templates, transportStages}
}

describe('the finding catalogue', () => {
  const cat = catalogue()
  const {literals, exitCodes, templates, transportStages} = emitted()
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

  it('gives every error an exit code and every entry a message', () => {
    // Errors whose exit code is decided elsewhere: the access stage settles what a token grants; a failed save or a
    // refused blob carries the code of what happened (blob.ts, flows/login.ts).
    const decidedElsewhere = new Set(['token.access.empty', 'token.scope.missing-action', 'login.save-failed', 'access.blob.registry-refused'])
    for (const e of cat.values()) {
      assert.ok(e.message.length > 0, `${e.code} has no message`)
      if (e.severity === 'error' && !decidedElsewhere.has(e.code)) assert.ok(e.exitCode !== undefined, `${e.code} is an error without an exit code`)
    }
  })

  it('names an error\'s exit code as the code that emits it does (a literal exitCode beside the code)', () => {
    // Every `code: 'x', severity: 'error', exitCode: ExitCode.Y` written in src/ agrees with the catalogue's row.
    assert.ok(exitCodes.length > 30, `only ${exitCodes.length} literal exit codes found`)
    const wrong = exitCodes.filter(({code, exitCode}) => cat.get(code) && cat.get(code)!.exitCode !== exitCode).map(({code, path, exitCode}) => `${code}: catalogue ${cat.get(code)!.exitCode}, ${path} ${exitCode}`)
    assert.deepEqual(wrong, [])
  })
})
