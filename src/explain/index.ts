/**
 * `regprobe explain`: from a log (a pasted message or a whole CI log) to the registry failures in it, each with its
 * tool, image, operation, ranked causes and the regprobe command that decides between them. Offline and pure: text
 * in, result out (reading the input is input.ts, printing is render.ts).
 */
import {causeDef} from './causes.js'
import {baseCauses} from './classify.js'
import {operationOf, targetOf, toolOf, type Target} from './extract.js'
import {nextCommand} from './next.js'
import {rank} from './rank.js'
import {quoteLine} from './sanitize.js'
import {scanLog, type Line, type RawFinding} from './scan.js'
import type {LogContext} from './context.js'
import {CATEGORY_EXIT, EXPLAIN_SCHEMA, type Candidate, type ExplainFinding, type ExplainInput, type ExplainResult, type Operation, type Tool} from './types.js'
import {ExitCode} from '../trace/types.js'
import {serverLine} from '../render/sanitize.js'

/** Candidates shown per finding: past five, the text has said all it can. */
const MAX_CANDIDATES = 5

export function explainLog(text: string, input: Omit<ExplainInput, 'lines'>): ExplainResult {
  const scan = scanLog(text)
  const findings = scan.raw.map((r) => explainOne(r, scan.context))
  return {
    schema: EXPLAIN_SCHEMA,
    input: {...input, lines: scan.lines, truncated: input.truncated || scan.cut, ...(scan.cut ? {cut: 'lines' as const} : input.truncated ? {cut: 'bytes' as const} : {})},
    findings,
    exitCode: findings[0] ? CATEGORY_EXIT[findings[0].category] : ExitCode.OK,
  }
}

function explainOne(r: RawFinding, ctx: LogContext): ExplainFinding {
  const nearestFirst = [...r.before].reverse()
  const own = targetOf(r.line.text)
  const seen = own ? undefined : firstOf(nearestFirst, (l) => {
    const t = targetOf(l.text)
    return t ? {t, l} : undefined
  })
  const target: Target = safeTarget(withTag(own ?? seen?.t ?? {}, nearestFirst))
  const targetLine = own ? r.line : seen?.l
  const operation: Operation | undefined = operationOf(r.line.text) ?? (r.mapping.stage === 'login' ? 'login' : firstOf(nearestFirst, (l) => operationOf(l.text)))
  const tool = toolFor(r.line.text, nearestFirst.map((l) => l.text))
  const failure = {code: r.mapping.code, line: r.line.no, text: r.line.text, operation, tool, target, targetLine}
  const ranked = rank(failure, ctx, baseCauses(r.mapping.code, operation))
  const facts = {registry: target.registry, repository: target.repository, reference: target.reference, operation, tool}
  // The first few, and any further one the log has evidence about.
  const shown = ranked.causes.filter((id, i) => i < MAX_CANDIDATES || ranked.for.has(id) || ranked.against.has(id))
  const candidates: Candidate[] = shown.map((id) => {
    const def = causeDef(id)
    return {category: def.category, cause: id, summary: def.summary(facts), for: ranked.for.get(id) ?? [], against: ranked.against.get(id) ?? [], fix: def.fix(facts)}
  })
  return {
    line: r.line.no,
    text: quoteLine(r.line.text),
    occurrences: r.occurrences,
    tool,
    ...(r.ci ? {ci: r.ci} : {}),
    ...(target.registry ? {registry: target.registry} : {}),
    ...(target.repository ? {repository: target.repository} : {}),
    ...(target.tag ? {tag: target.tag} : {}),
    ...(target.digest ? {digest: target.digest} : {}),
    ...(target.reference ? {reference: target.reference} : {}),
    ...(operation ? {operation} : {}),
    code: r.mapping.code,
    stage: r.mapping.stage,
    category: candidates[0]!.category,
    decided: ranked.decided,
    candidates,
    next: nextCommand({target, operation, firstCause: candidates[0]!.cause, code: r.mapping.code, text: r.line.text}),
  }
}

/** Names read from the log are printed and put into commands: through the sanitizer like any log text. */
function safeTarget(t: Target): Target {
  const out: Target = {...t}
  for (const k of ['registry', 'repository', 'tag', 'digest', 'reference', 'written'] as const) if (out[k] !== undefined) out[k] = serverLine(out[k]!, 300)
  return out
}

/** docker's "The push refers to repository [NAME]" has no tag: the command before it may have named one. */
function withTag(t: Target, nearestFirst: Line[]): Target {
  if (!t.repository || t.explicitTag !== false) return t
  const tagged = firstOf(nearestFirst, (l) => {
    const o = targetOf(l.text)
    return o?.explicitTag && o.registry === t.registry && o.repository === t.repository ? o : undefined
  })
  return tagged ?? t
}

/** A tool named in the failure line itself wins; else the nearest line that names one; docker's bare texts last. */
function toolFor(line: string, nearestFirst: string[]): Tool {
  const own = toolOf(line)
  if (own && own !== 'docker') return own
  return firstOf(nearestFirst, (l) => toolOf(l)) ?? own ?? 'unknown'
}

function firstOf<T, R>(items: T[], f: (t: T) => R | undefined): R | undefined {
  for (const item of items) {
    const r = f(item)
    if (r !== undefined) return r
  }
  return undefined
}
