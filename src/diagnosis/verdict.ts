import {ExitCode, type Finding, type StageName, type Step, type Verdict} from '../trace/types.js'
import type {PreciseCause} from './causes.js'

/**
 * The verdict names the first cause in the flow (design.md): steps are in flow order, so the first error finding
 * with an exit code wins; within a step, the lower exit code (unreachable < TLS < protocol < auth) wins.
 */
export function verdictOf(steps: Step[], okHeadline: string): Verdict {
  for (const s of steps) {
    const errors = s.findings.filter((f) => f.severity === 'error')
    if (errors.length === 0) continue
    const decisive = [...errors].sort((a, b) => (a.exitCode ?? ExitCode.INTERNAL) - (b.exitCode ?? ExitCode.INTERNAL))[0]!
    const causes = [decisive, ...steps.flatMap((x) => x.findings).filter((f) => f !== decisive && f.severity === 'error')]
    return {status: 'fail', code: decisive.exitCode ?? ExitCode.INTERNAL, headline: decisive.message, causes, fixes: fixesOf(causes)}
  }
  const warnings = steps.flatMap((s) => s.findings).filter((f) => f.severity === 'warn')
  if (warnings.length) return {status: 'warn', code: ExitCode.OK, headline: okHeadline, causes: warnings, fixes: fixesOf(warnings)}
  return {status: 'ok', code: ExitCode.OK, headline: okHeadline, causes: [], fixes: []}
}

function fixesOf(findings: Finding[]): string[] {
  return [...new Set(findings.map((f) => f.fix).filter((f): f is string => !!f))]
}

/**
 * Adds the diagnosis rules' hints to a verdict: the decisive stage finding stays the headline (it is what happened);
 * a matching registry-specific hint explains what it means here, so its fix comes first.
 */
export function withDiagnosis(v: Verdict, hints: Finding[]): Verdict {
  if (hints.length === 0) return v
  const relevant = v.status === 'ok' ? hints.filter((h) => h.severity !== 'info') : hints
  if (relevant.length === 0) return v
  const status = v.status === 'ok' && relevant.some((h) => h.severity === 'warn') ? 'warn' : v.status
  const [first, ...rest] = v.causes
  const fixOf = (fs: Finding[]) => fs.map((h) => h.fix).filter((f): f is string => !!f)
  // A warning hint names the real cause (e.g. an e-mail as user name): its fix first. An info hint adds context:
  // after the decisive finding's own fix.
  const fixes = [...fixOf(relevant.filter((h) => h.severity === 'warn')), ...fixOf(first ? [first] : []), ...fixOf(relevant.filter((h) => h.severity === 'info')), ...v.fixes]
  return {...v, status, causes: first ? [first, ...relevant, ...rest] : relevant, fixes: [...new Set(fixes)]}
}

/** Token-step findings that a judging stage settles by using the token (the access list is only the server's claim). */
const SETTLED_BY_USE = new Set(['token.access.empty', 'token.scope.missing-action'])

/**
 * The verdict when a later stage judges the token step's outcome (login: docker's own judgement; catalog: "unsupported"
 * versus "denied"). The judge is read before the token step, so its finding is the headline, and the token step's
 * refusal stays as evidence among the causes; the trace itself keeps the flow order.
 */
export function judgedBy(steps: Step[], judge: StageName, okHeadline: string): Verdict {
  const judging = steps.find((s) => s.stage === judge)
  const ordered: Step[] = []
  for (const s of steps) {
    if (s === judging) continue
    if (s.stage === 'token') {
      if (judging) ordered.push(judging)
      ordered.push({...s, findings: s.findings.filter((f) => !SETTLED_BY_USE.has(f.code))})
    } else ordered.push(s)
  }
  if (judging && !ordered.includes(judging)) ordered.push(judging)
  return verdictOf(ordered, okHeadline)
}

/**
 * Puts a precise cause (src/diagnosis/causes.ts) in place of the generic finding it explains when that finding decides
 * the verdict: its message is the headline, its fix comes first, and the generic finding stays among the causes
 * (its fix is dropped: it is what the precise cause corrects).
 */
export function withPreciseCauses(v: Verdict, precise: PreciseCause[]): Verdict {
  if (v.status !== 'fail') return v
  const decisive = v.causes[0]
  const p = precise.find((c) => c.explains === decisive?.code)
  if (!p || !decisive) return v
  const fixes = [p.finding.fix, ...v.fixes.filter((f) => f !== decisive.fix)].filter((f): f is string => !!f)
  return {...v, code: p.finding.exitCode ?? v.code, headline: p.finding.message, causes: [p.finding, ...v.causes], fixes: [...new Set(fixes)]}
}

/**
 * Adds a step judged after the flow (doctor --via-daemon): its errors fail a verdict that was ok; a failed verdict
 * keeps its own first cause (regprobe's stages saw the registry itself) and gains the step's findings as causes.
 */
export function withStep(v: Verdict, s: Step): Verdict {
  const errors = s.findings.filter((f) => f.severity === 'error')
  const warnings = s.findings.filter((f) => f.severity === 'warn')
  if (v.status !== 'fail' && errors.length) {
    const own = verdictOf([s], s.summary)
    const causes = [...own.causes, ...v.causes, ...warnings]
    return {...own, causes, fixes: fixesOf(causes)}
  }
  const added = [...errors, ...warnings]
  if (added.length === 0) return v
  const causes = [...v.causes, ...added]
  return {...v, status: v.status === 'ok' ? 'warn' : v.status, causes, fixes: [...new Set([...v.fixes, ...fixesOf(added)])]}
}
