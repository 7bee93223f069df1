import type {HttpClient} from '../http/client.js'
import {daemonViewSpec, dockerErrorSpec, type ViaDaemon} from '../pipeline/late-stages.js'
import type {Trace} from '../trace/types.js'
import {tokenFlow, type TokenFlowOptions} from './token.js'

export interface DoctorOptions extends TokenFlowOptions {
  /** --via-daemon: add the daemon's registry view (proxy, CA files, insecure list) as a stage. */
  viaDaemon?: ViaDaemon
  /** --docker-error: docker's own message, mapped to the stage and cause, and checked against what regprobe saw. */
  dockerError?: string
}

/**
 * `regprobe doctor REF`: the whole flow with every action proven, then the stages the flags add: the daemon's view
 * (--via-daemon) and docker's own message (--docker-error), each judged after the registry's stages.
 */
export async function doctorFlow(http: HttpClient, input: string, actions: string[], opts: DoctorOptions): Promise<Trace> {
  const late = [
    ...(opts.viaDaemon ? [daemonViewSpec(opts.viaDaemon, {usesCustomCa: opts.caCert !== undefined})] : []),
    ...(opts.dockerError ? [dockerErrorSpec(opts.dockerError, http.timeoutMs)] : []),
  ]
  const {trace} = await tokenFlow(http, 'doctor', input, actions, {...opts, proveActions: actions, late})
  return trace
}
