import {once} from 'node:events'
import http from 'node:http'
import https from 'node:https'
import net from 'node:net'
import type {AddressInfo} from 'node:net'

export interface Running {
  port: number
  host: string
  close(): Promise<void>
}

/**
 * Listens on an ephemeral loopback port; close() destroys open sockets first, so a test never waits for a client
 * (or a silent server) to hang up. Every test server goes through this one place.
 */
export async function listening(server: net.Server, beforeClose?: () => void, address = '127.0.0.1'): Promise<Running> {
  const sockets = new Set<net.Socket>()
  server.on('connection', (sock: net.Socket) => {
    sockets.add(sock)
    sock.on('close', () => sockets.delete(sock))
    sock.on('error', () => {})
  })
  server.listen(0, address)
  await once(server, 'listening')
  const port = (server.address() as AddressInfo).port
  return {
    port,
    host: net.isIPv6(address) ? `[${address}]:${port}` : `${address}:${port}`,
    close: async () => {
      beforeClose?.()
      for (const sock of sockets) sock.destroy()
      await new Promise<void>((r) => server.close(() => r()))
    },
  }
}

/** A loopback HTTP(S) server that answers like a registry would, for a test scenario. */
export async function serve(handler: http.RequestListener, tls?: {cert: string; key: string}, address?: '127.0.0.1' | '::1'): Promise<Running> {
  return listening(tls ? https.createServer({cert: tls.cert, key: tls.key}, handler) : http.createServer(handler), undefined, address)
}

/** Accepts TCP connections and never says a word: the registry that hangs. */
export async function silent(): Promise<Running> {
  return listening(net.createServer(() => {}))
}

/** A port where nothing listens: bind, note the port, close. */
export async function closedPort(): Promise<number> {
  const server = net.createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const port = (server.address() as AddressInfo).port
  await new Promise<void>((r) => server.close(() => r()))
  return port
}

export const REGISTRY_HEADERS = {'content-type': 'application/json', 'docker-distribution-api-version': 'registry/2.0'}

/** GET /v2/ of a registry that asks for tokens at `realm`. */
/** An open registry's /v2/: 200 {} with the API version header, as distribution answers without auth configured. */
export const openPing: http.RequestListener = (req, res) => {
  res.writeHead(200, REGISTRY_HEADERS)
  res.end('{}')
}

export function bearerPing(realm: string, service: string): http.RequestListener {
  return (req, res) => {
    res.writeHead(401, {...REGISTRY_HEADERS, 'www-authenticate': `Bearer realm="${realm}",service="${service}"`})
    res.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":null}]}\n')
  }
}
