import {TRACE_SCHEMA, type Step, type Trace, type Verdict} from './types.js'
import {VERSION} from '../version.js'

export function makeTrace(command: string, target: string, startedAt: Date, steps: Step[], verdict: Verdict, t0: number): Trace {
  return {
    schema: TRACE_SCHEMA,
    tool: 'regprobe',
    version: VERSION,
    command,
    target,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - t0),
    steps,
    verdict,
  }
}
