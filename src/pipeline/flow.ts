/**
 * One pipeline for every command (style.md rule 12): a flow declares which stages it needs, each stage declares what
 * it needs from the ones before it, and the skip steps, the order and the Trace are produced here, once.
 */
import type {Credential} from '../credentials/types.js'
import type {HttpClient} from '../http/client.js'
import type {ImageReference, RegistryAddress} from '../reference.js'
import type {ChallengeResult} from '../stages/challenge.js'
import {makeContext, skipped, type StageContext} from '../stages/context.js'
import type {ProbeResult} from '../stages/probe.js'
import type {TokenStageResult} from '../stages/token.js'
import {makeTrace} from '../trace/trace.js'
import type {Finding, StageName, Step, Trace, Verdict} from '../trace/types.js'

/** What the stages of one run have learnt so far; each stage reads what it needs and adds what it found. */
export interface FlowState {
  readonly ctx: StageContext
  readonly registry: RegistryAddress
  readonly ref?: ImageReference
  /** Notes about the reference itself (e.g. "host:5000 is an image by docker's rules"), shown on the challenge step. */
  readonly notes: Finding[]
  readonly steps: Step[]
  probe?: ProbeResult
  challenge?: Pick<ChallengeResult, 'challenge' | 'scopes'>
  /** Set once the credentials stage ran; undefined credential = none found. */
  credentials?: {credential?: Credential}
  token?: TokenStageResult
  /** Steps of stages judged after the flow (doctor's daemon view, docker's own error), with how each joins the verdict. */
  readonly late: Array<{step: Step; join: JoinVerdict}>
}

/** How a stage judged after the flow folds its step into the verdict the flow's own stages made. */
export type JoinVerdict = (v: Verdict, step: Step) => Verdict

/** A precondition: undefined when met, else the skip step's summary. */
export type Need = (s: FlowState) => string | undefined

export interface StageSpec {
  stage: StageName
  /** Checked in order; the first unmet one skips the stage with its reason. */
  needs?: Need[]
  /** Runs the stage, records what it learnt on the state, and returns its step. */
  run(s: FlowState): Promise<Step>
  /**
   * Set for a stage judged after the flow: its step stays in the trace (in flow order) but is left out of the flow's
   * own verdict, and folded into it by this function (src/pipeline/judge.ts).
   */
  joinVerdict?: JoinVerdict
}

export const reached: Need = (s) => (s.probe?.baseUrl && !s.probe.failure ? undefined : 'skipped: the probe did not reach a registry')
export const named: Need = (s) => (s.ref ? undefined : 'skipped: no repository was named')
/** A Bearer registry needs a token before anything else is asked; Basic and open registries do not. */
export const authorized: Need = (s) => {
  if (s.token?.refused) return 'skipped: no token (the token stage failed)'
  if (s.challenge?.challenge?.scheme === 'bearer' && !s.token?.authorization) return 'skipped: no token (no token was issued)'
  return undefined
}

export function startFlow(http: HttpClient, target: {registry: RegistryAddress; ref?: ImageReference; notes?: Finding[]}, now?: () => number): FlowState {
  return {ctx: makeContext(http, now), registry: target.registry, ref: target.ref, notes: target.notes ?? [], steps: [], late: []}
}

/** Runs the stages in order; a stage whose needs are not met becomes a skip step saying why. */
export async function runStages(s: FlowState, specs: StageSpec[]): Promise<FlowState> {
  for (const spec of specs) {
    const unmet = (spec.needs ?? []).map((n) => n(s)).find((reason) => reason !== undefined)
    const step = unmet ? skipped(spec.stage, unmet) : await spec.run(s)
    s.steps.push(step)
    if (spec.joinVerdict && !unmet) s.late.push({step, join: spec.joinVerdict})
  }
  return s
}

export function finish(s: FlowState, command: string, input: string, startedAt: Date, verdict: Verdict): Trace {
  return makeTrace(command, input, startedAt, s.steps, verdict, s.ctx.http.t0)
}

/** The user name a verdict can name, when the credential has one. */
export function usernameOf(c: Credential | undefined): string | undefined {
  return c && 'username' in c && c.username ? c.username : undefined
}
