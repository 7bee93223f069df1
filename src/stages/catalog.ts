import {parseWWWAuthenticate, pickChallenge, type Challenge} from '../auth/challenge.js'
import {formatScope, parseScopes} from '../auth/scope.js'
import {tokenRequestUrl} from '../auth/token-url.js'
import type {HttpResult} from '../http/client.js'
import type {RegistryAddress} from '../reference.js'
import {ExitCode, type CatalogStep, type ChallengeFacts, type ChallengeStep, type Exchange, type Finding, type ListFacts, type TagsStep} from '../trace/types.js'
import {challengeWarnings} from './challenge.js'
import {dockerStyle, registryErrors, skipped, step, type StageContext} from './context.js'
import type {ProbeResult} from './probe.js'
import type {TokenStageResult} from './token.js'
import {isBasicChallenge, judgeRefusal, knownCatalogUnsupported, unsupportedFinding} from './catalog-judge.js'
import {CATALOG_SCOPE, defaultScope, firstPageUrl, listPath, MAX_LIST_PAGES, parseNextLink, parsePage, type ListTarget} from './listing.js'
import {transportFinding} from './transport-finding.js'

/**
 * Listing, page by page: /v2/_catalog (not part of the OCI spec; distribution's handlers/catalog.go) and
 * /v2/<name>/tags/list (OCI end-8b), both paginated with `n`, `last` and `Link: <…>; rel="next"` (RFC 8288).
 */

export {CATALOG_SCOPE, defaultScope, firstPageUrl, listPath, MAX_LIST_PAGES, parseNextLink, parsePage, type ListTarget} from './listing.js'
export {knownCatalogUnsupported} from './catalog-judge.js'

export interface ListingChallengeResult {
  /** The challenge on the listing itself, when it answered 401. */
  challenge?: Challenge
  /** Scopes to request: the challenge's, else the one distribution would ask for. */
  scopes: string[]
  status?: number
  /**
   * The answer when it was not a 401: it is already the first page (or the listing's refusal) as an anonymous client
   * gets it, and without a challenge no credential would be sent, so asking again would only repeat it.
   */
  firstResponse?: HttpResult
}

/**
 * The unauthenticated first request, as a client makes it before it has a token: it shows the scope the registry
 * wants (`registry:catalog:*`), and Harbor's Basic challenge on _catalog even though the registry speaks Bearer.
 */
export async function listingChallenge(ctx: StageContext, registry: RegistryAddress, probeResult: ProbeResult, target: ListTarget, pageSize?: number): Promise<{step: ChallengeStep; result: ListingChallengeResult}> {
  const result: ListingChallengeResult = {scopes: [defaultScope(target)]}
  if (!probeResult.baseUrl || probeResult.failure) return {step: skipped('challenge', 'skipped: the probe did not reach a registry'), result}
  const r = await ctx.http.send({method: 'GET', url: firstPageUrl(probeResult.baseUrl, target, pageSize)})
  const findings: Finding[] = []
  const facts: ChallengeFacts = {url: r.exchange.request.url}
  if (r.failure && !r.status) {
    findings.push(transportFinding('challenge', r.failure))
    return {step: step('challenge', r.failure.message, facts, r.exchanges, findings), result}
  }
  result.status = r.status
  facts.status = r.status
  if (r.status !== 401) result.firstResponse = r
  else {
    const parsed = parseWWWAuthenticate(r.headers?.get('www-authenticate') ?? undefined)
    for (const p of parsed.problems) findings.push({code: `challenge.${p.code}`, severity: 'warn', message: `WWW-Authenticate: ${p.message}`})
    result.challenge = pickChallenge(parsed.challenges)
  }
  const c = result.challenge
  if (c?.scheme === 'bearer' && c.scope) {
    const scopes = parseScopes(c.scope).scopes.map(formatScope)
    if (scopes.length) result.scopes = scopes
  }
  facts.scopes = result.scopes
  if (c) {
    facts.challenge = {scheme: c.scheme, realm: c.realm, service: c.service, scope: c.scope}
    findings.push(...challengeWarnings(c, registry, probeResult))
    if (c.scheme === 'bearer' && c.realm) {
      try {
        facts.tokenUrl = tokenRequestUrl(c.realm, {service: c.service, scopes: result.scopes})
      } catch {}
    }
  }
  const summary = !c
    ? `${listPath(target)} answered ${r.status} without a challenge${r.status === 200 ? ': that is page 1' : ''}`
    : c.scheme === 'bearer'
      ? `Bearer realm=${c.realm ?? '(none)'} service=${c.service ?? '(none)'} scope=${result.scopes.join(' ')}`
      : `${c.scheme} challenge${c.realm ? ` (realm "${c.realm}")` : ''} on ${listPath(target)}`
  return {step: step('challenge', summary, facts, r.exchanges, findings), result}
}

export interface ReauthorizeResult {
  authorization?: string
  exchanges: Exchange[]
}

export interface ListStageInput {
  registry: RegistryAddress
  baseUrl: string
  target: ListTarget
  pageSize?: number
  /** Pages to read at most (1 by default; MAX_LIST_PAGES with --all). */
  maxPages: number
  /** --all: the page limit is the cap, so reaching it is worth a warning. */
  all?: boolean
  /** The registry-level challenge from the probe and the one on the listing. */
  probeChallenge?: Challenge
  challenge?: Challenge
  token?: TokenStageResult
  /** ListingChallengeResult.firstResponse: used as page 1 instead of asking again (its exchange is in the challenge step). */
  firstResponse?: HttpResult
  anonymous: boolean
  /** Fetches a fresh token when a later page answers 401 (the first one expired mid-way). Called at most once. */
  reauthorize?: () => Promise<ReauthorizeResult>
}

type ListStep = CatalogStep | TagsStep

export interface PageRecord {
  page: number
  url: string
  status?: number
  items: number
}

export interface ListResult {
  items: string[]
  pages: PageRecord[]
  /** The last page said there is no next one. */
  complete: boolean
  unsupported: boolean
}

/**
 * Reads the listing page by page with one token, and judges a refusal. The rule that tells "unsupported" from
 * "not allowed" (design.md exit codes; failure-stories.md 18):
 *  - 404 or 405 on /v2/_catalog: the endpoint does not exist → unsupported (10).
 *  - a Basic challenge on _catalog from a registry that speaks Bearer (Harbor) → unsupported (10).
 *  - refused (401 insufficient_scope, 403, or the token server's 403) on a registry known not to offer the catalog
 *    (Docker Hub, ghcr.io, GitLab, Harbor) → unsupported (10), even when it answers 401: it will never say yes.
 *  - refused on any other registry: it may offer the catalog to other accounts, so → denied (7) with credentials,
 *    authentication (6) without them (the anonymous rule of design.md).
 *  - invalid_token → authentication (6). Wrong credentials at the token endpoint never reach this stage: the token
 *    step's 401 stays the verdict (6).
 */
export async function listStage(ctx: StageContext, input: ListStageInput): Promise<{step: ListStep; result: ListResult}> {
  const {target, registry} = input
  const known = target.kind === 'catalog' ? knownCatalogUnsupported(registry, input.probeChallenge) ?? knownCatalogUnsupported(registry, input.challenge) : undefined
  const bearerRegistry = input.probeChallenge?.scheme === 'bearer'
  const run: ListRun = {
    input,
    stage: target.kind,
    result: {items: [], pages: [], complete: false, unsupported: false},
    facts: {scope: defaultScope(target)},
    exchanges: [],
    findings: [],
    known,
    bearerRegistry,
    basicOnCatalog: target.kind === 'catalog' && bearerRegistry && input.challenge?.scheme === 'basic',
  }
  const early = precondition(run)
  if (early) return early
  await readPages(ctx, run)
  return {step: step(run.stage, listSummary(run), {...run.facts, ...pageFacts(run.result)}, run.exchanges, run.findings), result: run.result}
}

interface ListRun {
  input: ListStageInput
  stage: ListTarget['kind']
  result: ListResult
  facts: ListFacts
  exchanges: Exchange[]
  findings: Finding[]
  /** Why this registry is known not to offer the catalog (Docker Hub, ghcr.io, GitLab, Harbor). */
  known?: string
  bearerRegistry: boolean
  basicOnCatalog: boolean
}

/** Before any page: a refused token, a Basic challenge where a Bearer registry can give no token, or no token at all. */
function precondition(run: ListRun): {step: ListStep; result: ListResult} | undefined {
  const {input, stage, result, known} = run
  const t = input.token
  const stop = (f: Finding) => {
    result.unsupported = true
    run.findings.push(f)
    return {step: step(stage, f.message, {...run.facts, ...pageFacts(result)}, run.exchanges, run.findings), result}
  }
  if (t?.refused) {
    if (known && t.exchange?.results.at(-1)?.status === 403) return stop(unsupportedFinding(known, `${known}; the token server refused ${CATALOG_SCOPE}`, t.refused.code))
    return {step: skipped(stage, `skipped: no token (${t.refused.message})`), result}
  }
  if (run.basicOnCatalog && !t?.authorization) {
    return stop(unsupportedFinding(known, known ?? `the registry speaks Bearer but answers ${listPath(input.target)} with a Basic challenge (realm "${input.challenge?.realm ?? ''}"): no token can open it`, 'WWW-Authenticate on the listing'))
  }
  if (input.challenge?.scheme === 'bearer' && !t?.authorization) return {step: skipped(stage, 'skipped: the token stage did not produce a token'), result}
  return undefined
}

/** Reads page after page with one token (a fresh one once, if a later page answers 401), until a page says it is the last. */
async function readPages(ctx: StageContext, run: ListRun): Promise<void> {
  const {input, stage, result, findings, exchanges} = run
  let authorization = input.token?.authorization
  let url = firstPageUrl(input.baseUrl, input.target, input.pageSize)
  const seen = new Set<string>()
  let reauthorized = false
  let page = 1
  let reuse = authorization ? undefined : input.firstResponse
  for (;;) {
    const r = reuse ?? (await ctx.http.send({method: 'GET', url, headers: authorization ? {authorization} : {}}))
    if (!reuse) exchanges.push(...r.exchanges)
    reuse = undefined
    if (r.failure && !r.status) return void findings.push(transportFinding(stage, r.failure))
    // A token that lived long enough for page 1 can expire before page N: fetch a new one, once.
    if (r.status === 401 && page > 1 && !reauthorized && input.reauthorize) {
      reauthorized = true
      const fresh = await input.reauthorize()
      exchanges.push(...fresh.exchanges)
      findings.push({code: `${stage}.token-refetched`, severity: 'info', message: `page ${page} answered 401 (the token expired mid-way?); a new token was fetched and the page retried`})
      if (fresh.authorization) {
        authorization = fresh.authorization
        continue
      }
    }
    if (r.status !== 200) {
      result.pages.push({page, url: r.exchange.request.url, status: r.status, items: 0})
      const f = judgeRefusal(r, input, run.known, run.basicOnCatalog || (run.bearerRegistry && input.target.kind === 'catalog' && isBasicChallenge(r)), page)
      if (f.exitCode === ExitCode.UNSUPPORTED) result.unsupported = true
      return void findings.push(f)
    }
    const items = parsePage(input.target, r.json)
    if (!items) {
      return void findings.push({code: `${stage}.malformed-page`, severity: 'error', exitCode: ExitCode.PROTOCOL, message: `page ${page} of ${listPath(input.target)} is not ${input.target.kind === 'catalog' ? '{"repositories":[…]}' : '{"name":…,"tags":[…]}'}`, fix: 'The endpoint is not a registry listing (a proxy or web page answered?); see the body with -v.'})
    }
    result.pages.push({page, url: r.exchange.request.url, status: 200, items: items.length})
    result.items.push(...items)
    seen.add(url)
    const next = nextPage(run, r, url, seen, page)
    if (!next) return
    url = next
    page++
  }
}

/** The next page's URL from the Link header, or undefined (with the reason as a finding) when reading stops here. */
function nextPage(run: ListRun, r: HttpResult, url: string, seen: Set<string>, page: number): string | undefined {
  const {stage, findings, input} = run
  const link = parseNextLink(r.headers?.get('link'))
  if (!link) {
    // No Link is how distribution says "no more", even after a full page (catalog.go adds one only when more exist).
    run.result.complete = true
    return undefined
  }
  let next: URL
  try {
    next = new URL(link, url)
  } catch {
    findings.push({code: `${stage}.link-invalid`, severity: 'warn', message: `the Link header's next URL "${link.slice(0, 200)}" is not a URL; stopped after page ${page}`})
    return undefined
  }
  // Credentials go only where the listing lives; a Link elsewhere would hand the token to another host.
  if (next.origin !== new URL(url).origin) {
    findings.push({code: `${stage}.link-other-origin`, severity: 'warn', message: `the next page is on another origin (${next.origin}); regprobe does not send the token there and stopped after page ${page}`})
    return undefined
  }
  if (seen.has(next.toString())) {
    findings.push({code: `${stage}.link-loop`, severity: 'warn', message: `the next page link points back to a page already read; stopped after page ${page}`})
    return undefined
  }
  if (page >= input.maxPages) {
    findings.push(
      input.all
        ? {code: `${stage}.page-cap`, severity: 'warn', message: `--all stopped at its cap of ${MAX_LIST_PAGES} pages; the registry has more`, fix: 'Raise --page-size (distribution accepts up to 1000) to read more per page.'}
        : {code: `${stage}.more-pages`, severity: 'info', message: `the registry has more after page ${page}: pass --all (or --max-pages N) to follow the Link header`},
    )
    return undefined
  }
  return next.toString()
}

function listSummary(run: ListRun): string {
  const {result, findings, input} = run
  const failed = findings.find((f) => f.severity === 'error')
  if (failed) return failed.message
  const more = result.complete ? '' : findings.some((f) => f.code.endsWith('.page-cap')) ? ` (stopped at the cap of ${MAX_LIST_PAGES} pages; more exist)` : ' (more exist)'
  return `${result.items.length} ${input.target.kind === 'catalog' ? 'repositories' : 'tags'} in ${result.pages.length} page${result.pages.length === 1 ? '' : 's'}${more}`
}

function pageFacts(result: ListResult): ListFacts {
  return {count: result.items.length, complete: result.complete, items: result.items, pages: result.pages}
}

