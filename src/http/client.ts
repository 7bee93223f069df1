import type {IncomingMessage} from 'node:http'
import type {Exchange, RecordedBody} from '../trace/types.js'
import {decodeUtf8, parseJson, readCapped} from './body.js'
import {watchConnection} from './diagnostics.js'
import {classifyFetchError, proxyFailure, type TransportFailure} from './failure.js'
import {ResponseHeaders} from './headers.js'
import {proxyFor, type ProxyChoice} from './proxy.js'
import {crossHostFailure, sameHost, schemeFailure, type RedirectPolicy} from './redirects.js'
import {SecretBox, recordBody, redactHeaders, redactRequestBody, redactUrl} from './redact.js'
import {Transport, type TlsSettings} from './transport.js'
import {ExitCode} from '../trace/types.js'

/** Registry answers are small JSON documents; anything bigger is a mistake or an attack (oras-go caps at 4 MiB). */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024
/** Per request, covering connect, headers and body, so a server that trickles bytes cannot hang us. */
export const DEFAULT_TIMEOUT_MS = 10_000
/** Enough for a registry behind a load balancer and a CDN; more is a loop. */
export const MAX_REDIRECTS = 5

export interface ClientOptions extends TlsSettings {
  timeoutMs?: number
  maxBodyBytes?: number
  env?: NodeJS.ProcessEnv
  secrets?: SecretBox
  userAgent?: string
  /** --follow-redirects: requests asking for 'same-host' follow a redirect to another host too, as docker does. */
  followRedirects?: boolean
}

export interface HttpRequest {
  method: string
  url: string
  headers?: Record<string, string>
  body?: string
  /** Default 'follow' (cross-host hops without Authorization). */
  redirects?: RedirectPolicy
  /** Older spelling: false is redirects: 'none'. */
  followRedirects?: boolean
  /** 'token-answer': a token endpoint's answer, recorded as a secret when 2xx (redact.ts recordBody). */
  recordAs?: 'token-answer'
}

export interface HttpResult {
  /** The final exchange (after redirects). */
  exchange: Exchange
  /** Every exchange this call made, redirects included, in order. */
  exchanges: Exchange[]
  status?: number
  headers?: ResponseHeaders
  text?: string
  /** Parsed when the body is JSON (by content type or by shape). */
  json?: unknown
  failure?: TransportFailure
  url: string
}

type Once = Omit<HttpResult, 'exchanges'>

/**
 * The one place that talks HTTP: node:http/node:https through a keep-alive Agent per client (one connection per
 * host for a diagnosis), proxies chosen by Go's rules, TLS settings added to Node's defaults (transport.ts).
 */
export class HttpClient {
  readonly timeoutMs: number
  readonly maxBodyBytes: number
  readonly secrets: SecretBox
  readonly env: NodeJS.ProcessEnv
  readonly t0 = performance.now()
  requestCount = 0
  private readonly opts: ClientOptions
  private readonly transport: Transport

  constructor(opts: ClientOptions = {}) {
    this.opts = opts
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS
    this.maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
    this.secrets = opts.secrets ?? new SecretBox()
    this.env = opts.env ?? process.env
    this.transport = new Transport({caCertPem: opts.caCertPem, clientCert: opts.clientCert, insecure: opts.insecure}, this.timeoutMs)
  }

  /** Closes the idle keep-alive connections (they never keep the process alive; this only frees them sooner). */
  close(): void {
    this.transport.close()
  }

  async send(req: HttpRequest): Promise<HttpResult> {
    const exchanges: Exchange[] = []
    const first = new URL(req.url)
    let policy: RedirectPolicy = req.redirects ?? (req.followRedirects === false ? 'none' : 'follow')
    if (policy === 'same-host' && this.opts.followRedirects) policy = 'follow'
    let url = req.url
    let headers = {...req.headers}
    const seen = new Set<string>()
    for (let hop = 0; ; hop++) {
      // A body from another host than the one asked, on a request that only follows there because the user said so,
      // is recorded as its size and type only: it may be anything (a metadata service's credentials).
      const foreign = req.redirects === 'same-host' && !sameHost(first, new URL(url))
      const r = await this.once({...req, url, headers}, foreign)
      exchanges.push(r.exchange)
      const status = r.status
      const location = r.headers?.get('location')
      if (policy === 'none' || !status || status < 300 || status > 399 || !location) return {...r, exchanges}
      let next: URL
      try {
        next = new URL(location, url)
      } catch {
        return {...r, exchanges}
      }
      const stop = this.redirectStop(new URL(url), next, policy, seen, hop)
      if (stop) {
        stop.message = this.secrets.scrub(stop.message)
        r.exchange.error = {code: stop.code, message: stop.message}
        return {exchange: r.exchange, exchanges, failure: stop, url}
      }
      seen.add(url)
      // Never carry credentials to another origin (a CDN, an attacker's server, or the same host:port over plain HTTP
      // after HTTPS): the fetch standard drops Authorization on a cross-origin redirect, ggcr and docker across hosts.
      if (next.origin !== new URL(url).origin) {
        headers = Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'authorization'))
      }
      // 303, and 301/302 after a POST, turn into GET as browsers and Go do.
      if (status === 303 || ((status === 301 || status === 302) && req.method === 'POST')) {
        req = {...req, method: 'GET', body: undefined}
        headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !['content-length', 'content-type'].includes(k.toLowerCase())))
      }
      url = next.toString()
    }
  }

  /** Why a redirect is not followed, or undefined to follow it. */
  private redirectStop(from: URL, next: URL, policy: RedirectPolicy, seen: Set<string>, hop: number): TransportFailure | undefined {
    if (next.protocol !== 'http:' && next.protocol !== 'https:') return schemeFailure(from, next)
    if (policy === 'same-host' && !sameHost(from, next)) return crossHostFailure(from, next)
    const href = next.toString()
    if (seen.has(href)) return {code: 'redirect.loop', exitCode: ExitCode.PROTOCOL, message: `redirect loop: ${redactUrl(href, this.secrets)} was already visited`}
    if (hop + 1 > MAX_REDIRECTS) return {code: 'redirect.too-many', exitCode: ExitCode.PROTOCOL, message: `more than ${MAX_REDIRECTS} redirects`}
    return undefined
  }

  private once(req: HttpRequest, foreign: boolean): Promise<Once> {
    this.requestCount++
    const start = performance.now()
    const headers: Record<string, string> = {'user-agent': this.opts.userAgent ?? 'regprobe', ...lowerKeys(req.headers ?? {})}
    const exchange = this.recordRequest(req, headers, start)
    const choice = proxyFor(req.url, this.env)
    const {proxy, noProxyMatch, proxyUrl} = choice
    // The proxy's password (HTTPS_PROXY=http://user:pw@host) joins the run's secrets: any error text that quotes the
    // proxy URL is scrubbed where it is recorded.
    if (proxyUrl) this.secrets.add(proxyPassword(proxyUrl))
    const route = proxy ? {proxy} : noProxyMatch ? {noProxy: noProxyMatch} : {}
    return new Promise((resolve) => {
      let settled = false
      let timedOut = false
      // Set once the status line and headers are in, so a hang-up during the body is not reported as "no HTTP answer".
      let answered: {status: number; bytes: number} | undefined
      let watch: ReturnType<typeof watchConnection> | undefined
      const done = (result: Once) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        const {connection, connectMs} = watch?.result() ?? {}
        if (connection) exchange.connection = {...connection, ...route}
        if (connectMs !== undefined) exchange.timing.connectMs = round(connectMs)
        exchange.timing.totalMs = round(performance.now() - start)
        resolve(result)
      }
      const fail = (err: unknown) => {
        if (settled) return
        const connected = watch?.result().connection !== undefined
        const failure = this.failureOf(err, req.url, choice, {connected, timedOut, answered})
        exchange.error = {code: failure.code, message: failure.message}
        if (failure.tunnelStatus !== undefined) exchange.connection = {reused: false, protocol: 'https', ...route, tunnel: {connectStatus: failure.tunnelStatus}}
        done({exchange, failure, url: req.url})
      }
      const timer = setTimeout(() => {
        timedOut = true
        wire?.destroy(Object.assign(new Error(`no answer within ${this.timeoutMs} ms`), {code: 'TIMEOUT'}))
        fail(new Error('timeout'))
      }, this.timeoutMs)
      let wire: ReturnType<Transport['request']> | undefined
      try {
        wire = this.transport.request({method: req.method, url: new URL(req.url), headers, body: req.body, proxy: proxyUrl ? {url: proxyUrl} : undefined})
      } catch (err) {
        return fail(err)
      }
      watch = watchConnection(wire, new URL(req.url).origin)
      wire.on('error', fail)
      wire.on('response', (res) => {
        const ttfb = performance.now()
        answered = {status: res.statusCode ?? 0, bytes: 0}
        readCapped(res, this.maxBodyBytes, answered, (buf, truncated) => {
          if (truncated) wire?.destroy()
          if (!settled) done(this.answer(req, exchange, res, buf, truncated, {start, ttfb}, foreign))
        }, fail)
      })
    })
  }

  /** The exchange before its answer: the request with its secrets redacted, and when it started. */
  private recordRequest(req: HttpRequest, headers: Record<string, string>, start: number): Exchange {
    return {
      request: {
        method: req.method,
        url: redactUrl(req.url, this.secrets),
        headers: redactHeaders(headers, this.secrets),
        ...(req.body === undefined ? {} : {body: redactRequestBody(req.body, headers['content-type'], this.secrets)}),
      },
      timing: {startMs: round(start - this.t0), totalMs: 0},
    }
  }

  /** A request that got no (complete) answer: the proxy's failure when one was used, a hang-up in the body, or the error's kind. */
  private failureOf(err: unknown, url: string, {proxy, proxyUrl}: ProxyChoice, at: {connected: boolean; timedOut: boolean; answered?: {status: number; bytes: number}}): TransportFailure {
    const {connected, timedOut, answered} = at
    let failure = (proxy && proxyUrl && proxyFailure(err, {url, proxy: proxy.url, connected, timedOut, timeoutMs: this.timeoutMs})) || classifyFetchError(err, {url, timedOut, timeoutMs: this.timeoutMs})
    if (answered && failure.code === 'reset') {
      failure = {...failure, code: 'body.incomplete', message: `${new URL(url).host} closed the connection in the middle of its ${answered.status} response, after ${answered.bytes} bytes of the body`}
    }
    failure.message = this.secrets.scrub(failure.message)
    return failure
  }

  private answer(req: HttpRequest, exchange: Exchange, res: IncomingMessage, buf: Buffer, truncated: boolean, t: {start: number; ttfb: number}, foreign: boolean): Once {
    const end = performance.now()
    const text = decodeUtf8(buf)
    const headers = new ResponseHeaders(res.rawHeaders)
    const contentType = headers.get('content-type') ?? undefined
    const json = parseJson(text, contentType)
    const status = res.statusCode ?? 0
    exchange.response = {
      status,
      statusText: res.statusMessage ?? '',
      headers: redactHeaders(headers.record(), this.secrets),
      ...(req.method === 'HEAD' && buf.length === 0 ? {} : {body: foreign ? sizeOnly(buf.length, contentType, truncated) : recordBody({bytes: buf.length, text, json, contentType, truncated, ...(req.recordAs ? {tokenAnswerStatus: status} : {})}, this.secrets)}),
      ...(headers.charset ? {headerCharset: headers.charset} : {}),
    }
    exchange.timing = {...exchange.timing, ttfbMs: round(t.ttfb - t.start), totalMs: round(end - t.start)}
    const result: Once = {exchange, status, headers, text, json, url: req.url}
    if (truncated) {
      result.failure = {code: 'body.too-large', exitCode: ExitCode.PROTOCOL, message: `the response body from ${new URL(req.url).host} is larger than ${this.maxBodyBytes} bytes; regprobe stopped reading it`}
      exchange.error = {code: result.failure.code, message: result.failure.message}
    }
    return result
  }
}

function sizeOnly(bytes: number, contentType: string | undefined, truncated: boolean): RecordedBody {
  return {bytes, ...(contentType ? {contentType} : {}), ...(truncated ? {truncated: true} : {})}
}

function lowerKeys(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]))
}

function round(n: number): number {
  return Math.round(n * 10) / 10
}

function proxyPassword(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).password) || undefined
  } catch {
    return undefined
  }
}
