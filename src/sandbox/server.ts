import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {createServer as createHttpServer, type RequestListener, type Server} from 'node:http'
import {createServer as createHttpsServer} from 'node:https'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {RegistryAuth} from './access.js'
import {createSigningCertificate, createTlsMaterial, type TlsMaterial} from './certs.js'
import {createSigningKey, type SigningKey} from './jwt-sign.js'
import {DEFAULT_PAGE_SIZE} from './listing.js'
import {hostPort, listen, type Listening} from './listen.js'
import {RegistryService} from './registry.js'
import {DEFAULT_RULES, DEFAULT_USERS} from './rules.js'
import {seedStore} from './seed.js'
import {RegistryStore} from './store.js'
import {TOKEN_PATH, TokenService} from './token-server.js'
import type {Sandbox, SandboxOptions, SandboxRule, SandboxSwitches, SandboxUser} from './types.js'

export const DEFAULT_SERVICE = 'regprobe-sandbox'
export const DEFAULT_ISSUER = 'regprobe-sandbox-issuer'
export const DEFAULT_TOKEN_TTL_SECONDS = 300
/** The Basic realm in basicOnly mode. */
export const BASIC_REALM = 'regprobe-sandbox'

function serverFor(tls: TlsMaterial | undefined, handler: RequestListener): Server {
  return tls === undefined ? createHttpServer(handler) : createHttpsServer({cert: tls.certPem, key: tls.keyPem}, handler)
}

/** The options with their defaults filled in. */
interface Settings {
  host: string
  switches: SandboxSwitches
  users: SandboxUser[]
  rules: SandboxRule[]
  service: string
  issuer: string
}

/** What close() undoes, last started first. */
class Cleanups {
  private readonly steps: Array<() => Promise<void>> = []

  add(step: () => Promise<void>): void {
    this.steps.push(step)
  }

  async runAll(): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) await step()
  }
}

/**
 * Starts the registry and, in token mode, its token server beside it, on loopback ephemeral ports by default.
 * Everything lives in memory; close() stops both servers, destroys their sockets and removes the CA file.
 */
export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const settings = withDefaults(opts)
  const key = createSigningKey()
  const [signingCertPem, tls] = await Promise.all([
    createSigningCertificate(key),
    opts.tls === true ? createTlsMaterial() : Promise.resolve(undefined),
  ])
  const store = new RegistryStore()
  if (opts.seed !== false) seedStore(store)

  const cleanups = new Cleanups()
  try {
    const {auth, tokenUrl, tokens} = await startAuth(opts, settings, key, tls, cleanups)
    const registry = new RegistryService({
      store,
      auth,
      scheme: tls === undefined ? 'http' : 'https',
      pageSize: opts.pageSize ?? DEFAULT_PAGE_SIZE,
      rateLimit: settings.switches.rateLimit === true,
    })
    const listening: Listening = await listen(serverFor(tls, registry.handle), settings.host, opts.port ?? 0)
    cleanups.add(() => listening.close())
    const caPath = tls === undefined ? undefined : await writeCaFile(tls, cleanups)

    const registryHost = hostPort(settings.host, listening.port)
    let closing: Promise<void> | undefined
    return {
      registryUrl: `${tls === undefined ? 'http' : 'https'}://${registryHost}`,
      registryHost,
      tokenUrl,
      caPem: tls?.caPem,
      caPath,
      signingCertPem,
      service: settings.service,
      issuer: settings.issuer,
      users: settings.users,
      rules: settings.rules,
      stats: () => ({
        requests: registry.requests,
        connections: listening.connections(),
        openUploads: store.openUploads,
        tokenRequests: tokens?.requests ?? 0,
      }),
      close: () => (closing ??= cleanups.runAll()),
    }
  } catch (error) {
    await cleanups.runAll()
    throw error
  }
}

function withDefaults(opts: SandboxOptions): Settings {
  return {
    host: opts.host ?? '127.0.0.1',
    switches: opts.switches ?? {},
    users: opts.users ?? DEFAULT_USERS,
    rules: opts.rules ?? DEFAULT_RULES,
    service: opts.service ?? DEFAULT_SERVICE,
    issuer: opts.issuer ?? DEFAULT_ISSUER,
  }
}

interface AuthSetup {
  auth: RegistryAuth
  /** The token server's realm URL, '' without one. */
  tokenUrl: string
  tokens?: TokenService
}

/** How the registry authenticates: open, Basic (basicOnly), or tokens from a token server started here. */
async function startAuth(opts: SandboxOptions, settings: Settings, key: SigningKey, tls: TlsMaterial | undefined, cleanups: Cleanups): Promise<AuthSetup> {
  const {switches, users, rules} = settings
  if (switches.open === true) return {auth: {kind: 'open'}, tokenUrl: ''}
  if (switches.basicOnly === true) return {auth: {kind: 'basic', realm: BASIC_REALM, users, rules}, tokenUrl: ''}
  const {host, service, issuer} = settings
  const tokens = new TokenService({key, service, issuer, ttlSeconds: opts.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS, users, rules, switches})
  const tokenTls = switches.realmPlainHttp === true ? undefined : tls
  const listening = await listen(serverFor(tokenTls, tokens.handle), host, opts.tokenPort ?? 0)
  cleanups.add(async () => {
    tokens.abort()
    await listening.close()
  })
  const scheme = tokenTls === undefined ? 'http' : 'https'
  const tokenUrl = `${scheme}://${hostPort(switches.realmHost ?? host, listening.port)}${TOKEN_PATH}`
  return {auth: {kind: 'token', realm: tokenUrl, service, issuer, key}, tokenUrl, tokens}
}

/** The CA in a file of its own, for clients that take a path; removed on close. */
async function writeCaFile(tls: TlsMaterial, cleanups: Cleanups): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'regprobe-sandbox-'))
  cleanups.add(() => rm(dir, {recursive: true, force: true}))
  const caPath = join(dir, 'ca.pem')
  await writeFile(caPath, tls.caPem)
  return caPath
}
