import type {HttpClient} from '../http/client.js'
import {finish, runStages, startFlow, type StageSpec} from '../pipeline/flow.js'
import {judge} from '../pipeline/judge.js'
import {accessSpec, challengeSpec, credentialsSpec, probeSpec, tokenSpec} from '../pipeline/stages.js'
import type {Trace} from '../trace/types.js'
import type {CredentialInput} from './credentials.js'
import type {FlowOptions} from './probe.js'
import {resolveTarget} from './target.js'

export interface TokenFlowOptions extends FlowOptions {
  credentials: CredentialInput
  oauth?: boolean
  /** --ca-cert was given (the daemon needs the same CA under /etc/docker/certs.d). */
  caCert?: string
  /** doctor: prove every action (push by opening and cancelling an upload); token: use the token for pull only. */
  proveActions?: string[]
  /** doctor --blob: also fetch a blob, following the registry's redirect to its storage. */
  blob?: boolean
  /** Stages judged after the flow (doctor's --via-daemon and --docker-error). */
  late?: StageSpec[]
}

export interface TokenFlowResult {
  trace: Trace
  /** For --print-token: the raw token, kept out of the trace. */
  token?: string
}

/** probe → challenge → credentials → token → access: the `token` and `doctor` commands. */
export async function tokenFlow(http: HttpClient, command: string, input: string, actions: string[], opts: TokenFlowOptions): Promise<TokenFlowResult> {
  const startedAt = new Date()
  const prove = opts.proveActions ?? ['pull']
  const s = await runStages(startFlow(http, resolveTarget(input), opts.now), [
    probeSpec({plainHttp: opts.plainHttp}),
    // Clients derive the scope from the operation and answer the /v2/ challenge: no request of its own here.
    challengeSpec(actions, {probeResources: false}),
    credentialsSpec(opts.credentials),
    tokenSpec({oauth: opts.oauth, plainHttp: opts.plainHttp}),
    accessSpec({actions: prove.filter((x) => actions.includes(x)), oauth: opts.oauth, blob: opts.blob}),
    ...(opts.late ?? []),
  ])
  const c = s.credentials?.credential
  const okHeadline = s.ref ? `${actions.join(' and ')} of ${s.ref.canonical} ${prove.length > 1 ? 'proven' : 'works'}${c ? ` as ${describeUser(c)}` : ' anonymously'}` : `token issued for ${s.registry.host}`
  return {trace: finish(s, command, input, startedAt, judge(s, {okHeadline, actions})), token: s.token?.token}
}

function describeUser(c: {kind: string; username?: string}): string {
  return c.username ? `"${c.username}"` : c.kind
}
