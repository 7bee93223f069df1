import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {createServer as createHttpServer, type RequestListener, type Server} from 'node:http'
import {createServer as createHttpsServer} from 'node:https'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {RegistryAuth} from './access.js'
import {createSigningCertificate, createTlsMaterial, type TlsMaterial} from './certs.js'
import {createSigningKey} from './jwt-sign.js'
import {DEFAULT_PAGE_SIZE} from './listing.js'
import {hostPort, listen, type Listening} from './listen.js'
import {RegistryService} from './registry.js'
import {DEFAULT_RULES, DEFAULT_USERS} from './rules.js'
import {seedStore} from './seed.js'
import {RegistryStore} from './store.js'
import {TOKEN_PATH, TokenService} from './token-server.js'
import type {Sandbox, SandboxOptions} from './types.js'

export const DEFAULT_SERVICE = 'regprobe-sandbox'
export const DEFAULT_ISSUER = 'regprobe-sandbox-issuer'
export const DEFAULT_TOKEN_TTL_SECONDS = 300
/** The Basic realm in basicOnly mode. */
export const BASIC_REALM = 'regprobe-sandbox'

function serverFor(tls: TlsMaterial | undefined, handler: RequestListener): Server {
  return tls === undefined ? createHttpServer(handler) : createHttpsServer({cert: tls.certPem, key: tls.keyPem}, handler)
}

/**
 * Starts the registry and, in token mode, its token server beside it, on loopback ephemeral ports by default.
 * Everything lives in memory; close() stops both servers, destroys their sockets and removes the CA file.
 */
export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const host = opts.host ?? '127.0.0.1'
  const switches = opts.switches ?? {}
  const users = opts.users ?? DEFAULT_USERS
  const rules = opts.rules ?? DEFAULT_RULES
  const service = opts.service ?? DEFAULT_SERVICE
  const issuer = opts.issuer ?? DEFAULT_ISSUER
  const key = createSigningKey()
  const [signingCertPem, tls] = await Promise.all([
    createSigningCertificate(key),
    opts.tls === true ? createTlsMaterial() : Promise.resolve(undefined),
  ])
  const store = new RegistryStore()
  if (opts.seed !== false) seedStore(store)

  const cleanups: Array<() => Promise<void>> = []
  const closeAll = async (): Promise<void> => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  }
  try {
    let auth: RegistryAuth = {kind: 'open'}
    let tokenUrl = ''
    let tokens: TokenService | undefined
    if (switches.open === true) {
      auth = {kind: 'open'}
    } else if (switches.basicOnly === true) {
      auth = {kind: 'basic', realm: BASIC_REALM, users, rules}
    } else {
      const tokenService = new TokenService({
        key,
        service,
        issuer,
        ttlSeconds: opts.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS,
        users,
        rules,
        switches,
      })
      tokens = tokenService
      const tokenTls = switches.realmPlainHttp === true ? undefined : tls
      const listening = await listen(serverFor(tokenTls, tokenService.handle), host, opts.tokenPort ?? 0)
      cleanups.push(async () => {
        tokenService.abort()
        await listening.close()
      })
      const scheme = tokenTls === undefined ? 'http' : 'https'
      tokenUrl = `${scheme}://${hostPort(switches.realmHost ?? host, listening.port)}${TOKEN_PATH}`
      auth = {kind: 'token', realm: tokenUrl, service, issuer, key}
    }

    const registry = new RegistryService({
      store,
      auth,
      scheme: tls === undefined ? 'http' : 'https',
      pageSize: opts.pageSize ?? DEFAULT_PAGE_SIZE,
      rateLimit: switches.rateLimit === true,
    })
    const listening: Listening = await listen(serverFor(tls, registry.handle), host, opts.port ?? 0)
    cleanups.push(() => listening.close())

    let caPath: string | undefined
    if (tls !== undefined) {
      const dir = await mkdtemp(join(tmpdir(), 'regprobe-sandbox-'))
      cleanups.push(() => rm(dir, {recursive: true, force: true}))
      caPath = join(dir, 'ca.pem')
      await writeFile(caPath, tls.caPem)
    }

    const registryHost = hostPort(host, listening.port)
    let closing: Promise<void> | undefined
    return {
      registryUrl: `${tls === undefined ? 'http' : 'https'}://${registryHost}`,
      registryHost,
      tokenUrl,
      caPem: tls?.caPem,
      caPath,
      signingCertPem,
      service,
      issuer,
      users,
      rules,
      stats: () => ({
        requests: registry.requests,
        connections: listening.connections(),
        openUploads: store.openUploads,
        tokenRequests: tokens?.requests ?? 0,
      }),
      close: () => (closing ??= closeAll()),
    }
  } catch (error) {
    await closeAll()
    throw error
  }
}
