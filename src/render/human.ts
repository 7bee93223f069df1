import {Chalk, type ChalkInstance} from 'chalk'
import Table from 'cli-table3'
import type {DaemonFacts, Exchange, Finding, JwtClaimsFacts, NetworkFacts, Step, Trace} from '../trace/types.js'
import {serverLine as line, serverValue} from './sanitize.js'

export interface HumanOptions {
  color: boolean
  verbose: boolean
}

/** Headers a reader of an auth trace needs; -v shows all of them. */
const KEY_RESPONSE_HEADERS = [
  'www-authenticate', 'docker-distribution-api-version', 'location', 'link', 'warning',
  'ratelimit-limit', 'ratelimit-remaining', 'docker-ratelimit-source', 'retry-after',
]
const KEY_REQUEST_HEADERS = ['authorization']
/** Facts that are drawn as their own table, or are too bulky for the summary view. */
const SPECIAL_FACTS = new Set(['comparison', 'rows', 'access', 'claims', 'challenges', 'items', 'pages', 'scopeParsed', 'credential', 'results'])
const PAD = '      '
/** Facts shown by other means (expiresIn says when it was absent; format, blobPath, presented, dockerWouldStore say the rest). */
const HIDDEN_FACTS = new Set(['expiresInAbsent', 'jwtHeader', 'jwt', 'blobHops', 'presentedChain', 'dockerStores'])
/** Facts that are numbers of seconds (the trace keeps values; units are the renderer's). */
const SECONDS_FACTS = new Set(['expiresIn', 'serverClockSkew', 'registryClockSkew', 'clockSkew'])
/** Per stage, the facts worth a line without -v (the exchange lines already show URLs and statuses). */
const BRIEF_FACTS: Partial<Record<Step['stage'], string[]>> = {
  probe: ['scheme', 'uses', 'apiVersion', 'auth', 'realm', 'service', 'tls', 'presented', 'network', 'ratelimit-limit', 'ratelimit-remaining', 'docker-ratelimit-source', 'warning'],
  challenge: ['scopes', 'tokenUrl'],
  credentials: [],
  token: ['network', 'requested', 'token', 'refreshToken', 'expiresIn', 'format', 'serverClockSkew', 'registryClockSkew'],
  access: ['digest', 'rateLimit', 'uploadCancelled'],
  catalog: ['count', 'complete'],
  tags: ['count', 'complete'],
  // The summary already names the stage docker's error belongs to; -v shows the mapping's code.
  'docker-error': ['reproduced'],
}
/** How many listed names the summary view shows before "… and N more". */
const MAX_ITEMS_SHOWN = 50

/** Colour marks status only (design.md). */
function palette(color: boolean): {c: ChalkInstance; mark: (s: string) => string} {
  const c = new Chalk({level: color ? 1 : 0})
  const marks: Record<string, string> = {ok: c.green('✔'), warn: c.yellow('!'), fail: c.red('✖'), skip: c.dim('–'), info: c.cyan('i'), error: c.red('✖')}
  return {c, mark: (s) => marks[s] ?? s}
}

/** Borderless cli-table3: aligned columns without box drawing, readable in a CI log. */
function plainTable(head?: string[]): Table.Table {
  const none = {top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '', left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '  '}
  return new Table({chars: none, style: {head: [], border: [], 'padding-left': 0, 'padding-right': 0}, ...(head ? {head} : {})})
}

export function renderHuman(trace: Trace, opts: HumanOptions): string {
  const {c, mark} = palette(opts.color)
  const out: string[] = [c.bold(`regprobe ${trace.command} ${line(trace.target)}`), '']
  trace.steps.forEach((s, i) => {
    out.push(`${mark(s.status)} ${i + 1}. ${c.bold(s.stage.padEnd(11))} ${line(s.summary)}`)
    for (const x of s.exchanges) out.push(...renderExchange(x, opts, c))
    out.push(...renderFacts(s, opts))
    for (const f of s.findings) {
      if (f.message === s.summary) continue
      if (f.severity === 'info' && !opts.verbose) continue
      out.push(`${PAD}${mark(f.severity)} ${line(f.message)}${opts.verbose ? c.dim(` [${f.code}]`) : ''}`)
    }
    out.push('')
  })
  out.push(...renderVerdict(trace, opts, c))
  const requests = trace.steps.reduce((n, s) => n + s.exchanges.length, 0)
  out.push(c.dim(`  ${trace.durationMs} ms, ${requests} request${requests === 1 ? '' : 's'}${opts.verbose ? '' : '; -v shows every header and body, --json the whole trace'}`))
  return `${out.join('\n')}\n`
}

/**
 * The verdict: the first cause and its fix; docker's own error explained (--docker-error) is what the user asked about,
 * so it is always shown; every other cause is counted, with where to see it (-v lists all, --json has all).
 */
function renderVerdict(trace: Trace, opts: HumanOptions, c: ChalkInstance): string[] {
  const v = trace.verdict
  const head = v.status === 'ok' ? c.green.bold('OK') : v.status === 'warn' ? c.yellow.bold('OK, with warnings') : c.red.bold('FAIL')
  const out = [`${head} ${c.dim(`(exit ${v.code})`)}  ${line(v.headline)}`]
  const others = v.causes.filter((x) => x.message !== v.headline)
  const first = v.status === 'fail' ? [] : others.slice(0, 1)
  const shown = opts.verbose ? others : [...new Set([...first, ...others.filter((x) => x.code.startsWith('docker-error.'))])]
  const fixes = opts.verbose ? v.fixes : [...new Set([...v.fixes.slice(0, 1), ...shown.map((x) => x.fix).filter((x): x is string => !!x)])]
  for (const cause of shown) out.push(`  ${v.status === 'fail' ? 'also' : 'note'}:  ${line(cause.message)}`)
  for (const fix of fixes) out.push(`  fix:   ${line(fix)}`)
  const hidden = others.length - shown.length
  if (hidden > 0) out.push(`  + ${hidden} more ${v.status === 'fail' ? 'cause' : 'note'}${hidden === 1 ? '' : 's'}: -v lists ${hidden === 1 ? 'it' : 'them'} with the fixes, --json has the whole trace`)
  return out
}

function renderExchange(x: Exchange, opts: HumanOptions, c: ChalkInstance): string[] {
  const lines: string[] = []
  const res = x.response
  const status = res ? line(`${res.status} ${res.statusText}`.trim(), 200) : c.red(line(x.error?.code ?? 'no answer', 100))
  const conn = x.connection
  const connText = conn ? `, ${conn.reused ? 'reused' : 'new'} connection${conn.tlsVersion ? ` ${conn.tlsVersion}` : ''}${conn.proxy ? ` via ${line(conn.proxy.url)} (${conn.proxy.from})` : conn.noProxy ? `, direct: ${conn.noProxy.from} has ${conn.noProxy.entry}` : ''}` : ''
  lines.push(`${PAD}${c.bold(line(x.request.method, 20))} ${line(x.request.url)} → ${status} ${c.dim(`(${x.timing.totalMs} ms${connText})`)}`)
  for (const [k, v] of Object.entries(x.request.headers)) if (opts.verbose || KEY_REQUEST_HEADERS.includes(k)) lines.push(`${PAD}  ${c.dim('>')} ${line(k, 200)}: ${line(v)}`)
  if (x.request.body && opts.verbose) lines.push(`${PAD}  ${c.dim('>')} ${line(x.request.body, 400)}`)
  if (res) {
    for (const [k, v] of Object.entries(res.headers)) if (opts.verbose || KEY_RESPONSE_HEADERS.includes(k)) lines.push(`${PAD}  ${c.dim('<')} ${line(k, 200)}: ${line(v)}`)
    const b = res.body
    if (b && (opts.verbose || res.status >= 400)) {
      const text = b.json !== undefined ? JSON.stringify(b.json) : b.textPreview ?? ''
      if (text.trim()) lines.push(`${PAD}  ${c.dim('<')} ${line(text.trim(), opts.verbose ? 4000 : 200)}${b.truncated ? c.dim(' [truncated]') : ''}`)
    }
  }
  if (conn?.certificate && (opts.verbose || !conn.reused)) {
    const cert = conn.certificate
    lines.push(`${PAD}  ${c.dim('tls')} ${conn.tlsVersion ?? ''}${conn.alpn ? ` alpn=${conn.alpn}` : ''}; subject ${line(cert.subject, 300)}; issuer ${line(cert.issuer, 300)}; until ${line(cert.validTo.slice(0, 10), 20)}`)
  }
  if (x.error && res) lines.push(`${PAD}  ${c.red('error')} ${line(x.error.message)}`)
  return lines
}

function renderFacts(s: Step, opts: HumanOptions): string[] {
  const out: string[] = []
  const absent = s.stage === 'token' && s.facts.expiresInAbsent === true
  const kv = plainTable()
  const brief = opts.verbose ? undefined : BRIEF_FACTS[s.stage]
  for (const [k, v] of Object.entries(s.facts) as Array<[string, unknown]>) {
    if (v === null && k === 'identityToken' && s.stage === 'login') kv.push(['identityToken:', 'none (docker stores the password)'])
    if (v === undefined || v === null || (Array.isArray(v) && v.length === 0)) continue
    if (brief && !brief.includes(k)) continue
    if ((k === 'serverClockSkew' || k === 'registryClockSkew') && !opts.verbose && Math.abs(Number(v)) <= 2) continue
    if (k === 'network' && typeof v === 'object') {
      const n = v as NetworkFacts
      kv.push(['network:', line(n.lookup ? `${n.host}: lookup ${n.lookup}` : `${n.host}: IPv4 ${n.ipv4}; IPv6 ${n.ipv6}`)])
      continue
    }
    if (SPECIAL_FACTS.has(k) && !opts.verbose) continue
    if (!opts.verbose && typeof v === 'object' && JSON.stringify(v).length > 160) continue
    if (HIDDEN_FACTS.has(k)) continue
    kv.push([`${line(k, 100)}:`, line(factText(k, v, absent))])
  }
  if (s.stage === 'token' && s.facts.claims) kv.push(['claims:', line(claimsLine(s.facts.claims))])
  if (kv.length) out.push(indent(kv.toString()))
  out.push(...factTables(s, opts))
  return out
}

/** The facts drawn as tables or lists: the token's grant, a listing's names, the credentials' lookup. */
function factTables(s: Step, opts: HumanOptions): string[] {
  const out: string[] = []
  const comparison = s.stage === 'token' ? s.facts.comparison ?? [] : []
  if (comparison.length) {
    const t = plainTable(['resource', 'requested', 'granted', 'missing'])
    for (const r of comparison) {
      t.push([`${r.type}:${r.name}`, r.requested.join(',') || '-', r.granted.join(',') || '(nothing)', r.missing.join(',') || '-'].map((cell) => line(cell, 300)))
    }
    out.push(indent(t.toString()))
  }
  const items = s.stage === 'catalog' || s.stage === 'tags' ? s.facts.items ?? [] : []
  if (items.length) {
    const shown = (opts.verbose ? items : items.slice(0, MAX_ITEMS_SHOWN)).map((item) => serverValue(item, 300))
    out.push(indent(shown.join('\n')))
    if (shown.length < items.length) out.push(`${PAD}… and ${items.length - shown.length} more (--json or -v lists all)`)
  }
  const rows = s.stage === 'credentials' ? s.facts.rows ?? [] : []
  if (rows.length) {
    const t = plainTable(['where', 'result', 'why'])
    for (const r of rows) t.push([line(r.place, 70), line(r.outcome, 40), line(r.reason, 100)])
    out.push(indent(t.toString()))
  }
  return out
}

/** One fact as text: seconds with their unit, the value facts that stand for a sentence as that sentence. */
function factText(k: string, v: unknown, expiresInAbsent: boolean): string {
  if (SECONDS_FACTS.has(k) && typeof v === 'number') return `${v} s${k === 'expiresIn' && expiresInAbsent ? ' (absent: clients assume 60 s)' : ''}`
  if (k === 'derived' && v === true) return 'from the reference and actions, as docker does (regprobe challenge REF shows the registry\'s own resource challenges)'
  if (k === 'request' && typeof v === 'object') {
    const r = v as NonNullable<DaemonFacts['request']>
    return `${r.method} ${r.path} {username: ${JSON.stringify(r.username)}, password: <redacted>, serveraddress: ${JSON.stringify(r.serveraddress)}}`
  }
  return formatValue(v)
}

function claimsLine(claims: JwtClaimsFacts): string {
  const parts: string[] = []
  for (const k of ['iss', 'sub', 'aud'] as const) if (claims[k] !== undefined) parts.push(`${k}=${JSON.stringify(claims[k])}`)
  const {iat, exp} = claims
  if (typeof exp === 'number') parts.push(`exp=${new Date(exp * 1000).toISOString()}${typeof iat === 'number' ? ` (${exp - iat} s after iat)` : ''}`)
  return parts.join(' ')
}

export function formatValue(v: unknown): string {
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.join(' ')
  return JSON.stringify(v)
}

function indent(s: string): string {
  return s.split('\n').map((l) => PAD + l.trimEnd()).join('\n')
}
