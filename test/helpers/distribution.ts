import {spawnSync} from 'node:child_process'
import {accessSync, constants} from 'node:fs'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {delimiter, join} from 'node:path'
import {launchDistribution, writeAuth} from '../../tools/record/distribution.js'
import {createTlsMaterial} from '../../src/sandbox/certs.js'
import {DEFAULT_RULES, DEFAULT_USERS} from '../../src/sandbox/rules.js'
import {startTokenServer, type StandaloneTokenServer} from '../../src/sandbox/token-server.js'
import type {SandboxRule, SandboxSwitches, SandboxUser} from '../../src/sandbox/types.js'

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

/** bcrypt entries, the only kind distribution's htpasswd mode reads. */
export function htpasswdFile(users: readonly SandboxUser[]): string {
  const htpasswd = requireBinary('htpasswd', 'apache2-utils')
  return users
    .map((u) => {
      const run = spawnSync(htpasswd, ['-Bbn', u.name, u.password], {encoding: 'utf8'})
      if (run.status !== 0) throw new Error(`htpasswd failed for ${u.name}: ${run.stderr.trim()}`)
      return run.stdout.trim()
    })
    .join('\n') + '\n'
}

/** TLS material in `dir`: the server's certificate and key, and the CA that signed them. */
async function writeTls(dir: string): Promise<{cert: string; key: string; caPath: string; caPem: string}> {
  const material = await createTlsMaterial('regprobe real registry')
  const tls = {cert: join(dir, 'server.crt'), key: join(dir, 'server.key'), caPath: join(dir, 'ca.pem'), caPem: material.caPem}
  await Promise.all([
    writeFile(tls.cert, material.certPem),
    writeFile(tls.key, material.keyPem, {mode: 0o600}),
    writeFile(tls.caPath, material.caPem),
  ])
  return tls
}

export async function startDistribution(mode: DistributionMode, opts: DistributionOptions = {}): Promise<RealRegistry> {
  const binary = requireBinary('docker-registry', 'docker-registry')
  const users = opts.users ?? DEFAULT_USERS
  const dir = await mkdtemp(join(tmpdir(), `regprobe-distribution-${mode}-`))
  let tokenServer: StandaloneTokenServer | undefined
  try {
    // 2.8.2 would take Basic over plain HTTP too (measured); HTTPS is how such registries are deployed and what
    // docker requires before it sends a password to a non-loopback host.
    const tls = mode === 'htpasswd' || opts.tls ? await writeTls(dir) : undefined
    if (mode === 'token') {
      tokenServer = await startTokenServer({
        service: TOKEN_SERVICE,
        issuer: TOKEN_ISSUER,
        users,
        rules: opts.rules ?? DEFAULT_RULES,
        switches: opts.switches,
      })
    }
    const auth = await writeAuth(dir, {
      htpasswd: mode === 'htpasswd' ? {realm: HTPASSWD_REALM, lines: htpasswdFile(users)} : undefined,
      token: tokenServer && {realm: tokenServer.url, service: TOKEN_SERVICE, issuer: TOKEN_ISSUER, signingCertPem: tokenServer.signingCertPem},
    })
    const registry = await launchDistribution({binary, dir, tls, auth, ipv6: opts.ipv6})
    let closing: Promise<void> | undefined
    return {
      url: registry.url,
      host: registry.host,
      mode,
      caPath: tls?.caPath,
      caPem: tls?.caPem,
      tokenServer,
      service: mode === 'token' ? TOKEN_SERVICE : undefined,
      issuer: mode === 'token' ? TOKEN_ISSUER : undefined,
      realm: mode === 'htpasswd' ? HTPASSWD_REALM : undefined,
      users,
      configPath: registry.configPath,
      logs: registry.logs,
      close: () =>
        (closing ??= (async () => {
          await registry.close()
          await tokenServer?.close()
          await rm(dir, {recursive: true, force: true})
        })()),
    }
  } catch (error) {
    await tokenServer?.close()
    await rm(dir, {recursive: true, force: true})
    throw error
  }
}
