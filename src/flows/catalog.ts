import type {HttpClient} from '../http/client.js'
import {UsageError} from '../errors.js'
import {diagnose} from '../diagnosis/rules.js'
import {withDiagnosis} from '../diagnosis/verdict.js'
import {parseRegistry, type RegistryAddress} from '../reference.js'
import {listingChallenge, listStage, MAX_LIST_PAGES, type ListTarget} from '../stages/catalog.js'
import {makeContext, skipped} from '../stages/context.js'
import {probe} from '../stages/probe.js'
import {tokenStage, type TokenStageInput} from '../stages/token.js'
import {makeTrace} from '../trace/trace.js'
import type {Finding, Step, Trace} from '../trace/types.js'
import {credentialsFor, type CredentialInput} from './credentials.js'
import {judgedBy} from '../diagnosis/verdict.js'
import type {FlowOptions} from './probe.js'
import {resolveTarget} from './target.js'

export interface ListFlowOptions extends FlowOptions {
  credentials: CredentialInput
  oauth?: boolean
  /** `n` on the first request; the registry's default (distribution: 100) when absent. */
  pageSize?: number
  /** --all: follow the Link header up to MAX_LIST_PAGES. */
  all?: boolean
  /** --max-pages N (default 1: the first page only). */
  maxPages?: number
}

/** `regprobe catalog REGISTRY`: probe → challenge → credentials → token (registry:catalog:*) → catalog. */
export async function catalogFlow(http: HttpClient, registryInput: string, opts: ListFlowOptions): Promise<Trace> {
  const registry = parseRegistry(registryInput)
  return listFlow(http, 'catalog', registry.input, registry, {kind: 'catalog'}, [], opts)
}

/** `regprobe tags REF`: probe → challenge → credentials → token (repository:NAME:pull) → tags. */
export async function tagsFlow(http: HttpClient, refInput: string, opts: ListFlowOptions): Promise<Trace> {
  const {registry, ref, notes} = resolveTarget(refInput)
  if (!ref) throw new UsageError(`"${refInput}" names a registry, not a repository: tags lists one repository, e.g. ${registry.name}/REPOSITORY`, 'reference.repository-required')
  return listFlow(http, 'tags', refInput, registry, {kind: 'tags', repository: ref.repository}, notes, opts)
}

async function listFlow(http: HttpClient, command: 'catalog' | 'tags', input: string, registry: RegistryAddress, target: ListTarget, notes: Finding[], opts: ListFlowOptions): Promise<Trace> {
  const startedAt = new Date()
  const ctx = makeContext(http, opts.now)
  const steps: Step[] = []
  const p = await probe(ctx, registry, {plainHttp: opts.plainHttp})
  steps.push(p.step)
  const c = await listingChallenge(ctx, registry, p.result, target, opts.pageSize)
  c.step.findings.unshift(...notes)
  steps.push(c.step)
  const repository = target.kind === 'tags' ? target.repository : undefined
  const cred = await credentialsFor(registry, repository, opts.credentials, http.secrets)
  steps.push(cred.step)
  const reached = !!p.result.baseUrl && !p.result.failure
  const tokenInput: TokenStageInput = {registry, challenge: c.result.challenge, scopes: c.result.scopes, credential: cred.credential, oauth: opts.oauth, plainHttp: opts.plainHttp, registryClockSkewS: p.result.clockSkewS}
  let token
  if (!reached) steps.push(skipped('token', 'skipped: the probe did not reach a registry'))
  else {
    const t = await tokenStage(ctx, tokenInput)
    steps.push(t.step)
    token = t.result
  }
  if (!reached) steps.push(skipped(target.kind, 'skipped: the probe did not reach a registry'))
  else {
    const l = await listStage(ctx, {
      registry,
      baseUrl: p.result.baseUrl!,
      target,
      pageSize: opts.pageSize,
      maxPages: opts.all ? MAX_LIST_PAGES : Math.min(opts.maxPages ?? 1, MAX_LIST_PAGES),
      all: opts.all,
      probeChallenge: p.result.challenge,
      challenge: c.result.challenge,
      token,
      firstResponse: c.result.firstResponse,
      anonymous: !cred.credential,
      reauthorize: c.result.challenge?.scheme === 'bearer'
        ? async () => {
            const again = await tokenStage(ctx, tokenInput)
            return {authorization: again.result.authorization, exchanges: again.step.exchanges}
          }
        : undefined,
    })
    steps.push(l.step)
  }
  const list = steps.at(-1)!
  const count = Number(list.facts.count ?? 0)
  const pages = Array.isArray(list.facts.pages) ? list.facts.pages.length : 0
  const what = target.kind === 'catalog' ? `${count} repositories on ${registry.host}` : `${count} tags of ${target.repository}`
  // At --all's cap, "--all" is no advice: say the cap was hit (stages/catalog.ts names it as a finding).
  const capped = list.findings.some((f) => f.code.endsWith('.page-cap'))
  const okHeadline = `${what} in ${pages} page${pages === 1 ? '' : 's'}${list.facts.complete ? '' : capped ? ' (stopped at the cap of --all; more exist)' : ' (more exist: --all)'}`
  const c0 = cred.credential
  const hints = diagnose({steps, registry, repository, actions: target.kind === 'tags' ? ['pull'] : [], username: c0 && 'username' in c0 ? c0.username : undefined, credentialSource: c0?.source.location})
  const verdict = withDiagnosis(judgedBy(steps, target.kind, okHeadline), hints)
  return makeTrace(command, input, startedAt, steps, verdict, http.t0)
}
