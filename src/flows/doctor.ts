import type {HttpClient} from '../http/client.js'
import type {Trace} from '../trace/types.js'
import {tokenFlow, type TokenFlowOptions} from './token.js'

/** `regprobe doctor REF`: the whole flow, every action proven. Diagnosis rules refine the verdict. */
export async function doctorFlow(http: HttpClient, input: string, actions: string[], opts: TokenFlowOptions): Promise<Trace> {
  const {trace} = await tokenFlow(http, 'doctor', input, actions, {...opts, proveActions: actions})
  return trace
}
