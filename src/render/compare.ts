import Table from 'cli-table3'
import {Chalk} from 'chalk'
import type {CompareDocument} from '../compare/document.js'
import {serverLine} from './sanitize.js'

export interface CompareRenderOptions {
  color: boolean
  /** Cells wider than this wrap; a terminal of 80 columns fits three registries. */
  maxCellWidth?: number
}

/** Long header values (a Warning, a realm) wrap rather than push the table off the screen. */
const DEFAULT_CELL_WIDTH = 34

/** One table, a column per registry, a row per compared behaviour. Pure: data in, text out. */
export function renderCompare(doc: CompareDocument, opts: CompareRenderOptions): string {
  const c = new Chalk({level: opts.color ? 1 : 0})
  const width = opts.maxCellWidth ?? DEFAULT_CELL_WIDTH
  const head = ['', ...doc.registries.map((r) => (r.exitCode === 0 ? c.green(r.label) : c.red(r.label)))]
  const table = new Table({head, wordWrap: true, wrapOnWordBoundary: false, colWidths: [26, ...doc.registries.map(() => width)], style: {head: [], border: []}})
  for (const row of doc.rows) {
    if (row.key === 'authenticatedToken' && !doc.authenticated) continue
    table.push([row.label, ...doc.registries.map((r) => {
      const v = serverLine(String(r.cells[row.key as keyof typeof r.cells] ?? ''))
      return row.key === 'result' && r.exitCode !== 0 ? c.red(v) : v
    })])
  }
  const repos = doc.registries.filter((r) => r.repository).map((r) => `${r.label}: ${r.repository}`)
  const lines = [c.bold(`regprobe compare: ${doc.registries.length} registr${doc.registries.length === 1 ? 'y' : 'ies'}, at once`), table.toString()]
  if (repos.length) lines.push(c.dim(`repositories asked: ${repos.join('; ')}`))
  const failed = doc.registries.filter((r) => r.exitCode !== 0)
  lines.push(
    failed.length
      ? c.red(`exit ${doc.exitCode}: ${failed.map((r) => `${r.label} did not answer as a v2 registry (${r.exitCode})`).join('; ')}`)
      : c.dim(`exit 0: every registry answered as a v2 registry (${doc.durationMs} ms in all)`),
  )
  return `${lines.join('\n')}\n`
}
