import {parseWWWAuthenticate, pickChallenge, type Challenge} from '../auth/challenge.js'
import {formatScope, parseScopes, repositoryScope} from '../auth/scope.js'
import {tokenRequestUrl} from '../auth/token-url.js'
import {isGhcr, isGitlab} from '../diagnosis/rules.js'
import type {HttpResult} from '../http/client.js'
import type {RegistryAddress} from '../reference.js'
import {ExitCode, type Exchange, type Finding, type Step} from '../trace/types.js'
import {challengeWarnings} from './challenge.js'
import {dockerStyle, registryErrors, skipped, step, type StageContext} from './context.js'
import type {ProbeResult} from './probe.js'
import type {TokenStageResult} from './token.js'
import {transportFinding} from './transport-finding.js'

/**
 * Listing, page by page: /v2/_catalog (not part of the OCI spec; distribution's handlers/catalog.go) and
 * /v2/<name>/tags/list (OCI end-8b), both paginated with `n`, `last` and `Link: <…>; rel="next"` (RFC 8288).
 */

/** --all stops here: 100 pages of distribution's maximum 1000 entries is 100 000 names, more than any person reads. */
export const MAX_LIST_PAGES = 100
/** The scope distribution asks for on /v2/_catalog (app.go appendCatalogAccessRecord). */
export const CATALOG_SCOPE = 'registry:catalog:*'

export type ListTarget = {kind: 'catalog'} | {kind: 'tags'; repository: string}

export function listPath(target: ListTarget): string {
  return target.kind === 'catalog' ? '/v2/_catalog' : `/v2/${target.repository}/tags/list`
}

export function firstPageUrl(baseUrl: string, target: ListTarget, pageSize?: number): string {
  return `${baseUrl}${listPath(target)}${pageSize === undefined ? '' : `?n=${pageSize}`}`
}

export function defaultScope(target: ListTarget): string {
  return target.kind === 'catalog' ? CATALOG_SCOPE : formatScope(repositoryScope(target.repository, ['pull']))
}

/**
 * The target of the `rel="next"` link in a Link header (RFC 8288 §3), or undefined. Pure. Handles several links in one
 * header (commas inside <…> are part of the URL), `rel` quoted or bare and holding several relation types, and
 * parameters in any order and case. The URL is returned as written: relative ones resolve against the request URL.
 */
export function parseNextLink(header: string | null | undefined): string | undefined {
  if (!header) return undefined
  let i = 0
  while (i < header.length) {
    const open = header.indexOf('<', i)
    if (open === -1) return undefined
    const close = header.indexOf('>', open + 1)
    if (close === -1) return undefined
    const target = header.slice(open + 1, close).trim()
    // The parameters run to the next link, which starts at a comma followed by '<'.
    const nextLink = header.slice(close + 1).search(/,\s*</)
    const end = nextLink === -1 ? header.length : close + 1 + nextLink
    const params = header.slice(close + 1, end)
    const rel = /(?:^|;)\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(params)
    const rels = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/)
    if (rels.includes('next') && target) return target
    i = end + 1
  }
  return undefined
}

/** The names a page holds: {"repositories":[…]} or {"name":…,"tags":[…]} (tags may be null for an empty repository). */
export function parsePage(target: ListTarget, json: unknown): string[] | undefined {
  if (!json || typeof json !== 'object' || Array.isArray(json)) return undefined
  const list = (json as Record<string, unknown>)[target.kind === 'catalog' ? 'repositories' : 'tags']
  if (list === null && target.kind === 'tags') return []
  if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) return undefined
  return list as string[]
}

/**
 * Registries known not to offer the catalog to their users (registry-auth.md §12, failure-stories.md 18), recognised
 * by host or by the shape of their challenge, so that self-managed GitLab and Harbor are known too.
 */
export function knownCatalogUnsupported(registry: RegistryAddress, challenge?: Challenge): string | undefined {
  const host = registry.hostname.toLowerCase()
  let realmPath = ''
  try {
    realmPath = challenge?.realm ? new URL(challenge.realm).pathname : ''
  } catch {}
  if (registry.isDockerHub) return 'Docker Hub does not offer /v2/_catalog to users: its token server never grants registry:catalog:* (search Hub instead)'
  if (isGhcr(host)) return 'ghcr.io does not offer /v2/_catalog (list packages with the GitHub API instead)'
  if (isGitlab(host) || (challenge?.service === 'container_registry' && realmPath.endsWith('/jwt/auth'))) {
    return 'GitLab\'s registry never grants registry:catalog:* to users (list repositories with the GitLab API: /api/v4/projects/:id/registry/repositories)'
  }
  if (challenge?.service === 'harbor-registry' || realmPath.endsWith('/service/token')) {
    return 'Harbor does not offer /v2/_catalog to token clients (it answers with a Basic challenge by design): list repositories with its API, /api/v2.0/repositories'
  }
  return undefined
}

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
export async function listingChallenge(ctx: StageContext, registry: RegistryAddress, probeResult: ProbeResult, target: ListTarget, pageSize?: number): Promise<{step: Step; result: ListingChallengeResult}> {
  const result: ListingChallengeResult = {scopes: [defaultScope(target)]}
  if (!probeResult.baseUrl || probeResult.failure) return {step: skipped('challenge', 'skipped: the probe did not reach a registry'), result}
  const r = await ctx.http.send({method: 'GET', url: firstPageUrl(probeResult.baseUrl, target, pageSize)})
  const findings: Finding[] = []
  const facts: Record<string, unknown> = {url: r.exchange.request.url}
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
export async function listStage(ctx: StageContext, input: ListStageInput): Promise<{step: Step; result: ListResult}> {
  const {target, registry} = input
  const stage = target.kind
  const result: ListResult = {items: [], pages: [], complete: false, unsupported: false}
  const facts: Record<string, unknown> = {scope: defaultScope(target)}
  const exchanges: Exchange[] = []
  const findings: Finding[] = []
  const known = target.kind === 'catalog' ? knownCatalogUnsupported(registry, input.probeChallenge) ?? knownCatalogUnsupported(registry, input.challenge) : undefined
  const bearerRegistry = input.probeChallenge?.scheme === 'bearer'
  const basicOnCatalog = target.kind === 'catalog' && bearerRegistry && input.challenge?.scheme === 'basic'
  const unsupported = (message: string, evidence?: string): {step: Step; result: ListResult} => {
    result.unsupported = true
    const f: Finding = {code: 'catalog.unsupported', severity: 'error', exitCode: ExitCode.UNSUPPORTED, message: `catalog unsupported on this registry${known ? ' (known)' : ''}: ${message}`, fix: known ? undefined : 'List what you need another way: `regprobe tags REGISTRY/REPOSITORY` for a repository you know, or the registry\'s own API.', ...(evidence ? {evidence} : {})}
    findings.push(f)
    return {step: step(stage, f.message, {...facts, ...pageFacts(result)}, exchanges, findings), result}
  }

  const t = input.token
  let authorization = t?.authorization
  if (t?.refused) {
    if (known && t.exchange?.results.at(-1)?.status === 403) {
      return unsupported(`${known}; the token server refused ${CATALOG_SCOPE}`, t.refused.code)
    }
    return {step: skipped(stage, `skipped: no token (${t.refused.message})`), result}
  }
  if (basicOnCatalog && !authorization) {
    return unsupported(known ?? `the registry speaks Bearer but answers ${listPath(target)} with a Basic challenge (realm "${input.challenge?.realm ?? ''}"): no token can open it`, 'WWW-Authenticate on the listing')
  }
  if (input.challenge?.scheme === 'bearer' && !authorization) return {step: skipped(stage, 'skipped: the token stage did not produce a token'), result}

  let url = firstPageUrl(input.baseUrl, target, input.pageSize)
  const seen = new Set<string>()
  let reauthorized = false
  let page = 1
  let reuse = authorization ? undefined : input.firstResponse
  for (;;) {
    const r = reuse ?? (await ctx.http.send({method: 'GET', url, headers: authorization ? {authorization} : {}}))
    if (!reuse) exchanges.push(...r.exchanges)
    reuse = undefined
    if (r.failure && !r.status) {
      findings.push(transportFinding(stage, r.failure))
      break
    }
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
      const f = judge(r, input, known, basicOnCatalog || (bearerRegistry && target.kind === 'catalog' && isBasicChallenge(r)), page)
      if (f.exitCode === ExitCode.UNSUPPORTED) result.unsupported = true
      findings.push(f)
      break
    }
    const items = parsePage(target, r.json)
    if (!items) {
      findings.push({code: `${stage}.malformed-page`, severity: 'error', exitCode: ExitCode.PROTOCOL, message: `page ${page} of ${listPath(target)} is not ${target.kind === 'catalog' ? '{"repositories":[…]}' : '{"name":…,"tags":[…]}'}`, fix: 'The endpoint is not a registry listing (a proxy or web page answered?); see the body with -v.'})
      break
    }
    result.pages.push({page, url: r.exchange.request.url, status: 200, items: items.length})
    result.items.push(...items)
    seen.add(url)
    const link = parseNextLink(r.headers?.get('link'))
    if (!link) {
      // No Link is how distribution says "no more", even after a full page (catalog.go adds one only when more exist).
      result.complete = true
      break
    }
    let next: URL
    try {
      next = new URL(link, url)
    } catch {
      findings.push({code: `${stage}.link-invalid`, severity: 'warn', message: `the Link header's next URL "${link.slice(0, 200)}" is not a URL; stopped after page ${page}`})
      break
    }
    // Credentials go only where the listing lives; a Link elsewhere would hand the token to another host.
    if (next.origin !== new URL(url).origin) {
      findings.push({code: `${stage}.link-other-origin`, severity: 'warn', message: `the next page is on another origin (${next.origin}); regprobe does not send the token there and stopped after page ${page}`})
      break
    }
    if (seen.has(next.toString())) {
      findings.push({code: `${stage}.link-loop`, severity: 'warn', message: `the next page link points back to a page already read; stopped after page ${page}`})
      break
    }
    if (page >= input.maxPages) {
      findings.push(
        input.all
          ? {code: `${stage}.page-cap`, severity: 'warn', message: `--all stopped at its cap of ${MAX_LIST_PAGES} pages; the registry has more`, fix: 'Raise --page-size (distribution accepts up to 1000) to read more per page.'}
          : {code: `${stage}.more-pages`, severity: 'info', message: `the registry has more after page ${page}: pass --all (or --max-pages N) to follow the Link header`},
      )
      break
    }
    url = next.toString()
    page++
  }
  const failed = findings.find((f) => f.severity === 'error')
  const summary = !failed
    ? `${result.items.length} ${target.kind === 'catalog' ? 'repositories' : 'tags'} in ${result.pages.length} page${result.pages.length === 1 ? '' : 's'}${result.complete ? '' : findings.some((f) => f.code.endsWith('.page-cap')) ? ` (stopped at the cap of ${MAX_LIST_PAGES} pages; more exist)` : ' (more exist)'}`
    : failed.message
  return {step: step(stage, summary, {...facts, ...pageFacts(result)}, exchanges, findings), result}
}

function pageFacts(result: ListResult): Record<string, unknown> {
  return {count: result.items.length, complete: result.complete, items: result.items, pages: result.pages}
}

function isBasicChallenge(r: HttpResult): boolean {
  return pickChallenge(parseWWWAuthenticate(r.headers?.get('www-authenticate') ?? undefined).challenges)?.scheme === 'basic'
}

function judge(r: HttpResult, input: ListStageInput, known: string | undefined, basicOnBearer: boolean, page: number): Finding {
  const {target} = input
  const stage = target.kind
  const status = r.status!
  const said = dockerStyle(registryErrors(r))
  const wa = r.headers?.get('www-authenticate') ?? undefined
  const challenge = pickChallenge(parseWWWAuthenticate(wa).challenges)
  const where = `${listPath(target)}${page > 1 ? ` (page ${page}, after ${page - 1} read)` : ''}`
  const evidence = wa ? `WWW-Authenticate: ${wa}` : undefined
  const answer = `${status}${challenge?.error ? ` ${challenge.error}` : ''}${said ? `: ${said}` : ''}`
  const unsupported = (why: string): Finding => ({code: 'catalog.unsupported', severity: 'error', exitCode: ExitCode.UNSUPPORTED, message: `catalog unsupported on this registry${known ? ' (known)' : ''}: ${why}`, ...(known ? {} : {fix: 'List what you need another way: `regprobe tags REGISTRY/REPOSITORY` for a repository you know, or the registry\'s own API.'}), ...(evidence ? {evidence} : {})})

  if (target.kind === 'catalog' && (status === 404 || status === 405)) return unsupported(`${where} answered ${answer}`)
  if (status === 404) return {code: 'tags.not-found', severity: 'error', exitCode: ExitCode.NOT_FOUND, message: `repository ${target.kind === 'tags' ? target.repository : ''} not found (${answer})`, fix: 'Check the repository name (docker.io official images live under library/).'}
  if (status === 401 || status === 403) {
    if (target.kind === 'catalog' && basicOnBearer) return unsupported(known ?? `the registry speaks Bearer but answers ${where} with a Basic challenge: ${answer}`)
    if (target.kind === 'catalog' && known && challenge?.error !== 'invalid_token') return unsupported(`${known}; ${where} answered ${answer} (${CATALOG_SCOPE} was requested)`)
    if (challenge?.error === 'invalid_token') {
      return {code: `${stage}.invalid-token`, severity: 'error', exitCode: ExitCode.AUTHENTICATION, message: `the registry rejected the token on ${where} as invalid_token${said ? ` (${said})` : ''}`, fix: 'Compare the token\'s exp/nbf with the clocks and its aud/iss with the registry\'s auth.token settings (see the token step).', ...(evidence ? {evidence} : {})}
    }
    if (input.anonymous) {
      return {code: `${stage}.credentials-required`, severity: 'error', exitCode: ExitCode.AUTHENTICATION, message: `listing ${where} anonymously was refused (${answer})`, fix: 'Pass credentials of an account that may list: -u USER --password-stdin (or log in with docker login).', ...(evidence ? {evidence} : {})}
    }
    return {
      code: `${stage}.denied`,
      severity: 'error',
      exitCode: ExitCode.DENIED,
      message: `this account may not list ${where} (${answer})`,
      fix: target.kind === 'catalog'
        ? `The token server did not grant ${CATALOG_SCOPE} to this account (see the token step's access): ask the registry's administrator for catalog rights, or list a known repository with \`regprobe tags\`. Some registries do not offer the catalog at all.`
        : 'This account may not pull this repository: ask for read access, and check the name.',
      ...(evidence ? {evidence} : {}),
    }
  }
  if (status === 400 && registryErrors(r).some((e) => e.code === 'PAGINATION_NUMBER_INVALID')) {
    return {code: `${stage}.page-size-invalid`, severity: 'error', exitCode: ExitCode.PROTOCOL, message: `the registry refused the page size (${answer})`, fix: 'Use a smaller --page-size (distribution accepts at most 1000 unless catalog.maxentries says otherwise).'}
  }
  if (status === 429) return {code: `${stage}.rate-limited`, severity: 'error', exitCode: ExitCode.RATE_LIMITED, message: `rate limited on ${where} (${answer})`, fix: 'Wait for the window to reset and retry.'}
  return {code: `${stage}.unexpected`, severity: 'error', exitCode: ExitCode.PROTOCOL, message: `${where} answered ${answer}`}
}
