import type {IncomingHttpHeaders} from 'node:http'
import {RegprobeError} from '../errors.js'
import {ExitCode} from '../trace/types.js'
import {daemonConnectError} from './connect-error.js'
import type {DaemonEndpoint} from './endpoint.js'

// Not an ES import: on Node 22 and 24 the ES facade of node:http loads Node's bundled undici (src/http/transport.ts).
const {request} = process.getBuiltinModule('node:http')

/**
 * The edge that talks to the Engine API: node:http, the same stack as the registry transport, over the unix socket
 * (socketPath) or plain HTTP for tcp:// daemons. One request, no keep-alive (an idle socket would hold the process).
 * Nothing is recorded: the /auth request body carries a password.
 */

/** /info is a few KiB; a megabyte means this is not a Docker daemon. */
export const MAX_DAEMON_BODY_BYTES = 1024 * 1024

export interface DaemonResponse {
  status: number
  headers: DaemonHeaders
  text: string
  json?: unknown
}

/** The few header reads the daemon code does, over node's lower-cased header object. */
export class DaemonHeaders {
  constructor(private readonly raw: IncomingHttpHeaders) {}
  get(name: string): string | null {
    const v = this.raw[name.toLowerCase()]
    return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v
  }
  has(name: string): boolean {
    return this.raw[name.toLowerCase()] !== undefined
  }
}

export function daemonRequest(
  ep: DaemonEndpoint,
  req: {method: 'GET' | 'POST'; path: string; json?: unknown; timeoutMs: number},
): Promise<DaemonResponse> {
  const body = req.json === undefined ? undefined : JSON.stringify(req.json)
  const url = new URL(`${ep.baseUrl}${req.path}`)
  return new Promise((resolve, reject) => {
    let timedOut = false
    const fail = (err: unknown) => reject(err instanceof RegprobeError ? err : daemonConnectError(err, ep, {timedOut, timeoutMs: req.timeoutMs}))
    const r = request({
      ...(ep.socketPath ? {socketPath: ep.socketPath} : {host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port || 80}),
      method: req.method,
      path: `${url.pathname}${url.search}`,
      headers: {host: ep.socketPath ? 'docker' : url.host, ...(body === undefined ? {} : {'content-type': 'application/json', 'content-length': Buffer.byteLength(body)})},
      agent: false,
    })
    const timer = setTimeout(() => {
      timedOut = true
      r.destroy(new Error('timeout'))
    }, req.timeoutMs)
    r.on('error', (err) => {
      clearTimeout(timer)
      fail(err)
    })
    r.on('response', (res) => {
      const chunks: Buffer[] = []
      let size = 0
      res.on('data', (c: Buffer) => {
        size += c.byteLength
        if (size > MAX_DAEMON_BODY_BYTES) {
          r.destroy(new RegprobeError(`the daemon's answer is larger than ${MAX_DAEMON_BODY_BYTES} bytes: this does not look like the Docker Engine API`, {exitCode: ExitCode.PROTOCOL, code: 'daemon.bad-response'}))
          return
        }
        chunks.push(c)
      })
      res.on('error', (err) => {
        clearTimeout(timer)
        fail(err)
      })
      res.on('end', () => {
        clearTimeout(timer)
        const text = Buffer.concat(chunks).toString('utf8')
        resolve({status: res.statusCode ?? 0, headers: new DaemonHeaders(res.headers), text, json: parseJson(text)})
      })
    })
    r.end(body)
  })
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined
  } catch {
    return undefined
  }
}
