import type {Credential} from '../credentials/types.js'
import {verdictOf} from '../diagnosis/verdict.js'
import type {HttpClient} from '../http/client.js'
import {accessStage} from '../stages/access.js'
import {challengeStage} from '../stages/challenge.js'
import {makeContext, skipped} from '../stages/context.js'
import {probe} from '../stages/probe.js'
import {tokenStage} from '../stages/token.js'
import {resolveTarget} from '../flows/target.js'
import {makeTrace} from '../trace/trace.js'
import type {Finding, Step, Trace} from '../trace/types.js'

export interface RecordPipelineOptions {
  /** Actions the challenge and token ask for; only pull is proven (a HEAD of the manifest), so nothing is changed. */
  actions: string[]
  credential?: Credential
  plainHttp?: boolean
  now?: () => number
}

/**
 * probe → challenge → token → access, the stages `npm run record` captures and the replay tests run again. Credentials
 * come only from the recorder's flags: a recording must never depend on (or capture) the recording machine's docker
 * config.
 */
export async function recordPipeline(http: HttpClient, input: string, opts: RecordPipelineOptions): Promise<Trace> {
  const startedAt = new Date()
  const {registry, ref, notes} = resolveTarget(input)
  const ctx = makeContext(http, opts.now)
  const steps: Step[] = []
  const p = await probe(ctx, registry, {plainHttp: opts.plainHttp})
  steps.push(p.step)
  const c = await challengeStage(ctx, registry, p.result, ref, opts.actions)
  c.step.findings.unshift(...(notes as Finding[]))
  steps.push(c.step)
  const reached = !!p.result.baseUrl && !p.result.failure
  if (!reached) {
    steps.push(skipped('token', 'skipped: the probe did not reach a registry'), skipped('access', 'skipped: the probe did not reach a registry'))
    return makeTrace('record', input, startedAt, steps, verdictOf(steps, ''), http.t0)
  }
  const t = await tokenStage(ctx, {registry, challenge: c.result.challenge, scopes: c.result.scopes, credential: opts.credential, plainHttp: opts.plainHttp})
  steps.push(t.step)
  if (!ref) steps.push(skipped('access', 'skipped: no repository was named'))
  else if (t.result.refused || (c.result.challenge?.scheme === 'bearer' && !t.result.authorization)) steps.push(skipped('access', 'skipped: no token'))
  else {
    const a = await accessStage(ctx, {baseUrl: p.result.baseUrl!, ref, actions: ['pull'], authorization: t.result.authorization, anonymous: !opts.credential, scheme: c.result.challenge?.scheme})
    steps.push(a.step)
  }
  const headline = ref ? `${opts.actions.join(' and ')} of ${ref.canonical} works${opts.credential ? '' : ' anonymously'}` : `token issued for ${registry.host}`
  return makeTrace('record', input, startedAt, steps, verdictOf(steps, headline), http.t0)
}
