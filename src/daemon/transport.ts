import {RegprobeError} from '../errors.js'
import {ExitCode} from '../trace/types.js'
import {daemonConnectError} from './connect-error.js'
import type {DaemonEndpoint} from './endpoint.js'

/**
 * The edge that talks to the Engine API: the global fetch, over the unix socket through an undici Agent
 * (loaded only here, only for sockets), or plain HTTP for tcp:// daemons.
 * Nothing is recorded: the /auth request body carries a password.
 */

/** /info is a few KiB; a megabyte means this is not a Docker daemon. */
export const MAX_DAEMON_BODY_BYTES = 1024 * 1024

export interface DaemonResponse {
  status: number
  headers: Headers
  text: string
  json?: unknown
}

export async function daemonRequest(
  ep: DaemonEndpoint,
  req: {method: 'GET' | 'POST'; path: string; json?: unknown; timeoutMs: number},
): Promise<DaemonResponse> {
  const signal = AbortSignal.timeout(req.timeoutMs)
  let agent: {close(): Promise<void>} | undefined
  try {
    const init: RequestInit & {dispatcher?: unknown} = {
      method: req.method,
      signal,
      headers: req.json === undefined ? {} : {'Content-Type': 'application/json'},
      body: req.json === undefined ? undefined : JSON.stringify(req.json),
    }
    if (ep.socketPath) {
      const {Agent} = await import('undici')
      const a = new Agent({connect: {socketPath: ep.socketPath}})
      agent = a
      init.dispatcher = a
    }
    const res = await fetch(`${ep.baseUrl}${req.path}`, init)
    const text = await readCapped(res)
    return {status: res.status, headers: res.headers, text, json: parseJson(text)}
  } catch (err) {
    if (err instanceof RegprobeError) throw err
    throw daemonConnectError(err, ep, {timedOut: signal.aborted, timeoutMs: req.timeoutMs})
  } finally {
    // An idle keep-alive socket to the daemon would hold the process open.
    await agent?.close().catch(() => {})
  }
}

async function readCapped(res: Response): Promise<string> {
  if (!res.body) return ''
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength
    if (size > MAX_DAEMON_BODY_BYTES) {
      throw new RegprobeError(`the daemon's answer is larger than ${MAX_DAEMON_BODY_BYTES} bytes: this does not look like the Docker Engine API`, {
        exitCode: ExitCode.PROTOCOL,
        code: 'daemon.bad-response',
      })
    }
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined
  } catch {
    return undefined
  }
}
