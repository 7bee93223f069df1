import {Chalk, type ChalkInstance} from 'chalk'
import Table from 'cli-table3'
import type {Exchange, Finding, Step, Trace} from '../trace/types.js'

export interface HumanOptions {
  color: boolean
  verbose: boolean
}

/** Headers a reader of an auth trace needs; -v shows all of them. */
const KEY_RESPONSE_HEADERS = [
  'www-authenticate', 'docker-distribution-api-version', 'content-type', 'location', 'link', 'warning',
  'ratelimit-limit', 'ratelimit-remaining', 'docker-ratelimit-source', 'retry-after', 'docker-upload-uuid', 'date',
]
const KEY_REQUEST_HEADERS = ['authorization', 'content-type', 'accept']

/** Colour marks status only (design.md). */
function palette(color: boolean): {c: ChalkInstance; mark: (s: Step['status'] | Finding['severity'] | 'fail' | 'ok') => string} {
  const c = new Chalk({level: color ? 1 : 0})
  const marks: Record<string, string> = {ok: c.green('✔'), warn: c.yellow('!'), fail: c.red('✖'), skip: c.dim('–'), info: c.cyan('i'), error: c.red('✖')}
  return {c, mark: (s) => marks[s] ?? s}
}

export function renderHuman(trace: Trace, opts: HumanOptions): string {
  const {c, mark} = palette(opts.color)
  const out: string[] = []
  out.push(c.bold(`regprobe ${trace.command} ${trace.target}`))
  out.push('')
  trace.steps.forEach((s, i) => {
    out.push(`${mark(s.status)} ${String(i + 1).padStart(2)}. ${c.bold(s.stage.padEnd(11))} ${s.summary}`)
    for (const x of s.exchanges) out.push(...renderExchange(x, opts, c))
    const table = factsTable(s.facts, opts.verbose)
    if (table) out.push(indent(table, 7))
    for (const f of s.findings) {
      if (f.severity === 'info' && !opts.verbose && s.findings.length > 4) continue
      out.push(`       ${mark(f.severity)} ${f.message}${opts.verbose ? c.dim(` [${f.code}]`) : ''}`)
    }
    out.push('')
  })
  const v = trace.verdict
  const head = v.status === 'ok' ? c.green.bold('OK') : v.status === 'warn' ? c.yellow.bold('OK, with warnings') : c.red.bold('FAIL')
  out.push(`${head} ${c.dim(`(exit ${v.code})`)}  ${v.headline}`)
  if (v.status === 'fail') {
    for (const cause of v.causes.slice(0, 3)) {
      out.push(`  cause: ${cause.message}${cause.evidence ? c.dim(` (evidence: ${cause.evidence})`) : ''}`)
    }
  }
  for (const fix of v.fixes.slice(0, 3)) out.push(`  fix:   ${fix}`)
  out.push(c.dim(`  ${trace.durationMs} ms, ${trace.steps.reduce((n, s) => n + s.exchanges.length, 0)} requests`))
  return out.join('\n') + '\n'
}

function renderExchange(x: Exchange, opts: HumanOptions, c: ChalkInstance): string[] {
  const lines: string[] = []
  const pad = '       '
  const res = x.response
  const status = res ? `${res.status} ${res.statusText}`.trim() : c.red(x.error?.code ?? 'no answer')
  const conn = x.connection
  const connText = conn ? `, ${conn.reused ? 'reused connection' : 'new connection'}${conn.tlsVersion ? ` ${conn.tlsVersion}` : ''}${conn.proxy ? ` via proxy ${conn.proxy.url} (${conn.proxy.from})` : ''}` : ''
  lines.push(`${pad}${c.bold(x.request.method)} ${x.request.url} → ${status} ${c.dim(`(${x.timing.totalMs} ms${connText})`)}`)
  const reqHeaders = Object.entries(x.request.headers).filter(([k]) => opts.verbose || KEY_REQUEST_HEADERS.includes(k))
  for (const [k, v] of reqHeaders) lines.push(`${pad}  ${c.dim('>')} ${k}: ${v}`)
  if (x.request.body && opts.verbose) lines.push(`${pad}  ${c.dim('>')} ${truncate(x.request.body, 400)}`)
  if (res) {
    const resHeaders = Object.entries(res.headers).filter(([k]) => opts.verbose || KEY_RESPONSE_HEADERS.includes(k))
    for (const [k, v] of resHeaders) lines.push(`${pad}  ${c.dim('<')} ${k}: ${v}`)
    const b = res.body
    if (b && (opts.verbose || res.status >= 400)) {
      const text = b.json !== undefined ? JSON.stringify(b.json) : b.textPreview ?? ''
      if (text) lines.push(`${pad}  ${c.dim('<')} ${truncate(text, opts.verbose ? 4000 : 300)}${b.truncated ? c.dim(' [truncated]') : ''}`)
    }
  }
  if (conn?.certificate && (opts.verbose || !conn.reused)) {
    const cert = conn.certificate
    lines.push(`${pad}  ${c.dim('tls')} ${conn.tlsVersion ?? ''} ${conn.alpn ? `alpn=${conn.alpn} ` : ''}subject ${cert.subject}; issuer ${cert.issuer}; valid until ${cert.validTo}`)
  }
  if (x.error && res) lines.push(`${pad}  ${c.red('error')} ${x.error.message}`)
  return lines
}

function factsTable(facts: Record<string, unknown>, verbose: boolean): string | undefined {
  const rows = Object.entries(facts).filter(([, v]) => v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0))
  if (rows.length === 0) return undefined
  const table = new Table({style: {head: [], border: []}, colWidths: [22, 90], wordWrap: true, wrapOnWordBoundary: false})
  for (const [k, v] of rows) {
    if (!verbose && typeof v === 'object' && !Array.isArray(v) && JSON.stringify(v).length > 300) continue
    table.push([k, formatValue(v)])
  }
  return table.length ? table.toString() : undefined
}

export function formatValue(v: unknown): string {
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.join('\n')
  return JSON.stringify(v)
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s
}

function indent(s: string, n: number): string {
  const p = ' '.repeat(n)
  return s.split('\n').map((l) => p + l).join('\n')
}
