import {BlockList, isIP} from 'node:net'
import {domainToASCII} from 'node:url'
import {isLoopbackHost} from '../registry-address.js'
import {unbracket} from './hosts.js'

/**
 * Which proxy a request takes, and why, by Go's rules (golang.org/x/net/http/httpproxy, what docker, skopeo and
 * containerd use): HTTPS_PROXY for https and HTTP_PROXY for http, upper case read before lower case; a value without
 * a scheme is http://; localhost and loopback addresses never go through a proxy; NO_PROXY takes `*`, a domain (itself
 * and its subdomains), `.domain` and `*.domain` (subdomains only), host:port, IP addresses and CIDRs.
 * Pure: takes the environment as an argument.
 */
export interface ProxyChoice {
  /** For output: the proxy URL with any password redacted, and the variable it came from. */
  proxy?: {url: string; from: string}
  /** The NO_PROXY entry that excluded this host, when one did. */
  noProxyMatch?: {entry: string; from: string}
  /** The proxy URL as configured (credentials included), for the transport only. */
  proxyUrl?: string
  /** A proxy variable applies, but the host is loopback or localhost, which Go never proxies. */
  loopback?: boolean
}

function pick(env: NodeJS.ProcessEnv, ...names: string[]): {value: string; from: string} | undefined {
  for (const n of names) {
    const v = env[n]
    if (v !== undefined && v !== '') return {value: v, from: n}
  }
  return undefined
}

export function hasProxyEnv(env: NodeJS.ProcessEnv): boolean {
  return pick(env, 'HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy') !== undefined
}

export function proxyFor(url: string, env: NodeJS.ProcessEnv): ProxyChoice {
  const u = new URL(url)
  const proxy = u.protocol === 'https:' ? pick(env, 'HTTPS_PROXY', 'https_proxy') : u.protocol === 'http:' ? pick(env, 'HTTP_PROXY', 'http_proxy') : undefined
  if (!proxy) return {}
  const host = unbracket(u.hostname).toLowerCase()
  const port = u.port || (u.protocol === 'https:' ? '443' : '80')
  // Go tests loopback first; the outcome is the same (direct), and a NO_PROXY entry that also matches is the more
  // useful thing to show.
  const noProxy = pick(env, 'NO_PROXY', 'no_proxy')
  const entry = noProxy && noProxyMatch(host, port, noProxy.value)
  if (entry) return {noProxyMatch: {entry, from: noProxy.from}}
  if (host === 'localhost' || isLoopback(host)) return {loopback: true}
  const proxyUrl = normalizeProxyUrl(proxy.value)
  // Redacted before it is normalised: Go's retry with http:// in front puts socks5h://u:pw@h's password in a path.
  return {proxy: {url: normalizeProxyUrl(redactProxyUrl(proxy.value)), from: proxy.from}, proxyUrl}
}

/** Go's parseProxy: a value that does not parse as an http, https or socks5 URL is tried again with http:// in front. */
export function normalizeProxyUrl(value: string): string {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value)?.[1]?.toLowerCase()
  if (scheme === 'http' || scheme === 'https' || scheme === 'socks5') return value
  try {
    new URL(`http://${value}`)
    return `http://${value}`
  } catch {
    return value
  }
}

/** Go's useProxy: localhost and loopback IPs (net.IP.IsLoopback, so IPv4-mapped ::ffff:127.x too) go direct. */
export function isLoopback(host: string): boolean {
  return isLoopbackHost(host)
}

/** The NO_PROXY entry that sends host:port direct, as Go's useProxy decides (loopback aside), or undefined. */
export function noProxyMatch(host: string, port: string, noProxy: string): string | undefined {
  const family = isIP(host)
  const asciiHost = family ? host : domainToASCII(host) || host
  for (const raw of noProxy.split(',')) {
    const entry = raw.trim().toLowerCase()
    if (!entry) continue
    if (entry === '*') return raw.trim()
    if (entry.includes('/')) {
      if (family && inCidr(host, family, entry)) return raw.trim()
      continue
    }
    const [eHost, ePort] = splitHostPort(entry)
    if (!eHost) continue
    if (isIP(eHost)) {
      if (family && sameIp(eHost, host) && (!ePort || ePort === port)) return raw.trim()
      continue
    }
    const dotted = eHost.startsWith('*.') ? eHost.slice(1) : eHost
    const suffix = domainToASCII(dotted.startsWith('.') ? dotted.slice(1) : dotted) || dotted.replace(/^\./, '')
    const matchesHost = !dotted.startsWith('.') && asciiHost === suffix
    if ((asciiHost.endsWith(`.${suffix}`) || matchesHost) && (!ePort || ePort === port)) return raw.trim()
  }
  return undefined
}

function sameIp(a: string, b: string): boolean {
  if (isIP(a) !== isIP(b)) return false
  return isIP(a) === 6 ? new URL(`http://[${a}]/`).hostname === new URL(`http://[${b}]/`).hostname : a === b
}

function inCidr(host: string, family: number, cidr: string): boolean {
  const [net, bits] = cidr.split('/')
  const netFamily = isIP(net ?? '')
  if (netFamily !== family || !/^\d{1,3}$/.test(bits ?? '')) return false
  const list = new BlockList()
  try {
    list.addSubnet(net!, Number(bits), family === 6 ? 'ipv6' : 'ipv4')
  } catch {
    return false
  }
  return list.check(host, family === 6 ? 'ipv6' : 'ipv4')
}

/** Go's net.SplitHostPort, forgiving: "host", "host:port", "[v6]:port", or a bare IPv6 address. */
function splitHostPort(entry: string): [string, string | undefined] {
  if (isIP(entry) === 6) return [entry, undefined]
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(entry)
  if (!m) return [unbracket(entry), undefined]
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
