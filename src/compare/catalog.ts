import {parseWWWAuthenticate, pickChallenge} from '../auth/challenge.js'
import {decodeJwt} from '../auth/jwt.js'
import {exchangeToken} from '../auth/token.js'
import {dockerStyle, registryErrors, skipped, step, type StageContext} from '../stages/context.js'
import type {ProbeResult} from '../stages/probe.js'
import {transportFinding} from '../stages/transport-finding.js'
import type {Exchange, Finding, Step} from '../trace/types.js'
import type {CatalogFacts} from './facts.js'

/** distribution's scope for /v2/_catalog (app.go appendCatalogAccessRecord), when the challenge does not name one. */
const CATALOG_SCOPE = 'registry:catalog:*'
/** One entry is enough to know the catalog is offered, and keeps the answer small on a registry with thousands. */
const CATALOG_PAGE_SIZE = 1

/**
 * Is /v2/_catalog offered to an anonymous client? At most three requests: the GET, an anonymous token for the scope it
 * challenges with, and the GET again — skipped when the token is a JWT that visibly grants nothing (Docker Hub).
 * Refusal is a fact being compared, not an error of this run, so its findings are info.
 */
export async function catalogCheck(ctx: StageContext, probeResult: ProbeResult): Promise<{step: Step; facts: CatalogFacts}> {
  if (!probeResult.baseUrl || probeResult.failure) return {step: skipped('catalog', 'skipped: the probe did not reach a registry'), facts: {outcome: 'not-tried'}}
  const exchanges: Exchange[] = []
  const findings: Finding[] = []
  const url = `${probeResult.baseUrl}/v2/_catalog?n=${CATALOG_PAGE_SIZE}`
  let r = await ctx.http.send({method: 'GET', url})
  exchanges.push(...r.exchanges)
  const done = (facts: CatalogFacts, summary: string) => {
    if (facts.outcome !== 'offered') findings.push({code: `catalog.${facts.outcome}`, severity: 'info', message: summary})
    return {step: step('catalog', summary, {...facts, url}, exchanges, findings), facts}
  }
  if (r.failure && !r.status) {
    findings.push({...transportFinding('catalog', r.failure), severity: 'warn'})
    return {step: step('catalog', r.failure.message, {url}, exchanges, findings), facts: {outcome: 'failed', detail: r.failure.code}}
  }
  let tokenNote = ''
  if (r.status === 401) {
    const c = pickChallenge(parseWWWAuthenticate(r.headers?.get('www-authenticate') ?? undefined).challenges)
    if (c?.scheme !== 'bearer' || !c.realm) return done({outcome: 'refused', status: 401, detail: c ? `${c.scheme} credentials needed` : 'no challenge'}, `catalog needs credentials (401, ${c?.scheme ?? 'no'} challenge)`)
    let ex
    try {
      ex = await exchangeToken(ctx.http, {realm: c.realm, service: c.service, scopes: [c.scope || CATALOG_SCOPE], grant: {kind: 'anonymous'}})
    } catch {
      return done({outcome: 'refused', status: 401, detail: 'unusable realm'}, `catalog: the realm "${c.realm}" is unusable`)
    }
    exchanges.push(...ex.results.flatMap((x) => x.exchanges))
    const last = ex.results.at(-1)
    if (!ex.response) return done({outcome: 'refused', status: last?.status, detail: `anonymous token refused (${last?.status ?? last?.failure?.code})`}, `catalog: the token server refused an anonymous token for ${c.scope || CATALOG_SCOPE}`)
    const token = ex.response.token
    ctx.http.secrets.add(token)
    const jwt = decodeJwt(token)
    if (jwt && (!jwt.claims.access || jwt.claims.access.every((a) => a.actions.length === 0))) {
      return done({outcome: 'refused', status: 401, detail: 'anonymous token grants nothing'}, 'catalog refused: the anonymous token for it grants nothing')
    }
    r = await ctx.http.send({method: 'GET', url, headers: {authorization: `Bearer ${token}`}})
    exchanges.push(...r.exchanges)
    tokenNote = ' with an anonymous token'
    if (r.failure && !r.status) return done({outcome: 'failed', detail: r.failure.code}, r.failure.message)
  }
  const status = r.status!
  const said = dockerStyle(registryErrors(r))
  if (status === 200) return done({outcome: 'offered', status}, `catalog offered${tokenNote} (200)`)
  if (status === 404 || status === 405) return done({outcome: 'unsupported', status, detail: said}, `catalog not offered: ${status}${said ? ` ${said}` : ''}`)
  if (status === 429) return done({outcome: 'rate-limited', status}, 'catalog: rate limited (429)')
  return done({outcome: 'refused', status, detail: said}, `catalog refused${tokenNote}: ${status}${said ? ` ${said}` : ''}`)
}
