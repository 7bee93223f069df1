import {parseWWWAuthenticate, pickChallenge} from '../auth/challenge.js'
import type {HttpResult} from '../http/client.js'
import {exhaustedFinding, rateLimitedFinding, rateLimitFacts} from '../diagnosis/rate-limit.js'
import type {ImageReference} from '../reference.js'
import {ExitCode, type AccessFacts, type AccessStep, type Exchange, type Finding} from '../trace/types.js'
import {dockerStyle, registryErrors, skipped, step, type StageContext} from './context.js'
import {transportFinding} from './transport-finding.js'

/** The Accept header docker sends for a manifest: OCI index and manifest, Docker manifest list and v2 manifest. */
export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ')

export interface AccessInput {
  baseUrl: string
  ref: ImageReference
  actions: string[]
  authorization?: string
  anonymous: boolean
  /** The scheme that was answered (for "no basic auth credentials"). */
  scheme?: string
  /**
   * distribution checks the DELETE that cancels an upload as the `delete` action, which a push token lacks: this gets
   * a token for it (recording its exchanges) so that proving push leaves nothing behind.
   */
  cleanup?: () => Promise<{authorization?: string; exchanges: Exchange[]}>
  /** doctor --blob: after the manifest, fetch a blob through the registry's redirect to its storage. */
  blob?: boolean
  /** The token's access claim covers every requested action (undefined when the token is opaque). */
  tokenGrantsAll?: boolean
}

export interface AccessOutcome {
  action: 'pull' | 'push'
  ok: boolean
  status?: number
  finding?: Finding
}

/**
 * Proves what was asked without changing anything: pull is a HEAD of the manifest (a HEAD does not count against
 * Docker Hub's pull limit); push opens a blob upload session and cancels it at once.
 */
export async function accessStage(ctx: StageContext, input: AccessInput): Promise<{step: AccessStep; outcomes: AccessOutcome[]}> {
  const exchanges: Exchange[] = []
  const findings: Finding[] = []
  const outcomes: AccessOutcome[] = []
  const facts: AccessFacts = {}
  const auth: Record<string, string> = input.authorization ? {authorization: input.authorization} : {}
  if (input.scheme === 'basic' && !input.authorization) {
    const f: Finding = {code: 'access.no-basic-credentials', severity: 'error', exitCode: ExitCode.AUTHENTICATION, message: 'the registry asks for Basic credentials and none were found (docker says "no basic auth credentials")', fix: 'Log in (docker login HOST) or pass -u USER --password-stdin; on ECR, the password comes from `aws ecr get-login-password`.'}
    return {step: step('access', f.message, facts, exchanges, [f]), outcomes: [{action: 'pull', ok: false, finding: f}]}
  }
  const into: Collected = {exchanges, findings, facts}
  for (const action of input.actions) {
    if (action === 'pull') outcomes.push(await provePull(ctx, input, auth, into))
    else if (action === 'push') outcomes.push(await provePush(ctx, input, auth, into))
  }
  facts.results = outcomes.map((o) => ({action: o.action, ok: o.ok, status: o.status}))
  const summary = outcomes.map((o) => `${o.action}: ${o.ok ? 'allowed' : o.finding?.message ?? 'refused'}`).join('; ')
  return {step: step('access', summary, facts, exchanges, findings), outcomes}
}

interface Collected {
  exchanges: Exchange[]
  findings: Finding[]
  facts: AccessFacts
}

/** Pull: a HEAD of the manifest (a GET where only the body says why), a 404 told apart, the rate limit read. */
async function provePull(ctx: StageContext, input: AccessInput, auth: Record<string, string>, into: Collected): Promise<AccessOutcome> {
  const {ref} = input
  const url = `${input.baseUrl}/v2/${ref.repository}/manifests/${ref.reference}`
  let r = await ctx.http.send({method: 'HEAD', url, headers: {accept: MANIFEST_ACCEPT, ...auth}})
  into.exchanges.push(...r.exchanges)
  // A HEAD answer has no body, and the body is where registries say why (ECR's "token has expired", NAME_UNKNOWN
  // vs MANIFEST_UNKNOWN, nginx's "Request Header Or Cookie Too Large" behind a 400). A refused GET does not count
  // as a pull on Docker Hub, so ask again to read it.
  if ([400, 403, 404, 413, 494].includes(r.status!) || (r.status === 401 && !/error=/.test(r.headers?.get('www-authenticate') ?? ''))) {
    const g = await ctx.http.send({method: 'GET', url, headers: {accept: MANIFEST_ACCEPT, ...auth}})
    into.exchanges.push(...g.exchanges)
    if (g.status === r.status) r = g
  }
  const o = judge(r, 'pull', input)
  if (r.status === 404) {
    const {listTags, notFoundFinding} = await import('./not-found.js')
    const t = await listTags(ctx, input.baseUrl, ref.repository, auth)
    into.exchanges.push(...t.exchanges)
    o.finding = notFoundFinding({ref, said: dockerStyle(registryErrors(r)), tags: t.answer, pushing: input.actions.includes('push')})
  }
  if (o.finding) into.findings.push(o.finding)
  const h = r.headers
  if (h) {
    const rl = rateLimitFacts(h)
    if (Object.keys(rl).length) into.facts.rateLimit = rl
    const exhausted = r.status === 200 ? exhaustedFinding(h, input.anonymous, ctx.now()) : undefined
    if (exhausted) into.findings.push(exhausted)
    if (h.get('docker-content-digest')) into.facts.digest = h.get('docker-content-digest')!
    if (h.get('content-type') && r.status === 200) into.facts.mediaType = h.get('content-type')!
  }
  if (o.ok && input.blob) await blob(ctx, input, o, into)
  return o
}

/** Push: open an upload session and cancel it at once (doctor --push must leave nothing behind). */
async function provePush(ctx: StageContext, input: AccessInput, auth: Record<string, string>, into: Collected): Promise<AccessOutcome> {
  const r = await ctx.http.send({method: 'POST', url: `${input.baseUrl}/v2/${input.ref.repository}/blobs/uploads/`, headers: {'content-length': '0', ...auth}})
  into.exchanges.push(...r.exchanges)
  const o = judge(r, 'push', input)
  if (o.finding) into.findings.push(o.finding)
  const loc = r.status === 202 ? r.headers?.get('location') : undefined
  if (!loc) return o
  const uploadUrl = new URL(loc, `${input.baseUrl}/`).toString()
  let d = await ctx.http.send({method: 'DELETE', url: uploadUrl, headers: auth})
  into.exchanges.push(...d.exchanges)
  // distribution checks the cancel as delete: with a token for pull,push only, fetch one for delete and try again.
  if (d.status === 401 && input.cleanup) {
    const c = await input.cleanup()
    into.exchanges.push(...c.exchanges)
    if (c.authorization) {
      d = await ctx.http.send({method: 'DELETE', url: uploadUrl, headers: {authorization: c.authorization}})
      into.exchanges.push(...d.exchanges)
    }
  }
  into.facts.uploadCancelled = d.status !== undefined && d.status < 300
  if (!into.facts.uploadCancelled) {
    into.findings.push({
      code: 'access.push.upload-left-open',
      severity: 'warn',
      message: `the empty upload session could not be cancelled (DELETE answered ${d.status ?? d.failure?.code}${d.status === 401 ? ': cancelling needs the delete right, which this account lacks' : ''}); it holds no data and the registry purges it (distribution: after a week)`,
      fix: 'Nothing to do; to avoid it, prove push with an account that also has delete rights.',
    })
  }
  return o
}

/**
 * doctor --blob: fetch a blob as a pull does. A 429 there is the pull budget itself (it replaces the HEAD's
 * "no pulls left", which only predicted it); any error decides the pull's outcome.
 */
async function blob(ctx: StageContext, input: AccessInput, o: AccessOutcome, into: Collected): Promise<void> {
  const {blobCheck} = await import('./blob.js')
  const {ref} = input
  const b = await blobCheck(ctx, {baseUrl: input.baseUrl, repository: ref.repository, reference: ref.reference, accept: MANIFEST_ACCEPT, authorization: input.authorization, anonymous: input.anonymous})
  into.exchanges.push(...b.exchanges)
  Object.assign(into.facts, b.facts)
  const error = b.findings.find((f) => f.severity === 'error')
  if (error?.code === 'access.rate-limited') into.findings.splice(0, into.findings.length, ...into.findings.filter((f) => f.code !== 'access.rate-limit.exhausted'))
  into.findings.push(...b.findings)
  if (error) {
    o.ok = false
    o.finding = error
  }
}

function judge(r: HttpResult, action: 'pull' | 'push', input: AccessInput): AccessOutcome {
  if (r.failure && !r.status) return {action, ok: false, finding: transportFinding('access', r.failure)}
  const status = r.status!
  const ok = action === 'pull' ? status === 200 : status === 202
  if (ok) return {action, ok, status}
  const said = dockerStyle(registryErrors(r))
  const challenge = pickChallenge(parseWWWAuthenticate(r.headers?.get('www-authenticate') ?? undefined).challenges)
  const repo = input.ref.repository
  const anon = input.anonymous
  let f: Finding
  if (status === 401 && challenge?.error === 'insufficient_scope') {
    f = anon
      ? {code: `access.${action}.anonymous-denied`, severity: 'error', exitCode: ExitCode.AUTHENTICATION, message: `anonymous ${action} of ${repo} refused (401 insufficient_scope): docker says "denied: requested access to the resource is denied"${action === 'pull' ? ' ("repository does not exist or may require \'docker login\'")' : ''}`, fix: `The repository is private, or does not exist${input.ref.registry.isDockerHub && !repo.includes('/') ? '' : ''}: log in with an account that may ${action} it, and check the name.`}
      : {code: `access.${action}.denied`, severity: 'error', exitCode: ExitCode.DENIED, message: `${action} of ${repo} refused for this account (401 insufficient_scope): docker says "denied: requested access to the resource is denied"`, fix: action === 'push' ? 'The account may not push here: ask for write access to the repository (or push to a namespace you own), or use a token with write scope.' : 'The account may not read this repository: ask for access, and check the name.'}
    f.evidence = `WWW-Authenticate: ${r.headers?.get('www-authenticate')}`
  } else if (status === 401 && challenge?.error === 'invalid_token') {
    f = {code: `access.invalid-token`, severity: 'error', exitCode: ExitCode.AUTHENTICATION, message: `the registry rejected the token as invalid_token (expired, wrong audience or issuer, or a bad signature): docker says "unauthorized: authentication required"`, fix: 'Compare the token\'s exp/nbf with the clocks, and its aud/iss with the registry\'s auth.token settings (see the token step).', evidence: `WWW-Authenticate: ${r.headers?.get('www-authenticate')}`}
  } else if (status === 401 && !anon && input.tokenGrantsAll === true && input.authorization?.startsWith('Bearer ') && challenge && !challenge.error) {
    // A registry that reads a token answers a bad one with error="invalid_token" and a weak one with
    // error="insufficient_scope"; a plain challenge is what it says to a request without any Authorization header.
    // Only said when the token's own claim grants the action: some registries (Quay) answer a weak token plainly too.
    f = {code: 'access.token-not-seen', severity: 'error', exitCode: ExitCode.AUTHENTICATION, message: `the registry answered 401 with a plain challenge, as if no token had been sent, although the request carried the token the realm issued${said ? ` (${said})` : ''}`, fix: 'A proxy or load balancer in front of the registry may strip the Authorization header (check its configuration, e.g. nginx proxy_set_header), or the registry does not trust tokens from this realm.', evidence: `WWW-Authenticate: ${r.headers?.get('www-authenticate')}`}
  } else if (status === 401) {
    f = anon || !input.authorization
      ? {code: `access.${action}.credentials-required`, severity: 'error', exitCode: ExitCode.AUTHENTICATION, message: `${action} of ${repo} needs credentials (401${said ? `: ${said}` : ''})`, fix: 'Log in (docker login) or pass -u USER --password-stdin.'}
      : {code: `access.credentials-rejected`, severity: 'error', exitCode: ExitCode.AUTHENTICATION, message: `the registry rejected the credentials (401${said ? `: ${said}` : ''})${challenge?.scheme === 'basic' && challenge.realm === 'harbor' ? ' — Harbor answers a rejected credential with a Basic challenge' : ''}`, fix: 'Check the user name and password or token.'}
  } else if (status === 403) {
    f = {code: `access.${action}.forbidden`, severity: 'error', exitCode: anon ? ExitCode.AUTHENTICATION : ExitCode.DENIED, message: `${action} of ${repo} forbidden (403${said ? `: ${said}` : ''})`, fix: /expired/i.test(said ?? '') ? 'The registry password has expired (ECR passwords last 12 hours): log in again.' : action === 'push' ? 'This account or token may not push here (on ghcr.io a token needs write:packages).' : 'This account or token may not read this repository.'}
  } else if (status === 404) {
    f = {code: `access.${action}.not-found`, severity: 'error', exitCode: ExitCode.NOT_FOUND, message: `${repo}:${input.ref.reference} not found (404${said ? `: ${said}` : ''})`, fix: 'Check the repository name and tag (docker.io official images live under library/).'}
  } else if (status === 429) {
    f = rateLimitedFinding(r.headers!, said, anon, Date.now())
  } else if (headersTooLarge(r)) {
    // Go's net/http answers 431 past 1 MB of headers; nginx answers 400 "Request Header Or Cookie Too Large" past
    // its large_client_header_buffers (8 KB a line by default), and a token with many scopes can pass that.
    const tokenBytes = input.authorization?.length ?? 0
    f = {
      code: 'access.headers-too-large',
      severity: 'error',
      exitCode: ExitCode.PROTOCOL,
      message: `the registry (or a proxy in front of it) refused the request headers as too large (${status}${said ? `: ${said}` : ''})${tokenBytes > 0 ? `; the Authorization header alone is ${formatSize(tokenBytes)}` : ''}`,
      fix: tokenBytes > 4096
        ? 'The token is too big for the server\'s header limit: ask the token server for fewer scopes (one repository per request), or raise the limit of the proxy in front of the registry (nginx: large_client_header_buffers).'
        : 'Raise the header size limit of the proxy in front of the registry (nginx: large_client_header_buffers).',
      evidence: `HTTP ${status}`,
    }
  } else if (status === 405 && action === 'push') {
    f = {code: 'access.push.unsupported', severity: 'error', exitCode: ExitCode.UNSUPPORTED, message: `the registry does not accept pushes here (405${said ? `: ${said}` : ''}); it may be a read-only mirror`}
  } else {
    f = {code: `access.${action}.unexpected`, severity: 'error', exitCode: ExitCode.PROTOCOL, message: `${action} answered ${status}${said ? `: ${said}` : ''}`}
  }
  return {action, ok: false, status, finding: f}
}

/** 431, or the 400/413/494 that proxies send for the same reason (nginx: "Request Header Or Cookie Too Large"). */
function headersTooLarge(r: HttpResult): boolean {
  if (r.status === 431) return true
  return (r.status === 400 || r.status === 413 || r.status === 494) && /header[^\n]{0,40}too large|too large[^\n]{0,40}header/i.test(r.text?.slice(0, 2048) ?? '')
}

function formatSize(bytes: number): string {
  return bytes < 1024 ? `${bytes} bytes` : `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KiB`
}

export {skipped}
