import {TRANSPORT_FIXES} from '../stages/transport-finding.js'
import type {ExitCodeValue, Severity, StageName} from '../trace/types.js'
import {ROWS} from './codes/index.js'

/**
 * The finding catalogue: every code regprobe can emit, once, with its stage, severity, exit code (errors that decide
 * a verdict), message template and fix. Dynamic codes (`access.${action}.denied`, `${stage}.${failure}`) are listed in
 * their concrete forms. test/findings/catalogue.test.ts keeps it equal to what src/ emits; the README's
 * "Finding codes" section is generated from it (node scripts/finding-codes.js).
 */
export type CatalogueRow = [code: string, severity: Severity, exitCode: ExitCodeValue | null, message: string, fix: string]

export interface CatalogueEntry {
  code: string
  /** The stage whose step carries it; 'diagnosis' for cross-stage rules. */
  stage: StageName | 'diagnosis' | 'compare'
  severity: Severity
  exitCode?: ExitCodeValue
  /** The message, with … where a value goes. */
  message: string
  fix?: string
}

const STAGES: ReadonlySet<string> = new Set(['probe', 'challenge', 'credentials', 'token', 'login', 'access', 'catalog', 'tags', 'daemon', 'docker-error'])

export function stageOf(code: string): CatalogueEntry['stage'] {
  const head = code.split('.')[0]!
  if (STAGES.has(head)) return head as StageName
  if (head === 'clock' && code !== 'clock.token-rejected') return 'token'
  // The network path's findings are told on the docker-error step, where docker's dial names the address.
  if (head === 'network') return 'docker-error'
  if (head === 'reference') return 'challenge'
  if (head === 'compare') return 'compare'
  return 'diagnosis'
}

/** A transport failure's fix, from the code's last part(s): `token.tls.unknown-ca` → the tls.unknown-ca fix. */
function transportFix(code: string): string | undefined {
  const parts = code.split('.')
  for (let i = 1; i < parts.length; i++) {
    const fix = TRANSPORT_FIXES[parts.slice(i).join('.')]
    if (fix) return fix
  }
  return undefined
}

let built: Map<string, CatalogueEntry> | undefined

export function catalogue(): ReadonlyMap<string, CatalogueEntry> {
  if (built) return built
  built = new Map()
  for (const [code, severity, exitCode, message, fix] of ROWS) {
    const f = fix || transportFix(code)
    built.set(code, {code, stage: stageOf(code), severity, ...(exitCode === null ? {} : {exitCode}), message, ...(f ? {fix: f} : {})})
  }
  return built
}
