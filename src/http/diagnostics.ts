import type {ClientRequest} from 'node:http'
import type {Socket} from 'node:net'
import type {TLSSocket} from 'node:tls'
import type {CertificateFacts, ConnectionFacts} from '../trace/types.js'
import {tunnelStatus} from './transport.js'

/**
 * Connection facts read from the socket that carried a request: address, reuse, TLS version, cipher, ALPN and the
 * peer certificate. A socket is "reused" when an earlier request of this process already went over it (the
 * keep-alive Agent hands it out again). nock-intercepted requests have no real socket: their exchanges have no
 * `connection`.
 */

const used = new WeakSet<object>()
let newConnections = new Map<string, number>()

export interface ConnectionProbe {
  /** Facts once the request has a connected socket (undefined while connecting or when nothing real carried it). */
  result(): {connection?: ConnectionFacts; connectMs?: number}
}

/** Watches which socket carries `req`, whether it is new, and how long a new one took to connect (TLS included). */
export function watchConnection(req: ClientRequest, origin: string): ConnectionProbe {
  const start = performance.now()
  let connection: ConnectionFacts | undefined
  let connectMs: number | undefined
  req.once('socket', (socket: Socket) => {
    if (isMock(socket)) return
    const reused = used.has(socket)
    used.add(socket)
    const ready = () => {
      if (!reused) {
        connectMs = performance.now() - start
        newConnections.set(origin, (newConnections.get(origin) ?? 0) + 1)
      }
      connection = connectionFacts(socket, reused)
    }
    const tls = socket as TLSSocket
    const secure = tls.encrypted === true
    // A new TLS socket (a tunnel's too, handed over before its handshake) is ready at 'secureConnect'.
    if (reused || (!secure && !socket.connecting)) ready()
    else socket.once(secure ? 'secureConnect' : 'connect', ready)
  })
  return {result: () => ({connection, connectMs})}
}

/** nock (through @mswjs/interceptors) hands the request a socket that never touches the network. */
function isMock(socket: Socket): boolean {
  return /^Mock/.test(socket.constructor?.name ?? '')
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
  const status = tunnelStatus(socket)
  if (status !== undefined) facts.tunnel = {connectStatus: status}
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

/** New connections per origin since the last reset (the benchmark's "one connection per host"). */
export function connectionCounts(): Record<string, number> {
  return Object.fromEntries(newConnections)
}
export function resetConnectionCounts(): void {
  newConnections = new Map()
}
