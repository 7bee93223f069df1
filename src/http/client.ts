import type {Exchange, RecordedBody} from '../trace/types.js'
import {watchConnection} from './diagnostics.js'
import {classifyFetchError, type TransportFailure} from './failure.js'
import {hasProxyEnv, proxyFor} from './proxy.js'
import {checkServerIdentity, needsIpv6IdentityShim, runtimeMissesIpv6Sans} from './tls-identity.js'
import {SecretBox, recordBody, redactHeaders, redactRequestBody, redactUrl} from './redact.js'
import {ExitCode} from '../trace/types.js'

/** Registry answers are small JSON documents; anything bigger is a mistake or an attack (oras-go caps at 4 MiB). */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024
/** Per request, covering connect, headers and body, so a server that trickles bytes cannot hang us. */
export const DEFAULT_TIMEOUT_MS = 10_000
/** Enough for a registry behind a load balancer and a CDN; more is a loop. */
export const MAX_REDIRECTS = 5

export interface ClientOptions {
  timeoutMs?: number
  maxBodyBytes?: number
  caCertPem?: string
  insecure?: boolean
  env?: NodeJS.ProcessEnv
  secrets?: SecretBox
  userAgent?: string
}

export interface HttpRequest {
  method: string
  url: string
  headers?: Record<string, string>
  body?: string
  /** Default true: follow same-host redirects; cross-host ones are followed without Authorization. */
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
  headers?: Headers
  text?: string
  /** Parsed when the body is JSON (by content type or by shape). */
  json?: unknown
  failure?: TransportFailure
  url: string
}

type Dispatcher = object

/**
 * The one place that talks HTTP. Every call goes through the global fetch (so nock can intercept it in tests) with an
 * undici dispatcher only when an option needs one: loading the undici package costs ~0.9× a bare Node start.
 */
export class HttpClient {
  readonly timeoutMs: number
  readonly maxBodyBytes: number
  readonly secrets: SecretBox
  readonly env: NodeJS.ProcessEnv
  readonly t0 = performance.now()
  requestCount = 0
  private dispatcherPromise?: Promise<Dispatcher | undefined>
  private readonly opts: ClientOptions

  constructor(opts: ClientOptions = {}) {
    this.opts = opts
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS
    this.maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
    this.secrets = opts.secrets ?? new SecretBox()
    this.env = opts.env ?? process.env
  }

  /** undefined (the runtime's own fetch dispatcher) unless an option or the URL needs one of ours. */
  private dispatcher(url: string): Promise<Dispatcher | undefined> {
    const needed = Boolean(this.opts.caCertPem || this.opts.insecure || hasProxyEnv(this.env) || needsIpv6IdentityShim(url))
    if (!needed) return Promise.resolve(undefined)
    this.dispatcherPromise ??= (async () => {
      const undici = await import('undici')
      const tls = {
        ...(this.opts.caCertPem ? {ca: this.opts.caCertPem} : {}),
        ...(this.opts.insecure ? {rejectUnauthorized: false} : {}),
        // Only differs from Node's own check on runtimes with the IPv6 SAN regression (see tls-identity.ts).
        ...(runtimeMissesIpv6Sans() ? {checkServerIdentity} : {}),
      }
      if (hasProxyEnv(this.env)) {
        const e = this.env
        return new undici.EnvHttpProxyAgent({
          httpProxy: e.http_proxy ?? e.HTTP_PROXY,
          httpsProxy: e.https_proxy ?? e.HTTPS_PROXY,
          noProxy: e.no_proxy ?? e.NO_PROXY,
          connect: tls,
          requestTls: tls,
        } as ConstructorParameters<typeof undici.EnvHttpProxyAgent>[0])
      }
      return new undici.Agent({connect: tls})
    })()
    return this.dispatcherPromise
  }

  async send(req: HttpRequest): Promise<HttpResult> {
    const exchanges: Exchange[] = []
    let url = req.url
    let headers = {...req.headers}
    const seen = new Set<string>()
    for (let hop = 0; ; hop++) {
      const r = await this.once({...req, url, headers})
      exchanges.push(r.exchange)
      const status = r.status
      const location = r.headers?.get('location')
      if (req.followRedirects === false || !status || status < 300 || status > 399 || !location) return {...r, exchanges}
      const next = new URL(location, url).toString()
      if (seen.has(next) || hop + 1 > MAX_REDIRECTS) {
        const failure: TransportFailure = {
          code: seen.has(next) ? 'redirect.loop' : 'redirect.too-many',
          exitCode: ExitCode.PROTOCOL,
          message: seen.has(next) ? `redirect loop: ${redactUrl(next, this.secrets)} was already visited` : `more than ${MAX_REDIRECTS} redirects`,
        }
        return {...r, exchanges, failure}
      }
      seen.add(url)
      // Never carry credentials to another origin (a CDN, an attacker's server, or the same host:port over plain HTTP
      // after HTTPS): the fetch standard drops Authorization on a cross-origin redirect, ggcr and docker across hosts.
      if (new URL(next).origin !== new URL(url).origin) {
        headers = Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'authorization'))
      }
      // 303, and 301/302 after a POST, turn into GET as browsers and Go do.
      if (status === 303 || ((status === 301 || status === 302) && req.method === 'POST')) req = {...req, method: 'GET', body: undefined}
      url = next
    }
  }

  private async once(req: HttpRequest): Promise<Omit<HttpResult, 'exchanges'>> {
    this.requestCount++
    const start = performance.now()
    const headers: Record<string, string> = {'user-agent': this.opts.userAgent ?? 'regprobe', ...lowerKeys(req.headers ?? {})}
    const exchange: Exchange = {
      request: {
        method: req.method,
        url: redactUrl(req.url, this.secrets),
        headers: redactHeaders(headers, this.secrets),
        ...(req.body === undefined ? {} : {body: redactRequestBody(req.body, headers['content-type'], this.secrets)}),
      },
      timing: {startMs: round(start - this.t0), totalMs: 0},
    }
    const {proxy, noProxyMatch} = proxyFor(req.url, this.env)
    const route = proxy ? {proxy} : noProxyMatch ? {noProxy: noProxyMatch} : {}
    const controller = new AbortController()
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      controller.abort()
    }, this.timeoutMs)
    const watch = watchConnection(req.method, req.url)
    // Set once the status line and headers are in, so a hang-up during the body is not reported as "no HTTP answer".
    let answered: {status: number; progress: {bytes: number}} | undefined
    try {
      const dispatcher = await this.dispatcher(req.url)
      const init: RequestInit & {dispatcher?: Dispatcher} = {method: req.method, headers, body: req.body, redirect: 'manual', signal: controller.signal}
      if (dispatcher) init.dispatcher = dispatcher
      const res = await fetch(req.url, init)
      const ttfb = performance.now()
      answered = {status: res.status, progress: {bytes: 0}}
      const {buf, truncated} = await readCapped(res, this.maxBodyBytes, answered.progress)
      const end = performance.now()
      const text = decodeUtf8(buf)
      const contentType = res.headers.get('content-type') ?? undefined
      const json = parseJson(text, contentType)
      const {connection, connectMs} = watch.result()
      exchange.response = {
        status: res.status,
        statusText: res.statusText,
        headers: redactHeaders(headersRecord(res.headers), this.secrets),
        ...(req.method === 'HEAD' && buf.length === 0 ? {} : {body: recordBody({bytes: buf.length, text, json, contentType, truncated, ...(req.recordAs ? {tokenAnswerStatus: res.status} : {})}, this.secrets)}),
      }
      if (connection) exchange.connection = {...connection, ...route}
      exchange.timing = {startMs: round(start - this.t0), ...(connectMs === undefined ? {} : {connectMs: round(connectMs)}), ttfbMs: round(ttfb - start), totalMs: round(end - start)}
      const result: Omit<HttpResult, 'exchanges'> = {exchange, status: res.status, headers: res.headers, text, json, url: req.url}
      if (truncated) {
        result.failure = {code: 'body.too-large', exitCode: ExitCode.PROTOCOL, message: `the response body from ${new URL(req.url).host} is larger than ${this.maxBodyBytes} bytes; regprobe stopped reading it`}
        exchange.error = {code: result.failure.code, message: result.failure.message}
      }
      return result
    } catch (err) {
      let failure = classifyFetchError(err, {url: req.url, timedOut, timeoutMs: this.timeoutMs})
      if (answered && failure.code === 'reset') {
        failure = {...failure, code: 'body.incomplete', message: `${new URL(req.url).host} closed the connection in the middle of its ${answered.status} response, after ${answered.progress.bytes} bytes of the body`}
      }
      failure.message = this.secrets.scrub(failure.message)
      exchange.error = {code: failure.code, message: failure.message}
      exchange.timing.totalMs = round(performance.now() - start)
      const {connection} = watch.result()
      if (connection) exchange.connection = {...connection, ...route}
      return {exchange, failure, url: req.url}
    } finally {
      clearTimeout(timer)
      watch.cancel()
    }
  }
}

async function readCapped(res: Response, max: number, progress: {bytes: number}): Promise<{buf: Buffer; truncated: boolean}> {
  if (!res.body) return {buf: Buffer.alloc(0), truncated: false}
  const reader = res.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const {done, value} = await reader.read()
    if (done) break
    size += value.byteLength
    progress.bytes = Math.min(size, max)
    if (size > max) {
      chunks.push(value.subarray(0, value.byteLength - (size - max)))
      await reader.cancel().catch(() => {})
      return {buf: Buffer.concat(chunks), truncated: true}
    }
    chunks.push(value)
  }
  return {buf: Buffer.concat(chunks), truncated: false}
}

/** Invalid UTF-8 becomes U+FFFD rather than an exception: a hostile server cannot crash the decoder. */
function decodeUtf8(buf: Buffer): string {
  return new TextDecoder('utf-8', {fatal: false}).decode(buf)
}

function parseJson(text: string, contentType: string | undefined): unknown {
  const t = text.trim()
  if (!t) return undefined
  const looksJson = contentType?.includes('json') || t.startsWith('{') || t.startsWith('[')
  if (!looksJson) return undefined
  try {
    return JSON.parse(t)
  } catch {
    return undefined
  }
}

function lowerKeys(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]))
}

function headersRecord(h: Headers): Record<string, string> {
  const out: Record<string, string> = {}
  h.forEach((v, k) => {
    out[k] = v
  })
  return out
}

function round(n: number): number {
  return Math.round(n * 10) / 10
}
