import http from 'node:http'
import net from 'node:net'
import {listening, type Running} from '../helpers/servers.js'

/**
 * A small real forward proxy, as squid or tinyproxy behave: CONNECT opens a TCP tunnel (for https), an absolute-form
 * request is forwarded (for http). Every name it is asked for resolves to 127.0.0.1, so a test can dial
 * `registry.test:PORT` through it without any DNS. `deny` answers CONNECT (and absolute-form requests) with that
 * status instead, as a proxy that refuses the destination or wants credentials does.
 */
export interface ForwardProxy extends Running {
  url: string
  /** Every CONNECT target and absolute-form URL it was asked for, with its answer and any Proxy-Authorization. */
  seen: Array<{method: string; target: string; status: number; proxyAuthorization?: string}>
  deny?: number
}

export async function forwardProxy(): Promise<ForwardProxy> {
  const seen: ForwardProxy['seen'] = []
  const server = http.createServer((req, res) => {
    const target = new URL(req.url ?? '/')
    const status = state.deny ?? 200
    seen.push({method: req.method ?? '', target: req.url ?? '', status, proxyAuthorization: req.headers['proxy-authorization']})
    if (state.deny) {
      res.writeHead(state.deny, state.deny === 407 ? {'proxy-authenticate': 'Basic realm="proxy"'} : {})
      return void res.end()
    }
    const headers = {...req.headers}
    delete headers['proxy-authorization']
    const upstream = http.request({host: '127.0.0.1', port: Number(target.port) || 80, method: req.method, path: `${target.pathname}${target.search}`, headers}, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers)
      up.pipe(res)
    })
    upstream.on('error', () => res.destroy())
    req.pipe(upstream)
  })
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    client.on('error', () => {})
    const status = state.deny ?? 200
    seen.push({method: 'CONNECT', target: req.url ?? '', status, proxyAuthorization: req.headers['proxy-authorization']})
    if (state.deny) return void client.end(`HTTP/1.1 ${state.deny} Denied\r\nContent-Length: 0\r\n\r\n`)
    const port = Number(/:(\d+)$/.exec(req.url ?? '')?.[1])
    const upstream = net.connect(port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    upstream.on('error', () => client.destroy())
    client.on('close', () => upstream.destroy())
  })
  const running = await listening(server)
  const state: ForwardProxy = {...running, url: `http://${running.host}`, seen}
  return state
}
