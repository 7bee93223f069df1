import type {HttpClient} from '../http/client.js'
import {UsageError} from '../errors.js'
import {finish, reached, runStages, startFlow, type FlowState, type StageSpec} from '../pipeline/flow.js'
import {judge} from '../pipeline/judge.js'
import {credentialsSpec, probeSpec, tokenSpec} from '../pipeline/stages.js'
import {parseRegistry, type RegistryAddress} from '../reference.js'
import {listingChallenge, listStage, MAX_LIST_PAGES, type ListingChallengeResult, type ListStageInput, type ListTarget} from '../stages/catalog.js'
import {stepOf, type Finding, type Trace} from '../trace/types.js'
import type {CredentialInput} from './credentials.js'
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
  const repository = target.kind === 'tags' ? target.repository : undefined
  let listing: ListingChallengeResult | undefined
  const token = tokenSpec({oauth: opts.oauth, plainHttp: opts.plainHttp})
  const s = await runStages(startFlow(http, {registry, notes}, opts.now), [
    probeSpec({plainHttp: opts.plainHttp}),
    {
      stage: 'challenge',
      async run(st) {
        const c = await listingChallenge(st.ctx, registry, st.probe!, target, opts.pageSize)
        c.step.findings.unshift(...st.notes)
        listing = c.result
        st.challenge = c.result
        return c.step
      },
    },
    credentialsSpec(opts.credentials, repository),
    token,
    {stage: target.kind, needs: [reached], run: async (st) => (await listStage(st.ctx, listInput(st, target, listing!, opts, token))).step},
  ])
  const list = stepOf(s.steps, target.kind)!
  const count = list.facts.count ?? 0
  const pages = list.facts.pages?.length ?? 0
  const what = target.kind === 'catalog' ? `${count} repositories on ${registry.host}` : `${count} tags of ${target.repository}`
  // At --all's cap, "--all" is no advice: say the cap was hit (stages/catalog.ts names it as a finding).
  const capped = list.findings.some((f) => f.code.endsWith('.page-cap'))
  const okHeadline = `${what} in ${pages} page${pages === 1 ? '' : 's'}${list.facts.complete ? '' : capped ? ' (stopped at the cap of --all; more exist)' : ' (more exist: --all)'}`
  return finish(s, command, input, startedAt, judge(s, {okHeadline, actions: target.kind === 'tags' ? ['pull'] : [], judge: target.kind, repository}))
}

/** What the listing stage needs from the flow; a Bearer registry may ask for a fresh token between pages. */
function listInput(s: FlowState, target: ListTarget, listing: ListingChallengeResult, opts: ListFlowOptions, token: StageSpec): ListStageInput {
  return {
    registry: s.registry,
    baseUrl: s.probe!.baseUrl!,
    target,
    pageSize: opts.pageSize,
    maxPages: opts.all ? MAX_LIST_PAGES : Math.min(opts.maxPages ?? 1, MAX_LIST_PAGES),
    all: opts.all,
    probeChallenge: s.probe!.challenge,
    challenge: listing.challenge,
    token: s.token,
    firstResponse: listing.firstResponse,
    anonymous: !s.credentials?.credential,
    reauthorize: listing.challenge?.scheme === 'bearer'
      ? async () => {
          const again = await token.run(s)
          return {authorization: s.token?.authorization, exchanges: again.exchanges}
        }
      : undefined,
  }
}
