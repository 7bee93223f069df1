import type {Credential} from '../credentials/types.js'
import {verdictOf} from '../diagnosis/verdict.js'
import type {HttpClient} from '../http/client.js'
import {challengeStage} from '../stages/challenge.js'
import {makeContext, skipped} from '../stages/context.js'
import {probe} from '../stages/probe.js'
import {tokenStage} from '../stages/token.js'
import {makeTrace} from '../trace/trace.js'
import type {Exchange, Step, Trace} from '../trace/types.js'
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
  const ctx = makeContext(http, opts.now)
  const {registry, ref} = target
  const steps: Step[] = []
  const p = await probe(ctx, registry, {plainHttp: opts.plainHttp})
  steps.push(p.step)
  const reached = !!p.result.baseUrl && !p.result.failure
  let anonymousToken: TokenFacts = {outcome: 'not-applicable', detail: 'the probe did not reach a registry'}
  let authenticatedToken: TokenFacts | undefined
  let scopes: string[] = []
  let catalog: RegistryFacts['catalog'] = {outcome: 'not-tried'}
  if (!reached) {
    for (const s of ['challenge', 'token', 'catalog'] as const) steps.push(skipped(s, 'skipped: the probe did not reach a registry'))
  } else {
    const c = await challengeStage(ctx, registry, p.result, ref, ['pull'])
    steps.push(c.step)
    scopes = c.result.scopes
    const anon = await tokenStage(ctx, {registry, challenge: c.result.challenge, scopes, plainHttp: opts.plainHttp})
    anonymousToken = tokenFacts(anon.step, anon.result)
    anon.step.summary = `anonymous: ${anon.step.summary}`
    steps.push(anon.step)
    if (opts.credential) {
      const auth = await tokenStage(ctx, {registry, challenge: c.result.challenge, scopes, credential: opts.credential, plainHttp: opts.plainHttp})
      authenticatedToken = tokenFacts(auth.step, auth.result)
      auth.step.summary = `authenticated: ${auth.step.summary}`
      steps.push(auth.step)
    }
    const cat = await catalogCheck(ctx, p.result)
    steps.push(cat.step)
    catalog = cat.facts
  }
  const headline = reached ? `${registry.host} answered as a v2 registry` : p.step.summary
  const trace: Trace = makeTrace('compare', target.input, startedAt, steps, verdictOf(steps, headline), http.t0)
  trace.durationMs = Math.round(Date.now() - startedAt.getTime())
  const facts = gatherFacts(trace, p.result, {anonymousToken, authenticatedToken, catalog, scopes})
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
