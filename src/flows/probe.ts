import type {HttpClient} from '../http/client.js'
import {parseRegistry} from '../reference.js'
import {verdictOf} from '../diagnosis/verdict.js'
import {makeContext} from '../stages/context.js'
import {probe} from '../stages/probe.js'
import {makeTrace} from '../trace/trace.js'
import type {Trace} from '../trace/types.js'

export interface FlowOptions {
  plainHttp?: boolean
  now?: () => number
}

/** `regprobe probe REGISTRY`: one GET /v2/. */
export async function probeFlow(http: HttpClient, registryInput: string, opts: FlowOptions = {}): Promise<Trace> {
  const startedAt = new Date()
  const registry = parseRegistry(registryInput)
  const ctx = makeContext(http, opts.now)
  const p = await probe(ctx, registry, {plainHttp: opts.plainHttp})
  const verdict = verdictOf([p.step], `${registry.host} is a v2 registry: ${p.step.summary}`)
  return makeTrace('probe', registry.input, startedAt, [p.step], verdict, http.t0)
}
