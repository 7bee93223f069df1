import type {Agent, ClientRequest} from 'node:http'
import type https from 'node:https'
import {isIP, type Socket} from 'node:net'
import type {Duplex} from 'node:stream'
import type tls from 'node:tls'
import {unbracket} from './hosts.js'
import {redactProxyUrl} from './proxy.js'
import {checkServerIdentity, runtimeMissesIpv6Sans} from './tls-identity.js'

/**
 * The wire under HttpClient: node:http and node:https with one keep-alive Agent per kind of route, so a diagnosis
 * reuses one connection per host. Chosen by measurement over the global fetch (Node's bundled undici costs ~0.9×
 * a bare start to load and breaks requests with a body when handed an undici 7 dispatcher): see scripts/bench.js.
 * Proxies are reached as Go's net/http reaches them: CONNECT for https, an absolute-form request for http.
 */

/**
 * Node's modules through process.getBuiltinModule, not ES imports. node:http: on Node 22 and 24 the ES facade of
 * node:http reads its lazy WebSocket export, which loads Node's bundled undici and node:tls (60-100 ms measured on
 * Node 22.23; ~7 ms this way). node:https and node:tls are loaded on the first https request: a plain-HTTP run never
 * needs them, and the ES facade of node:tls costs 3-7 ms on Node 20 where this costs ~1 ms.
 */
const http = process.getBuiltinModule('node:http')
/**
 * Response headers up to Go's limit (net/http Transport's default MaxResponseHeaderBytes, 10 MiB), as docker, skopeo
 * and containerd read them; Node's own default (16 KiB) failed registries whose proxies add a large header.
 */
export const MAX_HEADER_BYTES = 10 << 20
const httpsModule = (): typeof https => process.getBuiltinModule('node:https')
const tlsModule = (): typeof tls => process.getBuiltinModule('node:tls')
export interface TlsSettings {
  /** PEM roots added to Node's default roots (as docker adds certs.d CAs to the system pool). */
  caCertPem?: string | string[]
  /** A client certificate and its key, for a registry that requires mutual TLS. */
  clientCert?: {cert: string; key: string}
  /** No verification at all (--insecure). */
  insecure?: boolean
}

export interface ProxyRoute {
  /** The proxy's URL as configured (credentials included: they go to the proxy, never into output). */
  url: string
}

export interface WireRequest {
  method: string
  url: URL
  headers: Record<string, string>
  body?: string
  proxy?: ProxyRoute
}

/** Why a request failed in front of the registry: at the proxy, before any byte reached the registry. */
export class ProxyError extends Error {
  constructor(message: string, readonly proxyCode: 'refused' | 'connect-refused' | 'failed', override readonly cause?: unknown, readonly status?: number) {
    super(message)
  }
}

const CONNECT_STATUS = Symbol('regprobe.connect-status')

/** The status line of the proxy's answer to CONNECT, when this socket is a tunnel. */
export function tunnelStatus(socket: Socket): number | undefined {
  return (socket as Socket & {[CONNECT_STATUS]?: number})[CONNECT_STATUS]
}

export class Transport {
  private readonly agents = new Map<string, Agent>()
  private secureContext?: tls.SecureContext

  constructor(private readonly settings: TlsSettings = {}, private readonly timeoutMs = 10_000) {}

  /** Starts a request; the caller listens to 'response' and 'error'. */
  request(req: WireRequest): ClientRequest {
    const u = req.url
    const secure = u.protocol === 'https:'
    const port = Number(u.port) || (secure ? 443 : 80)
    const host = unbracket(u.hostname)
    const headers = {...req.headers}
    if (req.body !== undefined && headers['content-length'] === undefined) headers['content-length'] = String(Buffer.byteLength(req.body))
    const path = `${u.pathname}${u.search}`
    if (req.proxy && !/^https?:$/.test(new URL(req.proxy.url).protocol)) throw new ProxyError(`the proxy ${redactProxyUrl(req.proxy.url)} uses ${new URL(req.proxy.url).protocol.slice(0, -1)}, which regprobe cannot speak (only http:// and https:// proxies)`, 'failed')
    let out: ClientRequest
    if (req.proxy && !secure) {
      // Absolute-form through the proxy (RFC 9112 §3.2.2), as Go sends plain-HTTP requests to a proxy.
      const p = new URL(req.proxy.url)
      const auth = proxyAuthorization(p)
      out = http.request({host: unbracket(p.hostname), port: Number(p.port) || 80, method: req.method, path: u.href, headers: {host: u.host, ...headers, ...(auth ? {'proxy-authorization': auth} : {})}, maxHeaderSize: MAX_HEADER_BYTES, agent: this.agent(`proxy-http ${req.proxy.url}`, () => new http.Agent({keepAlive: true}))})
    } else if (secure) {
      // The identity check goes on an agent of its own: given per request, Node 22.23+ never reuses the connection.
      const identity = identityCheck(host)
      const kind = identity.checkServerIdentity ? ' ipv6-identity' : ''
      const tlsOpts = () => ({...this.tlsOptions(), ...identity})
      const agent = req.proxy ? this.agent(`proxy-https ${req.proxy.url}${kind}`, () => tunnelAgent(req.proxy!, tlsOpts(), this.timeoutMs)) : this.agent(`https${kind}`, () => new (httpsModule().Agent)({keepAlive: true, ...tlsOpts()}))
      out = httpsModule().request({host, port, method: req.method, path, headers, maxHeaderSize: MAX_HEADER_BYTES, agent, servername: isIP(host) ? '' : host})
    } else {
      out = http.request({host, port, method: req.method, path, headers, maxHeaderSize: MAX_HEADER_BYTES, agent: this.agent('http', () => new http.Agent({keepAlive: true}))})
    }
    out.end(req.body)
    return out
  }

  /** Closes idle connections (a client that is done). */
  close(): void {
    for (const a of this.agents.values()) a.destroy()
    this.agents.clear()
  }

  private agent(key: string, make: () => Agent): Agent {
    let a = this.agents.get(key)
    if (!a) this.agents.set(key, (a = make()))
    return a
  }

  private tlsOptions(): tls.ConnectionOptions {
    const s = this.settings
    // One secure context per run, made on the first https request: without one, tls.connect makes a context per
    // connection (per host). Private CAs are added to the default roots of this context: about a millisecond, where
    // `ca: [...tls.rootCertificates, pem]` parses all ~140 roots again (30-60 ms; measured for issue 17).
    this.secureContext ??= secureContextWith([s.caCertPem ?? []].flat().filter(Boolean), s.clientCert)
    const opts: tls.ConnectionOptions = {secureContext: this.secureContext}
    if (s.insecure) opts.rejectUnauthorized = false
    return opts
  }
}

/**
 * The identity check for one host: Node's own, except for an IPv6 literal on a runtime with the IPv6 SAN regression
 * (tls-identity.ts). Asked only for a host with ':' (an IPv6 literal; never a name or an IPv4 address): asking the
 * runtime runs Node's IPv6 address regex, whose first two calls cost 5-15 ms (measured for the bench).
 */
function identityCheck(host: string): Pick<tls.ConnectionOptions, 'checkServerIdentity'> {
  return host.includes(':') && runtimeMissesIpv6Sans() ? {checkServerIdentity} : {}
}

function secureContextWith(cas: string[], clientCert: TlsSettings['clientCert']): tls.SecureContext {
  const ctx = tlsModule().createSecureContext(clientCert ? {cert: clientCert.cert, key: clientCert.key} : {})
  const native = (ctx as unknown as {context: {addCACert(pem: string): void}}).context
  for (const pem of cas) native.addCACert(pem)
  return ctx
}

function proxyAuthorization(p: URL): string | undefined {
  if (!p.username && !p.password) return undefined
  return `Basic ${Buffer.from(`${decodeURIComponent(p.username)}:${decodeURIComponent(p.password)}`).toString('base64')}`
}

type CreateCallback = (err: Error | null, stream: Duplex) => void

/** An https Agent whose connections are TLS inside a CONNECT tunnel through an HTTP proxy. */
function tunnelAgent(proxy: ProxyRoute, tlsOpts: tls.ConnectionOptions, timeoutMs: number): https.Agent {
  const agent = new (httpsModule().Agent)({keepAlive: true, ...tlsOpts})
  const create = (options: https.RequestOptions, callback?: CreateCallback): undefined => {
    connectThrough(proxy, tlsOpts, timeoutMs, options, (err, stream) => callback?.(err, stream as Duplex))
    return undefined
  }
  Object.assign(agent, {createConnection: create})
  return agent
}

function connectThrough(proxy: ProxyRoute, tlsOpts: tls.ConnectionOptions, timeoutMs: number, options: https.RequestOptions, cb: (err: Error | null, stream?: Duplex) => void): void {
  const p = new URL(proxy.url)
  const target = `${isIP(options.host ?? '') === 6 ? `[${options.host}]` : options.host}:${options.port}`
  const auth = proxyAuthorization(p)
  const tlsToProxy = p.protocol === 'https:'
  const proxyPort = Number(p.port) || (tlsToProxy ? 443 : 80)
  const where = `${p.hostname}:${proxyPort}`
  const init = {host: unbracket(p.hostname), port: proxyPort, method: 'CONNECT', path: target, headers: {host: target, ...(auth ? {'proxy-authorization': auth} : {})}, agent: false as const}
  const connect = tlsToProxy ? httpsModule().request({...init, ...tlsOpts, servername: isIP(unbracket(p.hostname)) ? '' : p.hostname, ...identityCheck(unbracket(p.hostname))}) : http.request(init)
  // The request that waits for this connection has its own timer, but cannot cancel a CONNECT in flight.
  connect.setTimeout(timeoutMs, () => connect.destroy(Object.assign(new Error(`no answer to CONNECT within ${timeoutMs} ms`), {code: 'ETIMEDOUT'})))
  connect.once('connect', (res, socket) => {
    if (res.statusCode !== 200) {
      socket.destroy()
      cb(new ProxyError(`the proxy ${where} answered CONNECT ${target} with ${res.statusCode} ${res.statusMessage ?? ''}`.trim(), 'connect-refused', undefined, res.statusCode))
      return
    }
    const servername = isIP(options.host ?? '') ? undefined : (options.host ?? undefined)
    const secure = tlsModule().connect({...tlsOpts, ...(options as tls.ConnectionOptions), socket, servername})
    ;(secure as unknown as Record<symbol, number>)[CONNECT_STATUS] = 200
    cb(null, secure)
  })
  connect.once('response', (res) => {
    // A proxy that answers CONNECT without upgrading (node calls this 'response' only for odd servers).
    res.resume()
    cb(new ProxyError(`the proxy ${where} answered CONNECT ${target} with ${res.statusCode}`, 'connect-refused', undefined, res.statusCode))
  })
  connect.once('error', (err: NodeJS.ErrnoException) => {
    const what = err.code === 'ECONNREFUSED' ? 'refused the connection (nothing listens there)' : `failed (${err.code ?? err.message})`
    cb(new ProxyError(`the proxy ${where} ${what}`, err.code === 'ECONNREFUSED' ? 'refused' : 'failed', err))
  })
  connect.end()
}
