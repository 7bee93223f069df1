import type {Server} from 'node:http'
import type {Socket} from 'node:net'

export interface Listening {
  port: number
  connections(): number
  /** Stops accepting, destroys open sockets (keep-alive ones too) and resolves once the server is closed. */
  close(): Promise<void>
}

/** 'host:port' with IPv6 literals bracketed, as URLs and registry host names write them. */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
}

export async function listen(server: Server, host: string, port: number): Promise<Listening> {
  const sockets = new Set<Socket>()
  let connections = 0
  server.on('connection', (socket: Socket) => {
    connections++
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('server has no TCP address')
  let closing: Promise<void> | undefined
  return {
    port: address.port,
    connections: () => connections,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve())
        for (const socket of sockets) socket.destroy()
      })
      return closing
    },
  }
}
