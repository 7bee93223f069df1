import type {HttpClient} from '../http/client.js'
import {diagnose} from '../diagnosis/rules.js'
import {preciseCauses} from '../diagnosis/causes.js'
import {verdictOf, withDiagnosis, withPreciseCauses} from '../diagnosis/verdict.js'
import {accessStage} from '../stages/access.js'
import {challengeStage} from '../stages/challenge.js'
import {makeContext, skipped} from '../stages/context.js'
import {probe} from '../stages/probe.js'
import {exchangeToken} from '../auth/token.js'
import {grantOf, tokenStage, type TokenStageResult} from '../stages/token.js'
import {makeTrace} from '../trace/trace.js'
import type {Finding, Step, Trace} from '../trace/types.js'
import {credentialsFor, type CredentialInput} from './credentials.js'
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
}

export interface TokenFlowResult {
  trace: Trace
  /** For --print-token: the raw token, kept out of the trace. */
  token?: string
}

/** probe → challenge → credentials → token → access: the `token` and `doctor` commands. */
export async function tokenFlow(http: HttpClient, command: string, input: string, actions: string[], opts: TokenFlowOptions): Promise<TokenFlowResult> {
  const startedAt = new Date()
  const {registry, ref, notes} = resolveTarget(input)
  const ctx = makeContext(http, opts.now)
  const steps: Step[] = []
  const p = await probe(ctx, registry, {plainHttp: opts.plainHttp})
  steps.push(p.step)
  const c = await challengeStage(ctx, registry, p.result, ref, actions, {probeResources: false})
  c.step.findings.unshift(...(notes as Finding[]))
  steps.push(c.step)
  const cred = await credentialsFor(registry, ref?.repository, opts.credentials, http.secrets)
  steps.push(cred.step)
  let tok: TokenStageResult | undefined
  if (p.result.failure || !p.result.baseUrl) {
    steps.push(skipped('token', 'skipped: the probe did not reach a registry'))
  } else {
    const t = await tokenStage(ctx, {registry, challenge: c.result.challenge, scopes: c.result.scopes, credential: cred.credential, oauth: opts.oauth, plainHttp: opts.plainHttp, registryClockSkewS: p.result.clockSkewS})
    steps.push(t.step)
    tok = t.result
  }
  const prove = opts.proveActions ?? ['pull']
  if (!ref) {
    steps.push(skipped('access', 'skipped: no repository was named'))
  } else if (!p.result.baseUrl || p.result.failure) {
    steps.push(skipped('access', 'skipped: the probe did not reach a registry'))
  } else if (tok?.refused || (c.result.challenge?.scheme === 'bearer' && !tok?.authorization)) {
    steps.push(skipped('access', `skipped: no token (${tok?.refused ? 'the token stage failed' : 'no token was issued'})`))
  } else {
    const ch = c.result.challenge
    const cleanup = ch?.scheme === 'bearer' && ch.realm
      ? async () => {
          const ex = await exchangeToken(http, {realm: ch.realm!, service: ch.service, scopes: [`repository:${ref.repository}:delete`], grant: grantOf(cred.credential), oauth: opts.oauth})
          return {authorization: ex.response ? `Bearer ${ex.response.token}` : undefined, exchanges: ex.results.flatMap((r) => r.exchanges)}
        }
      : undefined
    const a = await accessStage(ctx, {baseUrl: p.result.baseUrl, ref, actions: prove.filter((x) => actions.includes(x)), authorization: tok?.authorization, anonymous: !cred.credential, scheme: ch?.scheme, cleanup, blob: opts.blob, tokenGrantsAll: tok?.comparison ? tok.comparison.every((x) => x.missing.length === 0) : undefined})
    steps.push(a.step)
  }
  const okHeadline = ref ? `${actions.join(' and ')} of ${ref.canonical} ${prove.length > 1 ? 'proven' : 'works'}${cred.credential ? ` as ${describeUser(cred.credential)}` : ' anonymously'}` : `token issued for ${registry.host}`
  const c0 = cred.credential
  const judged = {steps, registry, repository: ref?.repository, actions, username: c0 && 'username' in c0 ? c0.username : undefined, credentialSource: c0?.source.location}
  const verdict = withDiagnosis(withPreciseCauses(verdictOf(steps, okHeadline), preciseCauses(judged)), diagnose(judged))
  return {trace: makeTrace(command, input, startedAt, steps, verdict, http.t0), token: tok?.token}
}

function describeUser(c: {kind: string; username?: string}): string {
  return c.username ? `"${c.username}"` : c.kind
}
