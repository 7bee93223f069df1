import type {IncomingHttpHeaders} from 'node:http'
import type {PeerCertificate} from 'node:tls'

/**
 * One request over node:http or node:https that trusts a private CA the tooling generated: the readiness wait of a
 * real registry over TLS, and the tests that talk to a TLS registry without regprobe in between. The global fetch
 * cannot take a CA without the undici package (its dispatcher), which nothing shipped needs; node:https can.
 * Not recorded and not redacted: it only talks to registries this machine started on loopback.
 */
export interface PlainRequest {
  method?: string
  headers?: Record<string, string>
  body?: string | Uint8Array
  /** PEM of the CA to trust instead of the default roots (https only). */
  ca?: string
  checkServerIdentity?: (host: string, cert: PeerCertificate) => Error | undefined
  /** The whole exchange, connect to last byte. */
  timeoutMs?: number
}

export interface PlainAnswer {
  status: number
  headers: Headers
  text: string
}

export async function plainRequest(url: string | URL, init: PlainRequest = {}): Promise<PlainAnswer> {
  const u = new URL(url)
  const {request} = u.protocol === 'https:' ? await import('node:https') : await import('node:http')
  const headers = {...init.headers}
  if (init.body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length')) headers['content-length'] = String(Buffer.byteLength(init.body))
  // Only the options given: tls.connect would take an explicit `checkServerIdentity: undefined` over its default.
  const tls = {...(init.ca === undefined ? {} : {ca: init.ca}), ...(init.checkServerIdentity ? {checkServerIdentity: init.checkServerIdentity} : {})}
  return new Promise((resolve, reject) => {
    const req = request(u, {method: init.method ?? 'GET', headers, agent: false, ...tls}, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('error', reject)
      res.on('end', () => {
        clearTimeout(timer)
        resolve({status: res.statusCode ?? 0, headers: toHeaders(res.headers), text: Buffer.concat(chunks).toString('utf8')})
      })
    })
    const timer = init.timeoutMs === undefined ? undefined : setTimeout(() => req.destroy(new Error(`no answer from ${u.host} within ${init.timeoutMs} ms`)), init.timeoutMs)
    req.on('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
    req.end(init.body)
  })
}

function toHeaders(raw: IncomingHttpHeaders): Headers {
  const out = new Headers()
  for (const [name, value] of Object.entries(raw)) {
    for (const v of [value ?? []].flat()) out.append(name, v)
  }
  return out
}
