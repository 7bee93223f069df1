import {existsSync, readdirSync} from 'node:fs'
import {join} from 'node:path'
import {proxyFor} from '../http/proxy.js'
import {dockerCertsRoot} from '../hostview/paths.js'
import {ExitCode, type Finding} from '../trace/types.js'
import {daemonProxyFor} from './daemon-proxy.js'
import type {DaemonInfo} from './info.js'
import {daemonSecurity} from './secure-index.js'

/**
 * Where the daemon's view of registries differs from this shell's: the gap behind "it works with curl but not with
 * docker" (or the reverse). The daemon does the registry work of `docker login/pull/push` with its own proxy, CA
 * files and insecure list.
 */
export interface RegistryFacts {
  /** As docker names it, with the port: the IndexConfigs key and the certs.d directory name (`127.0.0.1:5000`). */
  host: string
  hostname: string
  speaksPlainHttp?: boolean
  usesCustomCa?: boolean
  /** The host name's addresses, when known, for the insecure-CIDR check (the check does not resolve names). */
  addresses?: string[]
}

/** A root daemon's; REGPROBE_ETC or REGPROBE_DOCKER_CERTS_D move it (src/hostview/paths.ts). */
export const DEFAULT_CERTS_DIR = '/etc/docker/certs.d'
const DAEMON_PROXY_FIX =
  'set the proxy for dockerd itself, not the shell: a systemd drop-in /etc/systemd/system/docker.service.d/http-proxy.conf '
  + 'with Environment="HTTPS_PROXY=…" "HTTP_PROXY=…" "NO_PROXY=…" (or "proxies" in /etc/docker/daemon.json, Docker ≥ 23), then restart docker'
const HUB_NAMES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com'])

export function compareDaemonWithShell(
  info: DaemonInfo,
  shellEnv: NodeJS.ProcessEnv,
  registry?: RegistryFacts,
  certsDirRoot: string = dockerCertsRoot(shellEnv, false),
): Finding[] {
  const findings = proxyFindings(info, shellEnv, registry)
  if (registry) {
    findings.push(...trustFindings(info, registry, certsDirRoot))
    if (HUB_NAMES.has(registry.hostname.toLowerCase()) && info.mirrors.length > 0) {
      findings.push({
        code: 'daemon.mirror.configured',
        severity: 'info',
        message: `the daemon pulls Docker Hub images through ${info.mirrors.join(', ')} first; logins and pushes still go to Docker Hub`,
      })
    }
  }
  return findings
}

function proxyFindings(info: DaemonInfo, env: NodeJS.ProcessEnv, registry?: RegistryFacts): Finding[] {
  const out: Finding[] = []
  // With a registry, what matters is the route its requests take; other differences are only worth a note.
  if (registry) {
    const url = `${registry.speaksPlainHttp ? 'http' : 'https'}://${registry.host}/v2/`
    const shell = proxyFor(url, env)
    const daemon = daemonProxyFor(url, info)
    const shellVia = shell.proxy?.url
    const why = daemon.bypass === 'loopback'
      ? ' (the daemon never proxies loopback addresses)'
      : daemon.bypass ? ` (the daemon's NO_PROXY entry "${daemon.bypass.noProxy}" matches)` : ''
    if (shellVia && !daemon.proxy) {
      out.push({
        code: 'daemon.proxy.shell-only', severity: 'warn', evidence: shell.proxy!.from,
        message: `this shell reaches ${registry.host} through the proxy ${shellVia} (${shell.proxy!.from}); the daemon connects directly${why}`,
        fix: daemon.bypass ? `if ${registry.host} is only reachable through the proxy, remove it from the daemon's NO_PROXY` : DAEMON_PROXY_FIX,
      })
    } else if (!shellVia && daemon.proxy) {
      out.push({
        code: 'daemon.proxy.daemon-only', severity: 'warn', evidence: 'daemon',
        message: `the daemon reaches ${registry.host} through the proxy ${daemon.proxy}; this shell connects directly`
          + (shell.noProxyMatch ? ` (NO_PROXY entry "${shell.noProxyMatch.entry}" here)` : ''),
        fix: `if ${registry.host} is an internal registry, add it to the daemon's NO_PROXY and restart docker`,
      })
    } else if (shellVia && daemon.proxy && sameProxy(shellVia, daemon.proxy) === false) {
      out.push({
        code: 'daemon.proxy.different', severity: 'warn', evidence: shell.proxy!.from,
        message: `this shell reaches ${registry.host} through ${shellVia}, the daemon through ${daemon.proxy}`,
        fix: DAEMON_PROXY_FIX,
      })
    }
    if (out.length > 0) return out
  }
  const severity = registry ? 'info' : 'warn'
  const tail = registry ? ` (it does not change the route to ${registry.host})` : ''
  for (const [label, shellVal, daemonVal] of [
    ['HTTPS_PROXY', pick(env, 'https_proxy', 'HTTPS_PROXY'), info.httpsProxy],
    ['HTTP_PROXY', pick(env, 'http_proxy', 'HTTP_PROXY'), info.httpProxy],
  ] as const) {
    if (shellVal && !daemonVal) {
      out.push({code: 'daemon.proxy.shell-only', severity, evidence: label,
        message: `${label} is set in this shell but not in the daemon: docker pulls and logins go direct${tail}`, fix: registry ? undefined : DAEMON_PROXY_FIX})
    } else if (!shellVal && daemonVal) {
      out.push({code: 'daemon.proxy.daemon-only', severity, evidence: label,
        message: `the daemon uses ${label}=${daemonVal}, this shell has none: curl and regprobe go direct where docker goes through the proxy${tail}`,
        fix: registry ? undefined : `to test the route docker takes, run regprobe with ${label} set to the daemon's proxy; keep internal registries in the daemon's NO_PROXY`})
    } else if (shellVal && daemonVal && sameProxy(shellVal, daemonVal) === false) {
      out.push({code: 'daemon.proxy.different', severity, evidence: label,
        message: `${label} differs: ${redactUserinfo(shellVal)} in this shell, ${daemonVal} in the daemon${tail}`, fix: registry ? undefined : DAEMON_PROXY_FIX})
    }
  }
  return out
}

function trustFindings(info: DaemonInfo, registry: RegistryFacts, certsDirRoot: string): Finding[] {
  const out: Finding[] = []
  const sec = daemonSecurity(info, registry.host, registry.hostname, registry.addresses)
  const basis = sec.basis === 'index' ? `it is listed in insecure-registries` : sec.basis === 'cidr' ? `its address is in the insecure range ${sec.match}` : ''
  if (registry.speaksPlainHttp && !sec.insecure) {
    const unsure = sec.basis === 'unresolved'
      ? ` (unless ${registry.hostname} resolves into ${info.insecureRegistryCIDRs.join(', ')})`
      : ''
    out.push({
      code: 'daemon.insecure.missing',
      severity: sec.basis === 'unresolved' ? 'warn' : 'error',
      exitCode: ExitCode.TLS,
      evidence: 'RegistryConfig',
      message: `${registry.host} speaks plain HTTP, but the daemon does not treat it as an insecure registry${unsure}: `
        + 'docker will try only https:// and fail with "http: server gave HTTP response to HTTPS client"',
      fix: `add "insecure-registries": ["${registry.host}"] to /etc/docker/daemon.json (or dockerd --insecure-registry ${registry.host}) and restart docker`,
    })
  }
  if (registry.usesCustomCa) {
    if (sec.insecure) {
      out.push({
        code: 'daemon.ca.not-verified',
        severity: 'info',
        evidence: 'RegistryConfig',
        message: `the daemon treats ${registry.host} as insecure (${basis}), so it does not verify its certificate: `
          + 'docker accepts it with any CA, while curl and regprobe need the CA',
      })
    } else if (!hasCaFile(certsDirRoot, registry.host)) {
      out.push({
        code: 'daemon.ca.missing',
        severity: 'error',
        exitCode: ExitCode.TLS,
        evidence: join(certsDirRoot, registry.host),
        message: `${registry.host} uses a private CA, but the daemon trusts only the system store and ${join(certsDirRoot, registry.host)}/*.crt, `
          + 'which holds none: docker will fail with "x509: certificate signed by unknown authority"',
        fix: `on the daemon's machine: mkdir -p '${join(certsDirRoot, registry.host)}' && cp ca.pem '${join(certsDirRoot, registry.host, 'ca.crt')}' (read on every request, no restart)`,
      })
    }
  }
  return out
}

/** moby loads every `*.crt` in certs.d/<host>/ as a CA (registry.ReadCertsDirectory); `.cert`/`.key` are client pairs. */
function hasCaFile(root: string, host: string): boolean {
  const dir = join(root, host)
  if (!existsSync(dir)) return false
  try {
    return readdirSync(dir).some((f) => f.endsWith('.crt'))
  } catch {
    return false
  }
}

function pick(env: NodeJS.ProcessEnv, ...names: string[]): string | undefined {
  for (const n of names) if (env[n]) return env[n]
  return undefined
}

/** Compares scheme, host and port only: the daemon masks the password (`xxxxx`), so user info cannot be compared. */
function sameProxy(a: string, b: string): boolean | undefined {
  const ka = proxyKey(a)
  const kb = proxyKey(b)
  return ka === undefined || kb === undefined ? undefined : ka === kb
}

function proxyKey(value: string): string | undefined {
  try {
    const u = new URL(value.includes('://') ? value : `http://${value}`)
    return `${u.protocol}//${u.hostname.toLowerCase()}:${u.port || (u.protocol === 'https:' ? '443' : '80')}`
  } catch {
    return undefined
  }
}

function redactUserinfo(value: string): string {
  return value.replace(/^((?:[a-z][a-z0-9+.-]*:)?\/\/)?([^:@/]*):[^@/]*@/i, '$1$2:REDACTED@')
}
