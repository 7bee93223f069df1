import {spawn, spawnSync, type ChildProcess} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {accessSync, constants} from 'node:fs'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {delimiter, join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'
import {createTlsMaterial} from '../../src/sandbox/certs.js'
import {DEFAULT_RULES, DEFAULT_USERS} from '../../src/sandbox/rules.js'
import {startTokenServer, type StandaloneTokenServer} from '../../src/sandbox/token-server.js'
import type {SandboxRule, SandboxSwitches, SandboxUser} from '../../src/sandbox/types.js'
import {checkServerIdentity} from '../../src/http/tls-identity.js'

/**
 * The REAL reference registry (Debian's `docker-registry`, distribution 2.8) on loopback, in the three auth modes
 * regprobe must handle, each with its own config file and storage in a temporary directory.
 */
export type DistributionMode = 'open' | 'htpasswd' | 'token'

export interface RealRegistry {
  /** 'http://127.0.0.1:PORT' (open, token) or 'https://127.0.0.1:PORT' (htpasswd). */
  url: string
  /** '127.0.0.1:PORT' */
  host: string
  mode: DistributionMode
  /** CA of the TLS certificate (htpasswd mode). */
  caPath?: string
  caPem?: string
  /** The sandbox's token server acting as this registry's issuer (token mode). */
  tokenServer?: StandaloneTokenServer
  /** auth.token.service and auth.token.issuer (token mode). */
  service?: string
  issuer?: string
  /** auth.htpasswd.realm (htpasswd mode). */
  realm?: string
  users: SandboxUser[]
  configPath: string
  logs(): string
  close(): Promise<void>
}

export interface DistributionOptions {
  users?: SandboxUser[]
  rules?: SandboxRule[]
  /** Token mode: switches of the token server (expired tokens, wrong audience, ...). */
  switches?: SandboxSwitches
  /** Listen on IPv6 loopback: docker 20.10 does not treat ::1 as insecure, so an untrusted CA shows there. */
  ipv6?: boolean
  /** Serve TLS in every mode (htpasswd always does). */
  tls?: boolean
}

export const TOKEN_SERVICE = 'regprobe-real-registry'
export const TOKEN_ISSUER = 'regprobe-sandbox-issuer'
export const HTPASSWD_REALM = 'regprobe-htpasswd'
/** The registry binds within a second; a loaded CI machine gets ample slack. */
const READY_TIMEOUT_MS = 20_000
/** Ports picked by listening on 0 can be taken by someone else before the registry binds; try again that often. */
const PORT_ATTEMPTS = 5
const STOP_TIMEOUT_MS = 5_000

/** Finds `name` on PATH. Missing tools fail the suite with the fix; they never skip it silently. */
export function requireBinary(name: string, aptPackage: string): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue
    const candidate = join(dir, name)
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // not in this directory
    }
  }
  throw new Error(`${name} not found: install it with "apt-get install -y ${aptPackage}" (bash .ci/run does this)`)
}

async function freePort(address = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, address, () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/** bcrypt entries, the only kind distribution's htpasswd mode reads. */
function htpasswdFile(users: readonly SandboxUser[]): string {
  const htpasswd = requireBinary('htpasswd', 'apache2-utils')
  return users
    .map((u) => {
      const run = spawnSync(htpasswd, ['-Bbn', u.name, u.password], {encoding: 'utf8'})
      if (run.status !== 0) throw new Error(`htpasswd failed for ${u.name}: ${run.stderr.trim()}`)
      return run.stdout.trim()
    })
    .join('\n') + '\n'
}

/** YAML accepts JSON strings, which quotes paths and URLs safely. */
const q = (value: string): string => JSON.stringify(value)

function configYaml(opts: {dir: string; addr: string; tls?: {cert: string; key: string}; auth: string[]}): string {
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

/** A test run that crashes must not leave registries behind. */
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
  const dispatcher = caPem === undefined ? undefined : new (await import('undici')).Agent({connect: {ca: caPem, checkServerIdentity}})
  const deadline = Date.now() + READY_TIMEOUT_MS
  let last: unknown
  try {
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`docker-registry exited (${child.exitCode ?? child.signalCode}) before answering:\n${logs()}`)
      }
      try {
        const res = await fetch(`${url}/v2/`, {dispatcher, signal: AbortSignal.timeout(1000)} as RequestInit)
        await res.arrayBuffer()
        return
      } catch (err) {
        last = err
        await sleep(50)
      }
    }
    const why = last instanceof Error ? `${last.message}${last.cause instanceof Error ? `: ${last.cause.message}` : ''}` : String(last)
    throw new Error(`docker-registry did not answer on ${url} within ${READY_TIMEOUT_MS} ms (last error: ${why}):\n${logs()}`)
  } finally {
    await dispatcher?.close()
  }
}

export async function startDistribution(mode: DistributionMode, opts: DistributionOptions = {}): Promise<RealRegistry> {
  const binary = requireBinary('docker-registry', 'docker-registry')
  const users = opts.users ?? DEFAULT_USERS
  const dir = await mkdtemp(join(tmpdir(), `regprobe-distribution-${mode}-`))
  let tokenServer: StandaloneTokenServer | undefined
  try {
    const auth: string[] = []
    let tls: {cert: string; key: string} | undefined
    let caPem: string | undefined
    let caPath: string | undefined
    if (mode === 'htpasswd') {
      const htpasswdPath = join(dir, 'htpasswd')
      await writeFile(htpasswdPath, htpasswdFile(users))
      auth.push('  htpasswd:', `    realm: ${q(HTPASSWD_REALM)}`, `    path: ${q(htpasswdPath)}`)
    }
    if (mode === 'htpasswd' || opts.tls) {
      // 2.8.2 would take Basic over plain HTTP too (measured); HTTPS is how such registries are deployed and what
      // docker requires before it sends a password to a non-loopback host.
      const material = await createTlsMaterial('regprobe real registry')
      tls = {cert: join(dir, 'server.crt'), key: join(dir, 'server.key')}
      caPath = join(dir, 'ca.pem')
      caPem = material.caPem
      await Promise.all([
        writeFile(tls.cert, material.certPem),
        writeFile(tls.key, material.keyPem, {mode: 0o600}),
        writeFile(caPath, material.caPem),
      ])
    }
    if (mode === 'token') {
      tokenServer = await startTokenServer({
        service: TOKEN_SERVICE,
        issuer: TOKEN_ISSUER,
        users,
        rules: opts.rules ?? DEFAULT_RULES,
        switches: opts.switches,
      })
      const bundle = join(dir, 'token-signer.pem')
      await writeFile(bundle, tokenServer.signingCertPem)
      auth.push(
        '  token:',
        `    realm: ${q(tokenServer.url)}`,
        `    service: ${q(TOKEN_SERVICE)}`,
        `    issuer: ${q(TOKEN_ISSUER)}`,
        `    rootcertbundle: ${q(bundle)}`,
      )
    }

    const configPath = join(dir, 'config.yml')
    let lastError: unknown
    for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
      const port = await freePort(opts.ipv6 ? '::1' : '127.0.0.1')
      const host = opts.ipv6 ? `[::1]:${port}` : `127.0.0.1:${port}`
      await writeFile(configPath, configYaml({dir, addr: host, tls, auth}))
      let output = ''
      const child = spawn(binary, ['serve', configPath], {cwd: dir, env: cleanEnv(dir), stdio: ['ignore', 'pipe', 'pipe']})
      trackChild(child)
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
      child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
      const url = `${tls === undefined ? 'http' : 'https'}://${host}`
      try {
        await waitReady(url, child, caPem, () => output)
      } catch (error) {
        await stop(child)
        lastError = error
        if (/address already in use/i.test(output)) continue
        throw error
      }
      const server = tokenServer
      let closing: Promise<void> | undefined
      return {
        url,
        host,
        mode,
        caPath,
        caPem,
        tokenServer: server,
        service: mode === 'token' ? TOKEN_SERVICE : undefined,
        issuer: mode === 'token' ? TOKEN_ISSUER : undefined,
        realm: mode === 'htpasswd' ? HTPASSWD_REALM : undefined,
        users,
        configPath,
        logs: () => output,
        close: () =>
          (closing ??= (async () => {
            await stop(child)
            await server?.close()
            await rm(dir, {recursive: true, force: true})
          })()),
      }
    }
    throw lastError
  } catch (error) {
    await tokenServer?.close()
    await rm(dir, {recursive: true, force: true})
    throw error
  }
}
