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
  const table = new Table({head, wordWrap: false, colWidths: [26, ...doc.registries.map(() => width)], style: {head: [], border: []}})
  for (const row of doc.rows) {
    if (row.key === 'authenticatedToken' && !doc.authenticated) continue
    table.push([row.label, ...doc.registries.map((r) => {
      const v = String(r.cells[row.key as keyof typeof r.cells] ?? '').split('\n').map((l) => serverLine(l)).join('\n')
      const text = wrapCell(v, width - 2)
      return row.key === 'result' && r.exitCode !== 0 ? c.red(text) : text
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

/**
 * Wraps a cell at word boundaries (spaces); a word longer than the width (a URL) breaks after a '/', '?', '&', '=' or
 * ',' where it can, and only as a last resort inside a name. Pure.
 */
export function wrapCell(text: string, width: number): string {
  return text.split('\n').flatMap((line) => wrapLine(line, Math.max(8, width))).join('\n')
}

function wrapLine(line: string, width: number): string[] {
  const out: string[] = []
  let cur = ''
  for (const word of line.split(' ').flatMap((w) => splitLong(w, width))) {
    if (cur && cur.length + 1 + word.length > width) {
      out.push(cur)
      cur = word
    } else cur = cur ? `${cur} ${word}` : word
  }
  out.push(cur)
  return out
}

/** A word longer than the width, cut after URL separators (kept at the end of each piece). */
function splitLong(word: string, width: number): string[] {
  const pieces: string[] = []
  let rest = word
  while (rest.length > width) {
    const window = rest.slice(0, width)
    const cut = Math.max(...['/', '?', '&', '=', ','].map((sep) => window.lastIndexOf(sep)))
    const at = cut > 0 ? cut + 1 : width
    pieces.push(rest.slice(0, at))
    rest = rest.slice(at)
  }
  return [...pieces, rest]
}
