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

export function judge(s: FlowState, opts: JudgeOptions): Verdict {
  const c = s.credentials?.credential
  const judged = {steps: s.steps, registry: s.registry, repository: opts.repository ?? s.ref?.repository, actions: opts.actions, username: usernameOf(c), credentialSource: c?.source.location}
  const base = opts.judge ? judgedBy(s.steps, opts.judge, opts.okHeadline) : verdictOf(s.steps, opts.okHeadline)
  return withDiagnosis(withPreciseCauses(base, preciseCauses(judged)), diagnose(judged))
}
