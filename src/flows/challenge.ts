import type {HttpClient} from '../http/client.js'
import {verdictOf} from '../diagnosis/verdict.js'
import {challengeStage} from '../stages/challenge.js'
import {makeContext} from '../stages/context.js'
import {probe} from '../stages/probe.js'
import {makeTrace} from '../trace/trace.js'
import type {Finding, Trace} from '../trace/types.js'
import type {FlowOptions} from './probe.js'
import {resolveTarget} from './target.js'

/** `regprobe challenge REF`: the registry-level challenge and the resource-level ones for each action. */
export async function challengeFlow(http: HttpClient, input: string, actions: string[], opts: FlowOptions = {}): Promise<Trace> {
  const startedAt = new Date()
  const {registry, ref, notes} = resolveTarget(input)
  const ctx = makeContext(http, opts.now)
  const p = await probe(ctx, registry, {plainHttp: opts.plainHttp})
  const c = await challengeStage(ctx, registry, p.result, ref, actions)
  c.step.findings.unshift(...(notes as Finding[]))
  const headline = c.result.challenge
    ? `${c.result.challenge.scheme === 'bearer' ? 'Bearer' : c.result.challenge.scheme} challenge${c.result.scopes.length ? ` for ${c.result.scopes.join(' ')}` : ''}`
    : 'no challenge: anonymous access is allowed'
  return makeTrace('challenge', input, startedAt, [p.step, c.step], verdictOf([p.step, c.step], headline), http.t0)
}
