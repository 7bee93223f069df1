import {unbracket} from './hosts.js'

/**
 * Which proxy a request would take, and why: the same variables undici's EnvHttpProxyAgent reads
 * (lower case first, as curl and Go do), so the trace can say "HTTPS_PROXY=… chosen" or "NO_PROXY matched .corp".
 * Pure: takes the environment as an argument.
 */
export interface ProxyChoice {
  proxy?: {url: string; from: string}
  /** The NO_PROXY entry that excluded this host, when one did. */
  noProxyMatch?: {entry: string; from: string}
}

function pick(env: NodeJS.ProcessEnv, ...names: string[]): {value: string; from: string} | undefined {
  for (const n of names) {
    const v = env[n]
    if (v !== undefined && v !== '') return {value: v, from: n}
  }
  return undefined
}

export function hasProxyEnv(env: NodeJS.ProcessEnv): boolean {
  return pick(env, 'http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY') !== undefined
}

export function proxyFor(url: string, env: NodeJS.ProcessEnv): ProxyChoice {
  const u = new URL(url)
  const proxy = u.protocol === 'https:' ? pick(env, 'https_proxy', 'HTTPS_PROXY') : pick(env, 'http_proxy', 'HTTP_PROXY')
  if (!proxy) return {}
  const noProxy = pick(env, 'no_proxy', 'NO_PROXY')
  if (noProxy) {
    const host = unbracket(u.hostname).toLowerCase()
    const port = u.port || (u.protocol === 'https:' ? '443' : '80')
    for (const raw of noProxy.value.split(/[,\s]+/).filter(Boolean)) {
      const entry = raw.toLowerCase()
      if (entry === '*') return {noProxyMatch: {entry: raw, from: noProxy.from}}
      const [eHost, ePort] = splitHostPort(entry)
      if (ePort && ePort !== port) continue
      const bare = eHost.replace(/^\*?\./, '')
      if (host === bare || host.endsWith(`.${bare}`)) return {noProxyMatch: {entry: raw, from: noProxy.from}}
    }
  }
  return {proxy: {url: redactProxyUrl(proxy.value), from: proxy.from}}
}

function splitHostPort(entry: string): [string, string | undefined] {
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(entry)
  if (!m) return [entry, undefined]
  return [unbracket(m[1]!), m[2]]
}

/** Proxy URLs may carry user:password. */
export function redactProxyUrl(value: string): string {
  try {
    const u = new URL(value.includes('://') ? value : `http://${value}`)
    if (u.password) u.password = 'REDACTED'
    return u.toString()
  } catch {
    return value.replace(/\/\/[^@/]*@/, '//REDACTED@')
  }
}
