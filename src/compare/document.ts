import {VERSION} from '../version.js'
import type {Trace} from '../trace/types.js'
import {cellsFor, ROWS, type Cells} from './cells.js'
import {overallExitCode} from './exit.js'
import type {RegistryFacts, RegistryRun} from './facts.js'

export const COMPARE_SCHEMA = 'regprobe/compare@1' as const

/** `compare --json`: the table as data, and every registry's full trace (schema regprobe/trace@1) beside it. */
export interface CompareDocument {
  schema: typeof COMPARE_SCHEMA
  tool: 'regprobe'
  version: string
  startedAt: string
  /** Wall time of the whole comparison: the slowest registry's, since they run at once. */
  durationMs: number
  exitCode: number
  /** Credentials were given (-u): the authenticated-token row is filled. */
  authenticated: boolean
  rows: Array<{key: string; label: string}>
  registries: Array<{
    label: string
    target: string
    registry: string
    repository?: string
    exitCode: number
    cells: Cells
    facts: RegistryFacts
    trace: Trace
  }>
}

/** Pure: the runs, in the order the registries were named, into the document. */
export function buildComparison(runs: readonly RegistryRun[], meta: {startedAt: Date; durationMs: number; authenticated: boolean}): CompareDocument {
  return {
    schema: COMPARE_SCHEMA,
    tool: 'regprobe',
    version: VERSION,
    startedAt: meta.startedAt.toISOString(),
    durationMs: meta.durationMs,
    exitCode: overallExitCode(runs.map((r) => r.exitCode)),
    authenticated: meta.authenticated,
    rows: ROWS.map((r) => ({key: r.key, label: r.label})),
    registries: runs.map((r) => ({
      label: r.target.label,
      target: r.target.input,
      registry: r.target.registry.host,
      ...(r.target.ref ? {repository: r.target.ref.repository} : {}),
      exitCode: r.exitCode,
      cells: cellsFor(r.facts, {authenticated: meta.authenticated}),
      facts: r.facts,
      trace: r.trace,
    })),
  }
}
