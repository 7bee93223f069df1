import {spawn, type ChildProcess} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'
import {checkServerIdentity} from '../../src/http/tls-identity.js'
import {plainRequest} from './plain-request.js'

/**
 * The real distribution registry (Debian's `docker-registry`), started from a temporary config on a loopback port.
 * launchDistribution runs the process both for the recorder (`npm run record -- --distribution`, which must need
 * nothing from test/) and for the tests' harness, test/helpers/distribution.ts, which builds its auth and TLS around it.
 */
export interface RunningDistribution {
  url: string
  host: string
  close(): Promise<void>
}

export interface LaunchedDistribution extends RunningDistribution {
  configPath: string
  /** Everything the registry wrote to stdout and stderr so far. */
  logs(): string
}

export interface LaunchOptions {
  /** Path (or PATH name) of the docker-registry binary. */
  binary: string
  /** The caller's temporary directory: the config and the storage go there; the caller removes it after close(). */
  dir: string
  /** Paths of the server certificate and key, and the CA that signed them (to know when the registry is ready). */
  tls?: {cert: string; key: string; caPem: string}
  /** The YAML lines under `auth:`, indented by two spaces; none for an open registry. */
  auth: string[]
  /** Listen on ::1 instead of 127.0.0.1. */
  ipv6?: boolean
}

/** The registry binds within a second; a loaded CI machine gets ample slack. */
const READY_TIMEOUT_MS = 20_000
/** Ports picked by listening on 0 can be taken by someone else before the registry binds; try again that often. */
const PORT_ATTEMPTS = 5
const STOP_TIMEOUT_MS = 5_000

/** YAML accepts JSON strings, which quotes paths and URLs safely. */
const q = (value: string): string => JSON.stringify(value)

export async function launchDistribution(opts: LaunchOptions): Promise<LaunchedDistribution> {
  const configPath = join(opts.dir, 'config.yml')
  let lastError: unknown
  for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
    const port = await freePort(opts.ipv6 ? '::1' : '127.0.0.1')
    const host = opts.ipv6 ? `[::1]:${port}` : `127.0.0.1:${port}`
    await writeFile(configPath, configYaml({dir: opts.dir, addr: host, tls: opts.tls, auth: opts.auth}))
    let output = ''
    const child = spawn(opts.binary, ['serve', configPath], {cwd: opts.dir, env: cleanEnv(opts.dir), stdio: ['ignore', 'pipe', 'pipe']})
    trackChild(child)
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
    const url = `${opts.tls === undefined ? 'http' : 'https'}://${host}`
    try {
      await waitReady(url, child, opts.tls?.caPem, () => output)
    } catch (error) {
      await stop(child)
      lastError = error
      if (/address already in use/i.test(output)) continue
      throw error
    }
    return {url, host, configPath, logs: () => output, close: () => stop(child)}
  }
  throw lastError
}

async function freePort(address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, address, () => {
      const bound = server.address()
      const port = typeof bound === 'object' && bound !== null ? bound.port : 0
      server.close(() => resolve(port))
    })
  })
}

/** The registry's config.yml (exported for tests that run it elsewhere, e.g. inside a network namespace). */
export function configYaml(opts: {dir: string; addr: string; tls?: {cert: string; key: string}; auth: string[]}): string {
  return [
    'version: 0.1',
    'log:',
    '  level: info',
    '  formatter: text',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${q(join(opts.dir, 'data'))}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: ${q(opts.addr)}`,
    `  secret: ${q(randomBytes(16).toString('hex'))}`,
    ...(opts.tls === undefined ? [] : ['  tls:', `    certificate: ${q(opts.tls.cert)}`, `    key: ${q(opts.tls.key)}`]),
    ...(opts.auth.length === 0 ? [] : ['auth:', ...opts.auth]),
    '',
  ].join('\n')
}

/** The registry reads REGISTRY_* variables as config overrides; none from the caller's shell may leak in. */
function cleanEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('REGISTRY_')) env[key] = value
  env.HOME = home
  return env
}

const running = new Set<ChildProcess>()
let exitHookInstalled = false

/** A run that crashes must not leave registries behind. */
function trackChild(child: ChildProcess): void {
  running.add(child)
  child.once('exit', () => running.delete(child))
  if (!exitHookInstalled) {
    exitHookInstalled = true
    process.once('exit', () => {
      for (const c of running) c.kill('SIGKILL')
    })
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS)
  await exited
  clearTimeout(timer)
}

/** Polls /v2/ until the registry answers anything over HTTP (200 or 401), or fails with its log. */
async function waitReady(url: string, child: ChildProcess, caPem: string | undefined, logs: () => string): Promise<void> {
  // regprobe's own identity check: on Node 22.23 Node's rejects an IPv6 host against its IP SAN (src/http/tls-identity.ts).
  const trust = caPem === undefined ? {} : {ca: caPem, checkServerIdentity}
  const deadline = Date.now() + READY_TIMEOUT_MS
  let last: unknown
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`docker-registry exited (${child.exitCode ?? child.signalCode}) before answering:\n${logs()}`)
    }
    try {
      await plainRequest(`${url}/v2/`, {...trust, timeoutMs: 1000})
      return
    } catch (err) {
      last = err
      await sleep(50)
    }
  }
  const why = last instanceof Error ? `${last.message}${last.cause instanceof Error ? `: ${last.cause.message}` : ''}` : String(last)
  throw new Error(`docker-registry did not answer on ${url} within ${READY_TIMEOUT_MS} ms (last error: ${why}):\n${logs()}`)
}

export interface DistributionAuth {
  /** Token mode: the realm, service, issuer and the PEM of the certificate that signs the tokens. */
  token?: {realm: string; service: string; issuer: string; signingCertPem: string}
  /** htpasswd mode: the realm and bcrypt htpasswd lines (`htpasswd -Bbn USER PASSWORD`). */
  htpasswd?: {realm: string; lines: string}
}

export interface DistributionOptions extends DistributionAuth {
  binary?: string
}

/** The recorder's registry: open, htpasswd or token mode, over plain HTTP on 127.0.0.1. */
export async function startDistribution(opts: DistributionOptions = {}): Promise<RunningDistribution> {
  const dir = await mkdtemp(join(tmpdir(), 'regprobe-record-'))
  try {
    const registry = await launchDistribution({binary: opts.binary ?? 'docker-registry', dir, auth: await writeAuth(dir, opts)})
    return {
      url: registry.url,
      host: registry.host,
      close: async () => {
        await registry.close()
        await rm(dir, {recursive: true, force: true})
      },
    }
  } catch (error) {
    await rm(dir, {recursive: true, force: true})
    throw error
  }
}

/** Writes the files the auth section points at (token signer or htpasswd) into `dir`; returns the lines under `auth:`. */
export async function writeAuth(dir: string, auth: DistributionAuth): Promise<string[]> {
  if (auth.token) {
    const bundle = join(dir, 'token-signer.pem')
    await writeFile(bundle, auth.token.signingCertPem)
    const {realm, service, issuer} = auth.token
    return ['  token:', `    realm: ${q(realm)}`, `    service: ${q(service)}`, `    issuer: ${q(issuer)}`, `    rootcertbundle: ${q(bundle)}`]
  }
  if (auth.htpasswd) {
    const file = join(dir, 'htpasswd')
    await writeFile(file, auth.htpasswd.lines)
    return ['  htpasswd:', `    realm: ${q(auth.htpasswd.realm)}`, `    path: ${q(file)}`]
  }
  return []
}

/** Pushes one small image with plain fetch (not recorded): a fixture of a pull needs something to pull. */
export async function pushImage(baseUrl: string, repository: string, tag: string, image: {manifest: Buffer; config: Buffer; layer: Buffer; mediaType: string}, authorization?: string): Promise<void> {
  const auth: Record<string, string> = authorization ? {authorization} : {}
  const {createHash} = await import('node:crypto')
  for (const blob of [image.config, image.layer]) {
    const digest = `sha256:${createHash('sha256').update(blob).digest('hex')}`
    const start = await fetch(`${baseUrl}/v2/${repository}/blobs/uploads/`, {method: 'POST', headers: auth})
    await start.arrayBuffer()
    if (start.status !== 202) throw new Error(`blob upload start: ${start.status}`)
    const loc = new URL(start.headers.get('location')!, baseUrl)
    loc.searchParams.set('digest', digest)
    const put = await fetch(loc, {method: 'PUT', headers: {...auth, 'content-type': 'application/octet-stream'}, body: new Uint8Array(blob)})
    await put.arrayBuffer()
    if (put.status !== 201) throw new Error(`blob upload: ${put.status}`)
  }
  const m = await fetch(`${baseUrl}/v2/${repository}/manifests/${tag}`, {method: 'PUT', headers: {...auth, 'content-type': image.mediaType}, body: new Uint8Array(image.manifest)})
  await m.arrayBuffer()
  if (m.status !== 201) throw new Error(`manifest put: ${m.status} ${await m.text().catch(() => '')}`)
}
