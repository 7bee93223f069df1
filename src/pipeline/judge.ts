/** The verdict of a pipeline run, made one way for every command: flow order, the precise causes, the registry hints. */
import {preciseCauses} from '../diagnosis/causes.js'
import {diagnose} from '../diagnosis/rules.js'
import {judgedBy, verdictOf, withDiagnosis, withPreciseCauses} from '../diagnosis/verdict.js'
import type {StageName, Verdict} from '../trace/types.js'
import {usernameOf, type FlowState} from './flow.js'

export interface JudgeOptions {
  okHeadline: string
  /** The actions the run asked about (the hints differ for pull and push). */
  actions: string[]
  /** A later stage whose outcome decides (login: docker's own judgement; catalog/tags: unsupported versus denied). */
  judge?: StageName
  /** The repository the hints speak of, when it is not the reference's (tags names one without a reference). */
  repository?: string
}

/**
 * The flow's stages make the verdict (the first cause in flow order, the precise cause in place of the generic one, the
 * registry hints); then each stage judged after the flow folds its step in, in order.
 */
export function judge(s: FlowState, opts: JudgeOptions): Verdict {
  const c = s.credentials?.credential
  const late = new Set(s.late.map((l) => l.step))
  const steps = s.steps.filter((x) => !late.has(x))
  const judged = {steps, registry: s.registry, repository: opts.repository ?? s.ref?.repository, actions: opts.actions, username: usernameOf(c), credentialSource: c?.source.location}
  const base = opts.judge ? judgedBy(steps, opts.judge, opts.okHeadline) : verdictOf(steps, opts.okHeadline)
  const flow = withDiagnosis(withPreciseCauses(base, preciseCauses(judged)), diagnose(judged))
  return s.late.reduce((v, l) => l.join(v, l.step), flow)
}
