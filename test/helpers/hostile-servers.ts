import {once} from 'node:events'
import {readFileSync} from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import net from 'node:net'
import {Duplex} from 'node:stream'
import {webcrypto} from 'node:crypto'
import {listening, type Running} from './servers.js'

/**
 * Loopback servers that misbehave the way broken or hostile registries do. Each one records what it saw, so a test
 * can assert not only what regprobe printed but what it sent (no Authorization after a cross-host redirect) and how
 * it stopped (the connection closed long before a 50 MB body was sent).
 */

export interface SeenRequest {
  method: string
  url: string
  headers: http.IncomingHttpHeaders
  /** Whether it came over TLS. */
  tls: boolean
}

export interface Recording extends Running {
  seen: SeenRequest[]
  origin: string
}

/** An http server whose handler gets every request after it was recorded. */
export async function recording(handler: http.RequestListener, opts: {tls?: {cert: string; key: string}; maxHeaderSize?: number} = {}): Promise<Recording> {
  const seen: SeenRequest[] = []
  const record: http.RequestListener = (req, res) => {
    seen.push({method: req.method ?? '', url: req.url ?? '', headers: req.headers, tls: 'encrypted' in req.socket})
    handler(req, res)
  }
  // Node's default 16 KiB header limit would answer 431 to a huge token before the handler could see it.
  const server = opts.tls
    ? https.createServer({cert: opts.tls.cert, key: opts.tls.key, maxHeaderSize: opts.maxHeaderSize}, record)
    : http.createServer({maxHeaderSize: opts.maxHeaderSize}, record)
  const s = await listening(server)
  return {...s, seen, origin: `${opts.tls ? 'https' : 'http'}://${s.host}`}
}

/**
 * One port that speaks TLS to a client that starts a handshake and plain HTTP to one that doesn't, so that
 * https://127.0.0.1:P and http://127.0.0.1:P share a host:port but not an origin.
 */
export async function dualProtocol(handler: http.RequestListener, tls: {cert: string; key: string}): Promise<Recording> {
  const seen: SeenRequest[] = []
  const record: http.RequestListener = (req, res) => {
    seen.push({method: req.method ?? '', url: req.url ?? '', headers: req.headers, tls: 'encrypted' in req.socket})
    handler(req, res)
  }
  const plain = http.createServer(record)
  const secure = https.createServer({cert: tls.cert, key: tls.key}, record)
  const front = net.createServer((socket) => {
    socket.on('error', () => {})
    socket.once('data', (first: Buffer) => {
      // 0x16: a TLS handshake record.
      if (first[0] !== 0x16) {
        socket.pause()
        socket.unshift(first)
        plain.emit('connection', socket)
        return void socket.resume()
      }
      // TLS reads from the socket's native handle, past anything unshifted: hand it a JS stream that replays the
      // first bytes instead.
      const replay = new Duplex({
        read() {},
        write(chunk: Buffer, _enc, cb) {
          socket.write(chunk, cb)
        },
        final(cb) {
          socket.end(cb)
        },
        destroy(err, cb) {
          socket.destroy()
          cb(err)
        },
      })
      replay.push(first)
      socket.on('data', (d: Buffer) => replay.push(d))
      socket.on('end', () => replay.push(null))
      socket.on('close', () => replay.destroy())
      secure.emit('connection', replay)
    })
  })
  const s = await listening(front, () => {
    plain.closeAllConnections()
    secure.closeAllConnections()
  })
  return {...s, seen, origin: `https://${s.host}`}
}


/** What a raw TCP server saw of each connection: the request head, and whether the client hung up before we did. */
export interface RawConnection {
  head: string
  socket: net.Socket
  /** Set when the client closed (or reset) its side. */
  clientClosed: boolean
}

export interface RawServer extends Running {
  connections: RawConnection[]
}

/**
 * A TCP server that reads the request head and hands the socket to `onRequest`, which writes whatever bytes it
 * likes: Node's http server refuses to send invalid header bytes or a truncated response, a hostile server doesn't.
 */
export async function raw(onRequest: (c: RawConnection) => void): Promise<RawServer> {
  const connections: RawConnection[] = []
  const server = net.createServer((socket) => {
    socket.on('error', () => {})
    let buf = ''
    const onData = (d: Buffer): void => {
      buf += d.toString('latin1')
      const end = buf.indexOf('\r\n\r\n')
      if (end === -1) return
      socket.off('data', onData)
      const c: RawConnection = {head: buf.slice(0, end), socket, clientClosed: false}
      socket.on('close', () => (c.clientClosed = true))
      connections.push(c)
      onRequest(c)
    }
    socket.on('data', onData)
  })
  return {...(await listening(server)), connections}
}

/** A body written as fast as the client reads it, and what became of it. */
export interface Stream {
  sent: number
  finished: boolean
  /** The client closed the connection before the body was complete. */
  abortedAt?: number
}

/** 64 KiB chunks, respecting backpressure, so `sent` measures what the client really pulled in. */
export function streamBody(res: http.ServerResponse, total: number, chunk: Buffer, stream: Stream): void {
  const write = (): void => {
    while (stream.sent < total) {
      const piece = chunk.subarray(0, Math.min(chunk.length, total - stream.sent))
      stream.sent += piece.length
      if (!res.write(piece)) return void res.once('drain', write)
    }
    res.end(() => (stream.finished = true))
  }
  res.on('close', () => {
    if (!stream.finished) stream.abortedAt ??= stream.sent
  })
  write()
}

/** Bytes that are not UTF-8 in any reading: a lone continuation byte, an overlong form, a truncated sequence. */
export const INVALID_UTF8 = Buffer.from([0x80, 0xc0, 0xaf, 0xe2, 0x82, 0xff, 0xfe])

/** Writes an HTTP/1.1 response with raw header bytes (latin1 in, bytes out) and closes. */
export function writeRaw(socket: net.Socket, status: string, headers: Array<[string, string | Buffer]>, body: Buffer | string = ''): void {
  const b = typeof body === 'string' ? Buffer.from(body) : body
  const lines: Buffer[] = [Buffer.from(`HTTP/1.1 ${status}\r\n`)]
  for (const [k, v] of [...headers, ['content-length', String(b.length)] as [string, string], ['connection', 'close'] as [string, string]]) {
    lines.push(Buffer.from(`${k}: `), typeof v === 'string' ? Buffer.from(v, 'latin1') : v, Buffer.from('\r\n'))
  }
  lines.push(Buffer.from('\r\n'), b)
  socket.end(Buffer.concat(lines))
}

// -------------------------------------------------------------------------------------------------
// Certificates for a name that is not the one the client dials

export interface ForeignTls {
  caPem: string
  certPem: string
  keyPem: string
}

const ALGORITHM = {name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256'} as const

/**
 * A CA and a leaf certificate valid for `dnsName` only (no IP SAN): dialled as 127.0.0.1 it is "a certificate for
 * another host". createTlsMaterial always names loopback, so this is built the same way with @peculiar/x509.
 */
export async function tlsForAnotherHost(dnsName: string): Promise<ForeignTls> {
  await import('../../src/sandbox/reflect-shim.js')
  const lib = await import('@peculiar/x509')
  lib.cryptoProvider.set(webcrypto as unknown as Crypto)
  const subtle = webcrypto.subtle
  const now = Date.now()
  const validity = {notBefore: new Date(now - 3_600_000), notAfter: new Date(now + 86_400_000)}
  const caKeys = (await subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair
  const ca = await lib.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=hostile test CA',
    ...validity,
    keys: caKeys,
    signingAlgorithm: ALGORITHM,
    extensions: [new lib.BasicConstraintsExtension(true, 0, true), new lib.KeyUsagesExtension(lib.KeyUsageFlags.keyCertSign, true)],
  })
  const leafKeys = (await subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair
  const leaf = await lib.X509CertificateGenerator.create({
    serialNumber: '02',
    subject: `CN=${dnsName}`,
    issuer: ca.subject,
    ...validity,
    publicKey: leafKeys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new lib.ExtendedKeyUsageExtension([lib.ExtendedKeyUsage.serverAuth]),
      new lib.SubjectAlternativeNameExtension([{type: 'dns', value: dnsName}]),
    ],
  })
  const keyDer = Buffer.from(await subtle.exportKey('pkcs8', leafKeys.privateKey)).toString('base64')
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${keyDer.match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n`
  return {caPem: `${ca.toString('pem')}\n`, certPem: `${leaf.toString('pem')}\n`, keyPem}
}

// -------------------------------------------------------------------------------------------------
// Peak memory of the CLI child process

/**
 * NODE_OPTIONS that make the child write its peak RSS (VmHWM, Linux) to `file` at exit: the memory bound is then a
 * measurement of the real process, not an inference from the trace.
 */
export function peakRssEnv(file: string): NodeJS.ProcessEnv {
  const js = `import {readFileSync as r, writeFileSync as w} from 'node:fs'; process.on('exit', () => { try { const m = /VmHWM:\\s+(\\d+) kB/.exec(r('/proc/self/status', 'utf8')); w(${JSON.stringify(file)}, m ? m[1] : '') } catch {} })`
  return {NODE_OPTIONS: `--import=data:text/javascript,${encodeURIComponent(js)}`}
}

/** Peak RSS in MiB, or undefined where /proc is not there (not Linux). */
export function readPeakRssMiB(file: string): number | undefined {
  try {
    const kb = Number(readFileSync(file, 'utf8'))
    return kb > 0 ? kb / 1024 : undefined
  } catch {
    return undefined
  }
}

/** A token endpoint that hands everyone this token (any scope, no credentials checked): the token spec's {token, expires_in}. */
export function tokenServerGiving(token: string): Promise<Recording> {
  return recording((req, res) => {
    res.writeHead(200, {'content-type': 'application/json'})
    res.end(JSON.stringify({token, expires_in: 300}))
  })
}

/**
 * The registry side of a Bearer registry whose token endpoint is `realm`: 401 with a challenge everywhere, modelled
 * on distribution's token auth (UNAUTHORIZED body, scope= on repository paths; test/fixtures/wire/recorded-*.json).
 */
export function bearerRegistry(realm: string, service = 'hostile'): http.RequestListener {
  return (req, res) => {
    const m = /^\/v2\/(.+)\/(manifests|blobs)\//.exec(req.url ?? '')
    const auth = req.headers.authorization
    if (auth?.startsWith('Bearer ') && m) {
      res.writeHead(200, {'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-distribution-api-version': 'registry/2.0', 'docker-content-digest': `sha256:${'0'.repeat(64)}`})
      return void res.end()
    }
    const scope = m ? `,scope="repository:${m[1]}:pull"` : ''
    res.writeHead(401, {'content-type': 'application/json', 'docker-distribution-api-version': 'registry/2.0', 'www-authenticate': `Bearer realm="${realm}",service="${service}"${scope}`})
    res.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}')
  }
}

/** A JWT-shaped string of about `bytes` characters whose claims grant pull on `repo`. */
export function bigJwt(bytes: number, repo: string): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url')
  const now = Math.floor(Date.now() / 1000)
  const claims = {iss: 'hostile', sub: 'anyone', aud: 'hostile', iat: now, nbf: now, exp: now + 300, access: [{type: 'repository', name: repo, actions: ['pull']}], pad: 'x'.repeat(Math.max(0, Math.floor((bytes * 3) / 4) - 300))}
  return `${b64({alg: 'ES256', typ: 'JWT'})}.${b64(claims)}.${'s'.repeat(86)}`
}

/** Resolves when the client has closed the connection, or after `ms`. */
export async function waitForClose(c: RawConnection, ms = 3000): Promise<void> {
  if (c.clientClosed) return
  await Promise.race([once(c.socket, 'close'), new Promise((r) => setTimeout(r, ms).unref())])
}
