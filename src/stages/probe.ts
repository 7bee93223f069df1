import {parseWWWAuthenticate, pickChallenge, type Challenge, type ChallengeProblem} from '../auth/challenge.js'
import type {HttpResult} from '../http/client.js'
import type {TransportFailure} from '../http/failure.js'
import type {RegistryAddress} from '../reference.js'
import {ExitCode, type Exchange, type Finding, type ProbeFacts, type ProbeStep} from '../trace/types.js'
import {dockerStyle, htmlTitle, isHtml, registryErrors, step, type StageContext} from './context.js'
import {transportFinding} from './transport-finding.js'
import {hostViewOf} from '../hostview/attach.js'
import type {HostView} from '../hostview/types.js'

export interface ProbeOptions {
  /** --plain-http: speak HTTP to any host (and allow credentials over it). */
  plainHttp?: boolean
  /** What the failing client would use (certs.d, insecure list); by default the view the client was built from. */
  view?: HostView
}

export interface ProbeResult {
  /** `https://host[:port]` that answered as a registry; later stages use it. */
  baseUrl?: string
  scheme?: 'http' | 'https'
  status?: number
  apiVersion?: string
  challenges: Challenge[]
  /** The challenge a client would use (first Bearer, else Basic, else the first). */
  challenge?: Challenge
  problems: ChallengeProblem[]
  failure?: TransportFailure
  fellBackToHttp: boolean
  /** The registry's clock, from its Date header. */
  serverDate?: string
  /** The registry's clock minus this machine's, in seconds, measured when its answer arrived (Date has 1 s steps). */
  clockSkewS?: number
}

/**
 * Docker's order: the scheme the user named, else HTTPS, and for an insecure registry (in the client's view; without
 * one, docker's default 127.0.0.0/8 and localhost) HTTP after a failed HTTPS. A secure registry never falls back.
 */
export function schemesFor(registry: RegistryAddress, opts: ProbeOptions): Array<'http' | 'https'> {
  if (registry.scheme) return [registry.scheme]
  if (opts.plainHttp) return ['http']
  const insecure = opts.view ? opts.view.scheme.insecure : registry.isLoopback
  return insecure ? ['https', 'http'] : ['https']
}

export async function probe(ctx: StageContext, registry: RegistryAddress, opts: ProbeOptions = {}): Promise<{step: ProbeStep; result: ProbeResult}> {
  const view = opts.view ?? hostViewOf(ctx.http)
  const schemes = schemesFor(registry, {...opts, view})
  const {r, scheme, firstFailure, exchanges} = await askV2(ctx, registry, schemes)
  const result: ProbeResult = {challenges: [], problems: [], fellBackToHttp: false}
  const facts: ProbeFacts = {url: `${scheme}://${registry.host}/v2/`, scheme}
  const findings: Finding[] = []
  const helpers = await viewHelpers(view)
  if (r.failure && !r.status) {
    const decisive = decisiveFailure(r.failure, firstFailure, schemes)
    findings.push(helpers.fixWithView(transportFinding('probe', decisive)))
    result.failure = decisive
    facts.error = decisive.code
    await explainUnconnected(ctx, registry, decisive, exchanges, facts, findings)
    helpers.addView(facts, findings)
    return {step: step('probe', decisive.message, facts, exchanges, findings), result}
  }
  readAnswer(ctx, r, scheme, registry, result, facts)
  if (firstFailure && scheme === 'http') findings.push(fallbackFinding(result, firstFailure, view))
  const parsed = readChallenges(r, result, findings)
  const summary = judgeAnswer({r, registry, scheme, firstFailure, result, parsed, facts, findings, fixWithView: helpers.fixWithView})
  if (r.failure && !result.failure) {
    findings.push(helpers.fixWithView(transportFinding('probe', r.failure)))
    result.failure = r.failure
  }
  helpers.addView(facts, findings)
  return {step: step('probe', summary, facts, exchanges, findings), result}
}

/** Rate-limit headers, kept as sent (Docker Hub: "100;w=21600"). */
const RATE_LIMIT_HEADERS = ['ratelimit-limit', 'ratelimit-remaining', 'docker-ratelimit-source'] as const

/** GET /v2/ over each scheme in docker's order until one answers (a timeout ends the tries: see below). */
async function askV2(ctx: StageContext, registry: RegistryAddress, schemes: Array<'http' | 'https'>): Promise<{r: HttpResult; scheme: 'http' | 'https'; firstFailure?: TransportFailure; exchanges: Exchange[]}> {
  const exchanges: Exchange[] = []
  let r: HttpResult | undefined
  let scheme: 'http' | 'https' = schemes[0]!
  let firstFailure: TransportFailure | undefined
  for (const s of schemes) {
    scheme = s
    r = await ctx.http.send({method: 'GET', url: `${s}://${registry.host}/v2/`, redirects: 'same-host'})
    exchanges.push(...r.exchanges)
    if (!r.failure || r.status) break
    firstFailure ??= r.failure
    // A server that accepted the connection and then said nothing will not say more over plain HTTP; waiting for a
    // second timeout would break the promise of a verdict within --timeout.
    if (r.failure.code === 'timeout') break
  }
  return {r: r!, scheme, firstFailure, exchanges}
}

/**
 * Name the HTTPS failure when both schemes failed: it is what docker would report, and it is the likelier cause.
 * A TLS failure on HTTPS is the cause even when plain HTTP then fails too (a TLS port hangs up on plain HTTP).
 */
function decisiveFailure(last: TransportFailure, first: TransportFailure | undefined, schemes: unknown[]): TransportFailure {
  const firstCounts = first && schemes.length > 1 && first.code !== 'refused' && first.code !== 'dns'
  return firstCounts && (last.code === 'refused' || last.code === 'reset' || first.exitCode === ExitCode.TLS) ? first : last
}

/**
 * A refused certificate: read the chain the server presents (one unverified handshake, nothing sent over it), so the
 * user sees which CA to trust, or that a TLS-intercepting proxy answered instead of the registry. A connection that
 * failed fast (refused, unreachable): show each address family on its own, since a client that tries one (docker's
 * daemon) may fail where the other would work. Within a second, so the verdict still comes within --timeout plus one.
 */
async function explainUnconnected(ctx: StageContext, registry: RegistryAddress, decisive: TransportFailure, exchanges: Exchange[], facts: ProbeFacts, findings: Finding[]): Promise<void> {
  if (['tls.unknown-ca', 'tls.expired', 'tls.not-yet-valid', 'tls.hostname'].includes(decisive.code)) {
    const {describeChain, presentedChainFinding, readPresentedChain} = await import('../http/presented-chain.js')
    const chain = await readPresentedChain(registry.hostname, registry.port ?? 443, Math.min(ctx.http.timeoutMs, 1000))
    if (chain) {
      facts.presented = describeChain(chain)
      facts.presentedChain = chain
      const f = presentedChainFinding(chain, registry.host)
      if (f) findings.push(f)
    }
  }
  const {networkPathIfUnconnected} = await import('../http/network-path.js')
  const path = await networkPathIfUnconnected(decisive, exchanges, `${registry.scheme ?? 'https'}://${registry.host}`, 'probe', {timeoutMs: ctx.http.timeoutMs, lookup: ctx.lookup})
  if (path) {
    facts.network = path.network
    findings.push(...path.findings)
  }
}

/** What every answer tells: where the registry is, its API version, its clock, its rate limit, its TLS. */
function readAnswer(ctx: StageContext, r: HttpResult, scheme: 'http' | 'https', registry: RegistryAddress, result: ProbeResult, facts: ProbeFacts): void {
  const headers = r.headers!
  result.status = r.status!
  result.scheme = scheme
  result.baseUrl = `${scheme}://${registry.host}`
  result.apiVersion = headers.get('docker-distribution-api-version') ?? undefined
  result.serverDate = headers.get('date') ?? undefined
  const registryTime = result.serverDate ? Date.parse(result.serverDate) : Number.NaN
  if (Number.isFinite(registryTime)) result.clockSkewS = Math.round((registryTime - ctx.now()) / 1000)
  Object.assign(facts, {status: result.status, apiVersion: result.apiVersion ?? null} satisfies ProbeFacts)
  if (result.clockSkewS !== undefined) facts.clockSkew = result.clockSkewS
  for (const name of RATE_LIMIT_HEADERS) {
    const v = headers.get(name)
    if (v) facts[name] = v
  }
  const warning = headers.get('warning')
  if (warning) facts.warning = warning
  const tls = r.exchange.connection
  if (tls?.tlsVersion) facts.tls = {version: tls.tlsVersion, alpn: tls.alpn, issuer: tls.certificate?.issuer, validTo: tls.certificate?.validTo}
}

function fallbackFinding(result: ProbeResult, firstFailure: TransportFailure, view: HostView | undefined): Finding {
  result.fellBackToHttp = true
  return {
    code: 'probe.fallback-http',
    severity: 'info',
    message: `HTTPS failed (${firstFailure.message}); plain HTTP answered, as ${view ? `${view.client} does for an insecure registry (${view.scheme.why})` : 'docker tries for loopback registries'}`,
    fix: view ? 'Name the scheme (http://host:port) to skip the HTTPS attempt.' : 'Name the scheme (http://host:port) to skip the HTTPS attempt; docker needs the host in "insecure-registries" unless it is in 127.0.0.0/8.',
  }
}

/** The Warning header and the WWW-Authenticate challenges, with every problem of their syntax. */
function readChallenges(r: HttpResult, result: ProbeResult, findings: Finding[]): ReturnType<typeof parseWWWAuthenticate> {
  const headers = r.headers!
  const warning = headers.get('warning')
  if (warning) findings.push({code: 'probe.warning-header', severity: 'warn', message: `the registry sent a Warning header: ${warning}`})
  const parsed = parseWWWAuthenticate(headers.get('www-authenticate') ?? undefined)
  result.challenges = parsed.challenges
  result.problems = parsed.problems
  result.challenge = pickChallenge(parsed.challenges)
  for (const p of parsed.problems) {
    // No challenge is normal on a 200 (an open registry), and on a 401 the no-challenge error says it better.
    if (p.code === 'challenge.empty' && (r.status !== 401 || !headers.has('www-authenticate'))) continue
    findings.push({code: `probe.${p.code}`, severity: 'warn', message: `WWW-Authenticate: ${p.message}`, evidence: 'www-authenticate'})
  }
  return parsed
}

interface Answer {
  r: HttpResult
  registry: RegistryAddress
  scheme: 'http' | 'https'
  firstFailure?: TransportFailure
  result: ProbeResult
  parsed: ReturnType<typeof parseWWWAuthenticate>
  facts: ProbeFacts
  findings: Finding[]
  fixWithView: (f: Finding) => Finding
}

/** The status of /v2/ read as a client would: a registry (open, Bearer, Basic), or why it is not one. Returns the summary. */
function judgeAnswer(a: Answer): string {
  const {r, result, findings} = a
  const status = r.status!
  if (status === 400 && /HTTPS server|HTTP request to an HTTPS/i.test(r.text ?? '') && a.scheme === 'http') {
    // After a failed HTTPS attempt (docker's loopback fallback), the HTTPS failure is the real cause: the port speaks
    // TLS, and its certificate (or handshake) is what went wrong.
    const f: TransportFailure = a.firstFailure
      ? {...a.firstFailure, message: `${a.firstFailure.message} (plain HTTP on the same port answers that it speaks TLS)`}
      : {code: 'http.tls-port', exitCode: ExitCode.TLS, message: `${a.registry.host} speaks TLS on this port, but plain HTTP was sent`}
    findings.push(a.fixWithView(transportFinding('probe', f)))
    result.failure = f
    return f.message
  }
  if (status === 200 || status === 401) return judgeRegistryAnswer(a)
  // The loop is the cause; the last 3xx of it is only where regprobe stopped following.
  if (r.failure?.code.startsWith('redirect.')) return r.failure.message
  const refusal = STATUS_REFUSALS[status] ?? (status >= 500 ? STATUS_REFUSALS[500] : undefined)
  if (refusal) {
    const said = dockerStyle(registryErrors(r))
    const summary = refusal.summary(status, said, r.exchange.response?.statusText ?? '')
    findings.push({code: refusal.code, severity: 'error', exitCode: refusal.exitCode, message: summary, fix: refusal.fix})
    return summary
  }
  const summary = `unexpected answer from /v2/: ${status}`
  findings.push({code: 'probe.unexpected-status', severity: 'error', exitCode: ExitCode.PROTOCOL, message: summary})
  return summary
}

/** /v2/ answers that are not a registry's 200 or 401, each with what it means and the fix. */
const STATUS_REFUSALS: Record<number, {code: string; exitCode: Finding['exitCode']; fix: string; summary: (status: number, said: string | undefined, statusText: string) => string}> = {
  404: {code: 'probe.not-v2', exitCode: ExitCode.PROTOCOL, summary: () => 'not a v2 registry: /v2/ answered 404', fix: 'Check the host and port; a v1-only or non-registry server does not serve /v2/.'},
  429: {code: 'probe.rate-limited', exitCode: ExitCode.RATE_LIMITED, summary: (_s, said) => `rate limited: ${said ?? '429 Too Many Requests'}`, fix: 'Wait for the window to reset (Retry-After), or authenticate: authenticated users get a higher limit.'},
  403: {code: 'probe.forbidden', exitCode: ExitCode.DENIED, summary: (_s, said) => `/v2/ is forbidden (403)${said ? `: ${said}` : ''}`, fix: 'A firewall, proxy or IP allow-list may block this client; check the registry\'s network access rules.'},
  500: {code: 'probe.server-error', exitCode: ExitCode.PROTOCOL, summary: (status, _said, text) => `the registry failed: ${status} ${text}`.trim(), fix: 'The registry or its storage is unhealthy; retry later or check its logs.'},
}

/** A 200 or a 401: an open registry, a Bearer or Basic one, or a web server that is no registry at all. */
function judgeRegistryAnswer(a: Answer): string {
  const {r, result, findings, facts, parsed} = a
  const status = r.status!
  const html = isHtml(r)
  let summary: string
  if (!result.apiVersion && (html || (status === 200 && r.json === undefined))) {
    summary = `not a registry: /v2/ answered ${status} ${html ? `with an HTML page${htmlTitle(r.text) ? ` ("${htmlTitle(r.text)}")` : ''}` : 'without the registry API header'}`
    findings.push({code: 'probe.not-a-registry', severity: 'error', exitCode: ExitCode.PROTOCOL, message: summary, fix: 'Check the host and port: this looks like a web server, not the registry API (some registries serve the API on another host, e.g. registry.gitlab.com, not gitlab.com).'})
    return summary
  }
  if (status === 200) {
    summary = 'open registry: /v2/ answers 200 without credentials'
    facts.auth = 'none'
  } else if (!result.challenge) {
    summary = '401 without a WWW-Authenticate challenge: a client cannot know how to authenticate'
    findings.push({code: 'probe.no-challenge', severity: 'error', exitCode: ExitCode.PROTOCOL, message: summary, fix: 'The registry (or a proxy in front of it) strips the WWW-Authenticate header; fix its configuration.'})
  } else {
    const c = result.challenge
    facts.auth = c.scheme
    facts.challenges = parsed.challenges.map((x) => ({scheme: x.scheme, params: x.params}))
    if (c.scheme === 'bearer') {
      summary = c.realm ? `token auth (Bearer) at ${c.realm}${c.service ? `, service "${c.service}"` : ''}` : 'Bearer challenge without a realm'
      facts.realm = c.realm
      facts.service = c.service
    } else if (c.scheme === 'basic') {
      summary = `Basic auth${c.realm ? ` (realm "${c.realm}")` : ''}: credentials go straight to the registry`
    } else {
      summary = `unusual auth scheme "${c.scheme}"`
      findings.push({code: 'probe.unknown-scheme', severity: 'warn', message: `the registry asks for the "${c.scheme}" scheme, which docker does not speak (it knows Bearer and Basic)`})
    }
  }
  if (!result.apiVersion) findings.push({code: 'probe.no-api-version', severity: 'info', message: 'no Docker-Distribution-Api-Version header (the spec says a registry should send it); some proxies strip it'})
  return summary
}

/** The host view's facts and findings, and its say on the fixes; nothing (and nothing loaded) without a view. */
async function viewHelpers(view: HostView | undefined): Promise<{addView: (facts: ProbeFacts, findings: Finding[]) => void; fixWithView: (f: Finding) => Finding}> {
  if (!view) return {addView: () => {}, fixWithView: (f) => f}
  const d = await import('../hostview/describe.js')
  return {
    addView(facts, findings) {
      const line = d.viewLine(view)
      if (line) facts.uses = line
      facts.hostView = d.viewFacts(view)
      findings.push(...d.viewFindings(view))
    },
    fixWithView(f) {
      if (f.code === 'probe.tls.unknown-ca') return {...f, fix: d.unknownCaFix(view, view.overrides.some((o) => o.startsWith('--ca-cert')))}
      if (f.code === 'probe.tls.plain-http-port') return {...f, fix: view.scheme.insecure ? `This port speaks plain HTTP: name it http://${view.registry}, or leave the scheme out (${view.client} already treats it as insecure: ${view.scheme.why}).` : d.plainHttpFix(view)}
      return f
    },
  }
}
