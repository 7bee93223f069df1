import type {Credential} from '../credentials/types.js'
import {verdictOf} from '../diagnosis/verdict.js'
import type {HttpClient} from '../http/client.js'
import {finish, reached, runStages, startFlow, type StageSpec} from '../pipeline/flow.js'
import {challengeSpec, probeSpec, tokenSpec} from '../pipeline/stages.js'
import type {probe} from '../stages/probe.js'
import type {Exchange, Trace} from '../trace/types.js'
import {catalogCheck} from './catalog.js'
import {exitCodeOf} from './exit.js'
import type {RegistryFacts, RegistryRun, TokenFacts} from './facts.js'
import type {CompareTarget} from './targets.js'
import {tokenFacts} from './token-facts.js'

export interface RunOptions {
  plainHttp?: boolean
  /** -u/--password-stdin: the same account is tried on every registry. */
  credential?: Credential
  now?: () => number
}

/** Header names whose values the table shows in the rate-limit row (Docker Hub's, the IETF draft's, GitHub's style). */
const RATE_LIMIT_HEADER = /^(?:x-)?ratelimit-|^docker-ratelimit-source$|^retry-after$/

/**
 * One registry's column: probe, challenge on the repository, an anonymous token (and an authenticated one when
 * credentials were given), and the catalog. Never throws for what a registry does: a failure is the column's content.
 */
export async function runRegistry(http: HttpClient, target: CompareTarget, opts: RunOptions = {}): Promise<RegistryRun> {
  const startedAt = new Date()
  const s = startFlow(http, {registry: target.registry, ref: target.ref}, opts.now)
  let anonymousToken: TokenFacts = {outcome: 'not-applicable', detail: 'the probe did not reach a registry'}
  let authenticatedToken: TokenFacts | undefined
  let catalog: RegistryFacts['catalog'] = {outcome: 'not-tried'}
  /** A token stage whose outcome also becomes a cell of the table. */
  const token = (label: 'anonymous' | 'authenticated', credential: Credential | null, keep: (f: TokenFacts) => void): StageSpec => {
    const spec = tokenSpec({credential, plainHttp: opts.plainHttp, label})
    return {...spec, run: async (st) => {
      const step = await spec.run(st)
      keep(tokenFacts(step, st.token!))
      return step
    }}
  }
  await runStages(s, [
    probeSpec({plainHttp: opts.plainHttp}),
    challengeSpec(['pull'], {probeResources: true, needs: [reached]}),
    token('anonymous', null, (f) => (anonymousToken = f)),
    ...(opts.credential ? [token('authenticated', opts.credential, (f) => (authenticatedToken = f))] : []),
    {stage: 'catalog', needs: [reached], run: async (st) => {
      const cat = await catalogCheck(st.ctx, st.probe!)
      catalog = cat.facts
      return cat.step
    }},
  ])
  const reachedRegistry = reached(s) === undefined
  const headline = reachedRegistry ? `${target.registry.host} answered as a v2 registry` : s.steps[0]!.summary
  const trace: Trace = finish(s, 'compare', target.input, startedAt, verdictOf(s.steps, headline))
  trace.durationMs = Math.round(Date.now() - startedAt.getTime())
  const facts = gatherFacts(trace, s.probe!, {anonymousToken, authenticatedToken, catalog, scopes: s.challenge?.scopes ?? []})
  return {target, facts, trace, exitCode: exitCodeOf(trace)}
}

type ProbeOutcome = Awaited<ReturnType<typeof probe>>['result']

/** Pure: the probe's result and every recorded exchange, read into the comparison's facts. */
export function gatherFacts(
  trace: Trace,
  pr: ProbeOutcome,
  rest: Pick<RegistryFacts, 'anonymousToken' | 'authenticatedToken' | 'catalog' | 'scopes'>,
): RegistryFacts {
  const probeStep = trace.steps[0]!
  const reachable = !!pr.baseUrl && !pr.failure && probeStep.status !== 'fail'
  const exchanges: Exchange[] = trace.steps.flatMap((s) => s.exchanges)
  const rateLimit: Record<string, string> = {}
  const warnings: string[] = []
  for (const x of exchanges) {
    for (const [k, v] of Object.entries(x.response?.headers ?? {})) {
      if (RATE_LIMIT_HEADER.test(k) && !(k in rateLimit)) rateLimit[k] = v
      if (k === 'warning' && !warnings.includes(v)) warnings.push(v)
    }
  }
  const c = pr.challenge
  const facts: RegistryFacts = {
    reachable,
    ...(reachable ? {} : {failure: probeStep.summary}),
    ...(pr.status === undefined ? {} : {probeStatus: pr.status}),
    ...(pr.apiVersion ? {apiVersion: pr.apiVersion} : {}),
    rateLimit,
    warnings,
    durationMs: trace.durationMs,
    ...rest,
  }
  if (pr.status === 200) facts.scheme = 'none'
  else if (c) facts.scheme = c.scheme
  if (c?.realm) {
    facts.realm = c.realm
    try {
      const realmHost = new URL(c.realm).host
      facts.realmHost = realmHost
      const realm = new URL(c.realm)
      const reg = pr.baseUrl ? new URL(pr.baseUrl) : undefined
      facts.realmSameHost = reg?.hostname === realm.hostname
      facts.realmSameOrigin = reg?.origin === realm.origin
    } catch {}
  }
  if (c?.service) facts.service = c.service
  if (c?.scope !== undefined) facts.pingScope = c.scope
  const conn = probeStep.exchanges.map((x) => x.connection).find((x) => x?.tlsVersion)
  if (conn) facts.tls = {version: conn.tlsVersion, issuer: conn.certificate?.issuer}
  return facts
}
