import type {HttpClient} from '../http/client.js'
import {parseRegistry} from '../reference.js'
import {verdictOf} from '../diagnosis/verdict.js'
import {finish, runStages, startFlow} from '../pipeline/flow.js'
import {probeSpec} from '../pipeline/stages.js'
import type {Trace} from '../trace/types.js'

export interface FlowOptions {
  plainHttp?: boolean
  now?: () => number
}

/** `regprobe probe REGISTRY`: one GET /v2/. */
export async function probeFlow(http: HttpClient, registryInput: string, opts: FlowOptions = {}): Promise<Trace> {
  const startedAt = new Date()
  const registry = parseRegistry(registryInput)
  const s = await runStages(startFlow(http, {registry}, opts.now), [probeSpec({plainHttp: opts.plainHttp})])
  const p = s.steps[0]!
  return finish(s, 'probe', registry.input, startedAt, verdictOf(s.steps, `${registry.host} is a v2 registry: ${p.summary}`))
}
