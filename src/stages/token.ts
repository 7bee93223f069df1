import type {Challenge} from '../auth/challenge.js'
import {decodeJwt, describeOpaqueToken, type DecodedJwt} from '../auth/jwt.js'
import type {ScopeComparison} from '../auth/scope.js'
import {exchangeToken, type TokenExchange, type TokenGrant} from '../auth/token.js'
import type {Credential} from '../credentials/types.js'
import {describeRedacted, redactSecret} from '../http/redact.js'
import type {RegistryAddress} from '../reference.js'
import {ExitCode, type Exchange, type Finding, type TokenFacts, type TokenStep} from '../trace/types.js'
import {dockerStyle, htmlTitle, isHtml, registryErrors, skipped, step, type StageContext} from './context.js'
import type {TransportFailure} from '../http/failure.js'
import {judgeAccess, judgeClaims, judgeClocks, judgeLifetime, type Judged} from './token-judges.js'
import {transportFinding} from './transport-finding.js'
import {unbracket} from '../http/hosts.js'

export {CLOCK_SKEW_WARN_S, REGISTRY_LEEWAY_S} from './token-judges.js'

export interface TokenStageInput {
  registry: RegistryAddress
  /** The challenge to answer (a resource's, carrying the scope, or the registry's). */
  challenge?: Challenge
  scopes: string[]
  credential?: Credential
  /** --oauth: POST grant_type=password instead of GET with Basic. */
  oauth?: boolean
  /** --plain-http: the user accepts credentials over plain HTTP. */
  plainHttp?: boolean
  /** docker login's request: offline_token=true, client_id=docker, no scope. */
  login?: boolean
  /** The registry's clock minus this machine's (from the probe): the clock that will judge the token's nbf and exp. */
  registryClockSkewS?: number
}

export interface TokenStageResult {
  /** The value for the registry's Authorization header, when there is one. Never rendered (redacted on record). */
  authorization?: string
  anonymous: boolean
  token?: string
  decoded?: DecodedJwt
  comparison?: ScopeComparison[]
  exchange?: TokenExchange
  /** The token server's verdict when it refused: carries the exit code. */
  refused?: Finding
}

export function grantOf(credential: Credential | undefined): TokenGrant {
  if (!credential) return {kind: 'anonymous'}
  if (credential.kind === 'basic') return {kind: 'basic', username: credential.username, password: credential.password}
  if (credential.kind === 'identity-token') return {kind: 'refresh-token', token: credential.token, username: credential.username}
  return {kind: 'anonymous'}
}

function isLoopbackUrl(u: URL): boolean {
  const h = unbracket(u.hostname)
  return h === 'localhost' || h === '::1' || /^127\./.test(h)
}

export async function tokenStage(ctx: StageContext, input: TokenStageInput): Promise<{step: TokenStep; result: TokenStageResult}> {
  const result: TokenStageResult = {anonymous: !input.credential}
  const early = withoutExchange(ctx, input, result)
  if (early) return {step: early, result}
  const c = input.challenge!
  const realm = checkRealm(c.realm!, input)
  if (typeof realm === 'string') return {step: skipped('token', realm), result}
  if (!(realm instanceof URL)) {
    result.refused = realm
    return {step: step('token', realm.message, {realm: c.realm}, [], [realm]), result}
  }
  const findings: Finding[] = []
  const ex = await exchangeToken(ctx.http, {
    realm: c.realm!,
    service: c.service,
    scopes: input.login ? [] : input.scopes,
    grant: grantOf(input.credential),
    oauth: input.oauth,
    clientId: input.login ? 'docker' : undefined,
    offline: input.login,
  })
  result.exchange = ex
  const exchanges = ex.results.flatMap((r) => r.exchanges)
  if (ex.fellBackToGet) findings.push({code: 'token.oauth-fallback-get', severity: 'info', message: `the OAuth2 POST answered ${ex.results[0]!.status}; fell back to GET as the spec advises (docker's own client does not, so identity-token logins may fail here)`})
  const last = ex.results.at(-1)!
  if (last.failure && !last.status) return {step: await unconnected(ctx, last.failure, c.realm!, exchanges, findings), result}
  if (!ex.response) {
    const refused = refusal(last, result.anonymous, c.realm!)
    findings.push(refused)
    result.refused = refused
    return {step: step('token', refused.message, {realm: c.realm, method: ex.method, status: last.status}, exchanges, findings), result}
  }
  result.token = ex.response.token
  result.authorization = `Bearer ${ex.response.token}`
  return {step: analyse(ctx, input, result, exchanges, findings, ex), result}
}

/** The cases with no token exchange: no challenge, Basic (credentials on every request), an unknown scheme, a registry token, no realm. */
function withoutExchange(ctx: StageContext, input: TokenStageInput, result: TokenStageResult): TokenStep | undefined {
  const {challenge: c, credential} = input
  if (!c) return skipped('token', 'skipped: no challenge, so no token is needed')
  if (c.scheme === 'basic') {
    if (credential?.kind === 'basic') {
      ctx.http.secrets.addBasic(credential.username, credential.password)
      result.authorization = `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}`
    }
    return skipped('token', 'skipped: the registry asks for Basic auth, so credentials go with every request and there is no token exchange')
  }
  if (c.scheme !== 'bearer') return skipped('token', `skipped: the "${c.scheme}" scheme has no token exchange that regprobe knows`)
  if (credential?.kind === 'registry-token') {
    ctx.http.secrets.add(credential.token)
    result.authorization = `Bearer ${credential.token}`
    result.token = credential.token
    return analyse(ctx, input, result, [], [{code: 'token.registry-token', severity: 'info', message: `a registry token from ${credential.source.location} is sent as is (no exchange)`}], undefined)
  }
  if (!c.realm) return skipped('token', 'skipped: the challenge has no realm')
  return undefined
}

/** The realm as a URL a token may be asked of; else a skip reason (not a URL) or the finding that refuses it. */
function checkRealm(text: string, input: TokenStageInput): URL | string | Finding {
  let realm: URL
  try {
    realm = new URL(text)
  } catch {
    return `skipped: the realm "${text}" is not a URL`
  }
  // A realm such as javascript: or file: parses as a URL but no token request can go there (exchangeToken would throw).
  if (realm.protocol !== 'http:' && realm.protocol !== 'https:') {
    return {code: 'token.realm-invalid', severity: 'error', exitCode: ExitCode.PROTOCOL, message: `the realm "${text.slice(0, 200)}" is not an http(s) URL: no token can be requested there`, fix: 'Set the registry\'s token realm to a full https:// URL.'}
  }
  // A realm with user:password@ (its password already dropped when the challenge was read): named, never requested.
  if (realm.username || realm.password) {
    const user = realm.username ? `user "${decodedOrAsSent(realm.username)}"${realm.password ? ' and a password, shown as REDACTED' : ''}` : 'a password, shown as REDACTED'
    return {code: 'token.realm-userinfo', severity: 'error', exitCode: ExitCode.PROTOCOL, message: `the realm URL carries credentials (${user}): regprobe does not send a token request there, although docker would (Go's HTTP client sends them as Basic auth when docker has no credentials of its own)`, fix: 'Remove the user:password@ from the registry\'s token realm (auth.token.realm): clients send their own credentials, and a password in the challenge is readable by every client.'}
  }
  // design.md: never send credentials over plain HTTP to a non-loopback host unless --plain-http was given.
  if (input.credential && realm.protocol === 'http:' && !isLoopbackUrl(realm) && !input.plainHttp) {
    return {
      code: 'token.refused-plain-http-credentials',
      severity: 'error',
      exitCode: ExitCode.TLS,
      message: `the realm ${realm.origin} is plain HTTP: regprobe will not send your password there`,
      fix: 'Serve the token endpoint over HTTPS; pass --plain-http only if you accept that the password crosses the network in clear text.',
    }
  }
  return realm
}

/** A URL's percent-encoded user name as text; as sent when it is not valid percent-encoding. */
function decodedOrAsSent(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/**
 * No answer from the realm. It is often another host than the registry (auth.docker.io, gitlab.com, an internal name):
 * show its network path per address family, as the probe does for the registry (failure-stories.md §12, §17).
 */
async function unconnected(ctx: StageContext, failure: TransportFailure, realm: string, exchanges: Exchange[], findings: Finding[]): Promise<TokenStep> {
  findings.push(transportFinding('token', failure))
  const facts: TokenFacts = {realm}
  const {networkPathIfUnconnected} = await import('../http/network-path.js')
  const path = await networkPathIfUnconnected(failure, exchanges, new URL(realm).href, 'token', {timeoutMs: ctx.http.timeoutMs, lookup: ctx.lookup})
  if (path) {
    facts.network = path.network
    findings.push(...path.findings)
  }
  return step('token', failure.message, facts, exchanges, findings)
}

/** Why the token server said no, in docker's words where it has them. */
function refusal(r: TokenExchange['results'][number], anonymous: boolean, realm: string): Finding {
  const status = r.status ?? 0
  const said = dockerStyle(registryErrors(r)) ?? (isHtml(r) ? `an HTML page${htmlTitle(r.text) ? ` ("${htmlTitle(r.text)}")` : ''}` : r.text?.trim().slice(0, 200) || '(empty body)')
  if (status === 200) {
    return {code: 'token.no-token', severity: 'error', exitCode: ExitCode.PROTOCOL, message: `the token server answered 200 without a token (no "token" or "access_token" field): ${said}`, fix: `Check the realm URL (${realm}): it may point at a web page rather than the token endpoint.`}
  }
  if (status === 401) {
    return anonymous
      ? {code: 'token.credentials-required', severity: 'error', exitCode: ExitCode.AUTHENTICATION, message: `the token server requires credentials: ${said}`, fix: 'Log in first (docker login), or pass -u USER --password-stdin.'}
      : {code: 'token.credentials-rejected', severity: 'error', exitCode: ExitCode.AUTHENTICATION, message: `the token server rejected the credentials: ${said}`, fix: 'Check the user name and password or access token (an expired token, a token without the registry scopes, or an e-mail address instead of the user name are the usual causes).'}
  }
  if (status === 403) {
    return anonymous
      ? {code: 'token.anonymous-denied', severity: 'error', exitCode: ExitCode.AUTHENTICATION, message: `the token server refuses anonymous access to this scope: ${said}`, fix: 'The repository is private or does not exist: log in with an account that can read it.'}
      : {code: 'token.denied', severity: 'error', exitCode: ExitCode.DENIED, message: `the token server refused this scope for this account: ${said}`, fix: 'Ask for access to the repository, or use a token with the needed scopes (e.g. write:packages on ghcr.io).'}
  }
  if (status === 429) return {code: 'token.rate-limited', severity: 'error', exitCode: ExitCode.RATE_LIMITED, message: `the token server rate-limits this client: ${said}`, fix: 'Wait and retry; authenticate for a higher limit.'}
  if (status === 404) return {code: 'token.realm-not-found', severity: 'error', exitCode: ExitCode.PROTOCOL, message: `the realm ${realm} answered 404: it is not a token endpoint`, fix: 'The registry\'s auth.token.realm points at the wrong URL.'}
  if (status === 400) return {code: 'token.bad-request', severity: 'error', exitCode: ExitCode.PROTOCOL, message: `the token server rejected the request as malformed: ${said}`, fix: 'An unknown service or a malformed scope; check the service name in the challenge.'}
  return {code: 'token.server-error', severity: 'error', exitCode: ExitCode.PROTOCOL, message: `the token server answered ${status}: ${said}`}
}

function analyse(ctx: StageContext, input: TokenStageInput, result: TokenStageResult, exchanges: Exchange[], findings: Finding[], ex: TokenExchange | undefined): TokenStep {
  const token = result.token!
  const nowS = ctx.now() / 1000
  const facts: TokenFacts = {
    method: ex?.method,
    realm: input.challenge?.realm,
    service: input.challenge?.service,
    // docker login asks for no scope.
    requested: input.login ? [] : input.scopes,
    token: describeRedacted(redactSecret(token)),
  }
  if (ex?.response) {
    facts.field = ex.response.field
    if (ex.response.refreshToken) facts.refreshToken = describeRedacted(redactSecret(ex.response.refreshToken))
    merge(facts, findings, judgeLifetime(ex.response))
  }
  const dateHeader = ex?.results.at(-1)?.headers?.get('date') ?? undefined
  const clock = judgeClocks(dateHeader, nowS, input.registryClockSkewS)
  merge(facts, findings, clock)
  const decoded = decodeJwt(token)
  result.decoded = decoded
  if (!decoded) {
    facts.format = 'opaque (not a JWT)'
    facts.jwt = false
    const hint = describeOpaqueToken(token)
    findings.push({code: 'token.opaque', severity: 'info', message: `the token is not a JWT${hint ? ` (${hint})` : ''}: what it grants can only be judged by using it`})
  } else {
    const claims = judgeClaims(decoded, {service: input.challenge?.service, nowS, registryNowS: clock.registryNowS, issuerDateKnown: !!dateHeader})
    merge(facts, findings, claims)
    if (!input.login && input.scopes.length) {
      const access = judgeAccess(input.scopes, decoded.claims, result.anonymous)
      result.comparison = access.comparison
      merge(facts, findings, access)
    }
  }
  const summary = `${facts.method ?? 'no'} exchange → ${decoded ? 'JWT' : 'opaque token'}${result.comparison ? `; granted: ${describeGrant(result.comparison)}` : ''}`
  return step('token', summary, facts, exchanges, findings)
}

function merge(facts: TokenFacts, findings: Finding[], judged: Judged): void {
  Object.assign(facts, judged.facts)
  findings.push(...judged.findings)
}

function describeGrant(c: ScopeComparison[]): string {
  return c.map((x) => `${x.name} ${x.granted.length ? x.granted.join(',') : 'nothing'}`).join('; ')
}
