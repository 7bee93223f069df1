import type {HttpClient} from '../http/client.js'
import type {Trace} from '../trace/types.js'
import {tokenFlow, type TokenFlowOptions} from './token.js'

export interface DoctorOptions extends TokenFlowOptions {
  /** --via-daemon: add the daemon's registry view (proxy, CA files, insecure list) as a stage. */
  viaDaemon?: {host?: string; env?: NodeJS.ProcessEnv; timeoutMs: number}
  /** --docker-error: docker's own message, mapped to the stage and cause, and checked against what regprobe saw. */
  dockerError?: string
}

/** `regprobe doctor REF`: the whole flow, every action proven, diagnosis rules on the verdict. */
export async function doctorFlow(http: HttpClient, input: string, actions: string[], opts: DoctorOptions): Promise<Trace> {
  const {trace} = await tokenFlow(http, 'doctor', input, actions, {...opts, proveActions: actions})
  if (opts.viaDaemon) {
    const {daemonViewStep} = await import('./daemon.js')
    const {resolveTarget} = await import('./target.js')
    const probeFacts = trace.steps.find((s) => s.stage === 'probe')?.facts
    const s = await daemonViewStep({
      ...opts.viaDaemon,
      registry: {address: resolveTarget(input).registry, speaksPlainHttp: probeFacts?.scheme === 'http', usesCustomCa: opts.caCert !== undefined},
    })
    // A daemon finding that means docker will fail counts (an x509, plain HTTP not in insecure-registries); a daemon
    // this shell cannot reach does not say anything about the registry, so that stays a warning.
    if (s.status === 'fail' && !s.facts.serverVersion) {
      for (const f of s.findings) if (f.severity === 'error') f.severity = 'warn'
      s.status = 'warn'
    }
    trace.steps.push(s)
    const {withStep} = await import('../diagnosis/verdict.js')
    trace.verdict = withStep(trace.verdict, s)
  }
  if (opts.dockerError) {
    const {dockerDialFindings, dockerErrorFinding} = await import('./daemon.js')
    const {resolveTarget} = await import('./target.js')
    const f = await dockerErrorFinding(opts.dockerError, trace)
    const dial = await dockerDialFindings(opts.dockerError, trace, resolveTarget(input).registry.hostname, http.timeoutMs)
    const added = [f, ...dial]
    const fixes = added.map((x) => x.fix).filter((x): x is string => !!x)
    trace.verdict = {...trace.verdict, causes: [...trace.verdict.causes, ...added], fixes: [...new Set([...trace.verdict.fixes, ...fixes])]}
  }
  return trace
}
