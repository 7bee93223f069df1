import dc from 'node:diagnostics_channel'
import type {Socket} from 'node:net'
import type {TLSSocket} from 'node:tls'
import type {CertificateFacts, ConnectionFacts} from '../trace/types.js'

/**
 * Connection facts from undici's diagnostics channels. Both Node's built-in fetch and the undici package publish on
 * the same channel names, so this works whichever dispatcher carries the request. nock-intercepted requests publish
 * nothing: their exchanges simply have no `connection`.
 *
 * Correlation: a waiter registers (method, origin, path) before calling fetch; `undici:request:create` binds the
 * undici request object to the first matching waiter; `undici:client:sendHeaders` then tells which socket carried it.
 */

interface Waiter {
  key: string
  request?: object
  connection?: ConnectionFacts
  connectMs?: number
}

interface SocketInfo {
  connectMs?: number
  used: boolean
}

const waiters: Waiter[] = []
const byRequest = new WeakMap<object, Waiter>()
const sockets = new WeakMap<object, SocketInfo>()
const connectStarts = new WeakMap<object, number>()
let subscribed = false
let newConnections = new Map<string, number>()

function subscribe(): void {
  if (subscribed) return
  subscribed = true
  dc.subscribe('undici:request:create', (msg) => {
    const {request} = msg as {request: {origin?: unknown; path?: string; method?: string}}
    const key = `${request.method} ${String(request.origin)}${request.path}`
    const i = waiters.findIndex((w) => !w.request && w.key === key)
    if (i === -1) return
    waiters[i]!.request = request
    byRequest.set(request, waiters[i]!)
    waiters.splice(i, 1)
  })
  dc.subscribe('undici:client:beforeConnect', (msg) => {
    connectStarts.set((msg as {connectParams: object}).connectParams, performance.now())
  })
  dc.subscribe('undici:client:connected', (msg) => {
    const {connectParams, socket} = msg as {connectParams: {protocol?: string; host?: string}; socket: object}
    const start = connectStarts.get(connectParams)
    sockets.set(socket, {connectMs: start === undefined ? undefined : performance.now() - start, used: false})
    const origin = `${connectParams.protocol ?? ''}//${connectParams.host ?? ''}`
    newConnections.set(origin, (newConnections.get(origin) ?? 0) + 1)
  })
  dc.subscribe('undici:client:sendHeaders', (msg) => {
    const {request, socket} = msg as {request: object; socket: Socket}
    const w = byRequest.get(request)
    if (!w) return
    let info = sockets.get(socket)
    if (!info) {
      info = {used: true}
      sockets.set(socket, info)
    }
    const reused = info.used
    info.used = true
    w.connectMs = reused ? undefined : info.connectMs
    w.connection = connectionFacts(socket, reused)
  })
}

function connectionFacts(socket: Socket, reused: boolean): ConnectionFacts {
  const tls = socket as TLSSocket
  const encrypted = typeof tls.getPeerCertificate === 'function' && tls.encrypted === true
  const facts: ConnectionFacts = {remoteAddress: socket.remoteAddress, remotePort: socket.remotePort, reused, protocol: encrypted ? 'https' : 'http'}
  if (encrypted) {
    facts.tlsVersion = tls.getProtocol() ?? undefined
    facts.cipher = tls.getCipher()?.name
    facts.alpn = typeof tls.alpnProtocol === 'string' ? tls.alpnProtocol : undefined
    facts.certificate = certificateFacts(tls)
  }
  return facts
}

function certificateFacts(tls: TLSSocket): CertificateFacts | undefined {
  const c = tls.getPeerCertificate()
  if (!c || Object.keys(c).length === 0) return undefined
  const name = (o: unknown) => (o && typeof o === 'object' ? Object.entries(o).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`).join(', ') : String(o ?? ''))
  return {
    subject: name(c.subject),
    issuer: name(c.issuer),
    san: (c.subjectaltname ?? '').split(/,\s*/).filter(Boolean),
    validFrom: new Date(c.valid_from).toISOString(),
    validTo: new Date(c.valid_to).toISOString(),
    fingerprint256: c.fingerprint256,
  }
}

export interface ConnectionProbe {
  /** Facts once the request has been sent (undefined when nothing observable carried it, e.g. nock). */
  result(): {connection?: ConnectionFacts; connectMs?: number}
  cancel(): void
}

export function watchConnection(method: string, url: string): ConnectionProbe {
  subscribe()
  const u = new URL(url)
  const w: Waiter = {key: `${method} ${u.origin}${u.pathname}${u.search}`}
  waiters.push(w)
  return {
    result: () => ({connection: w.connection, connectMs: w.connectMs}),
    cancel: () => {
      const i = waiters.indexOf(w)
      if (i !== -1) waiters.splice(i, 1)
    },
  }
}

/** New connections per origin since the last reset (the benchmark's "one connection per host"). */
export function connectionCounts(): Record<string, number> {
  return Object.fromEntries(newConnections)
}
export function resetConnectionCounts(): void {
  newConnections = new Map()
}
