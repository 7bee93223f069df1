import {RegprobeError} from '../errors.js'
import {ExitCode} from '../trace/types.js'
import type {DaemonEndpoint} from './endpoint.js'
import {daemonRequest} from './transport.js'

/**
 * The daemon's registry view from `GET /info` (Engine API `SystemInfo`): the settings `docker login/pull/push`
 * actually use, which may differ from this shell's.
 */
export interface IndexConfig {
  Name: string
  Mirrors: string[]
  Secure: boolean
  Official: boolean
}

export interface DaemonInfo {
  indexServerAddress?: string
  insecureRegistryCIDRs: string[]
  indexConfigs: Record<string, IndexConfig>
  mirrors: string[]
  /** The daemon masks a proxy password itself (`xxxxx`). */
  httpProxy?: string
  httpsProxy?: string
  noProxy?: string
  serverVersion?: string
  raw?: unknown
}

export async function fetchDaemonInfo(ep: DaemonEndpoint, timeoutMs: number): Promise<DaemonInfo> {
  const res = await daemonRequest(ep, {method: 'GET', path: '/info', timeoutMs})
  if (res.status !== 200) {
    const dockerish = res.headers.has('api-version') || /^Docker\//.test(res.headers.get('server') ?? '')
    const said = (res.json as {message?: unknown} | undefined)?.message
    throw new RegprobeError(
      dockerish
        ? `the Docker daemon at ${ep.host} answered GET /info with ${res.status}${typeof said === 'string' ? `: ${said}` : ''}`
        : `${ep.host} answered GET /info with ${res.status}: this does not look like a Docker daemon`,
      {exitCode: ExitCode.PROTOCOL, code: 'daemon.bad-response'},
    )
  }
  return parseDaemonInfo(res.json)
}

/** Pure and lenient: older daemons lack fields, and a missing list means an empty one. */
export function parseDaemonInfo(raw: unknown): DaemonInfo {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new RegprobeError('the answer to GET /info is not a JSON object: this does not look like a Docker daemon', {
      exitCode: ExitCode.PROTOCOL,
      code: 'daemon.bad-response',
    })
  }
  const r = raw as Record<string, unknown>
  const reg = (isObject(r.RegistryConfig) ? r.RegistryConfig : {}) as Record<string, unknown>
  const indexConfigs: Record<string, IndexConfig> = {}
  if (isObject(reg.IndexConfigs)) {
    for (const [key, v] of Object.entries(reg.IndexConfigs)) {
      if (!isObject(v)) continue
      indexConfigs[key] = {
        Name: typeof v.Name === 'string' ? v.Name : key,
        Mirrors: strings(v.Mirrors),
        // Absent means secure: the daemon only ever relaxes TLS for registries it lists.
        Secure: v.Secure !== false,
        Official: v.Official === true,
      }
    }
  }
  return {
    indexServerAddress: text(r.IndexServerAddress),
    insecureRegistryCIDRs: strings(reg.InsecureRegistryCIDRs),
    indexConfigs,
    mirrors: strings(reg.Mirrors),
    httpProxy: maskProxy(text(r.HttpProxy)),
    httpsProxy: maskProxy(text(r.HttpsProxy)),
    noProxy: text(r.NoProxy),
    serverVersion: text(r.ServerVersion),
    raw: {...r, HttpProxy: maskProxy(text(r.HttpProxy)) ?? '', HttpsProxy: maskProxy(text(r.HttpsProxy)) ?? ''},
  }
}

/** Daemons since 1.13 mask the password themselves; older ones and proxies in front of the API may not. */
function maskProxy(v: string | undefined): string | undefined {
  return v?.replace(/^((?:[a-z][a-z0-9+.-]*:)?\/\/)?([^:@/]*):[^@/]*@/i, '$1$2:xxxxx@')
}

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v)
}
function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : []
}
function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined
}
