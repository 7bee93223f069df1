import type {HttpClient} from '../http/client.js'
import {verdictOf} from '../diagnosis/verdict.js'
import {finish, runStages, startFlow} from '../pipeline/flow.js'
import {challengeSpec, probeSpec} from '../pipeline/stages.js'
import type {Trace} from '../trace/types.js'
import type {FlowOptions} from './probe.js'
import {resolveTarget} from './target.js'

/** `regprobe challenge REF`: the registry-level challenge and the resource-level ones for each action. */
export async function challengeFlow(http: HttpClient, input: string, actions: string[], opts: FlowOptions = {}): Promise<Trace> {
  const startedAt = new Date()
  const s = await runStages(startFlow(http, resolveTarget(input), opts.now), [probeSpec({plainHttp: opts.plainHttp}), challengeSpec(actions)])
  const c = s.challenge
  const headline = c?.challenge
    ? `${c.challenge.scheme === 'bearer' ? 'Bearer' : c.challenge.scheme} challenge${c.scopes.length ? ` for ${c.scopes.join(' ')}` : ''}`
    : 'no challenge: anonymous access is allowed'
  return finish(s, 'challenge', input, startedAt, verdictOf(s.steps, headline))
}
