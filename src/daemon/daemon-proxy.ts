import {BlockList, isIP} from 'node:net'
import type {DaemonInfo} from './info.js'
import {unbracket} from '../http/hosts.js'

/**
 * Which proxy the daemon uses for a registry URL, by Go's rules (golang.org/x/net/http/httpproxy `useProxy`), which
 * differ from curl's and undici's: localhost and loopback addresses are never proxied, NO_PROXY takes CIDRs, and
 * `foo.com` also covers its subdomains. Pure: the settings come from the daemon's /info.
 */
export interface DaemonRoute {
  proxy?: string
  /** Why the request goes direct although a proxy is set. */
  bypass?: 'loopback' | {noProxy: string}
}

export function daemonProxyFor(url: string, info: Pick<DaemonInfo, 'httpProxy' | 'httpsProxy' | 'noProxy'>): DaemonRoute {
  const u = new URL(url)
  const proxy = u.protocol === 'https:' ? info.httpsProxy : info.httpProxy
  if (!proxy) return {}
  const host = unbracket(u.hostname).toLowerCase()
  const port = u.port || (u.protocol === 'https:' ? '443' : '80')
  if (host === 'localhost' || isLoopback(host)) return {bypass: 'loopback'}
  const entry = noProxyMatch(host, port, info.noProxy ?? '')
  if (entry) return {bypass: {noProxy: entry}}
  return {proxy}
}

function isLoopback(host: string): boolean {
  const family = isIP(host)
  if (family === 4) return host.startsWith('127.')
  if (family === 6) return host === '::1' || /^(0{0,4}:){7}0{0,3}1$/.test(host)
  return false
}

function noProxyMatch(host: string, port: string, noProxy: string): string | undefined {
  const family = isIP(host)
  for (const raw of noProxy.split(',')) {
    const entry = raw.trim().toLowerCase()
    if (!entry) continue
    if (entry === '*') return raw.trim()
    if (entry.includes('/')) {
      if (family && inCidr(host, family, entry)) return raw.trim()
      continue
    }
    const [eHost, ePort] = splitHostPort(entry)
    if (ePort && ePort !== port) continue
    if (isIP(eHost)) {
      if (family && eHost === host) return raw.trim()
      continue
    }
    const suffix = eHost.startsWith('*.') ? eHost.slice(1) : eHost.startsWith('.') ? eHost : `.${eHost}`
    const exactToo = !eHost.startsWith('.') && !eHost.startsWith('*.')
    if (host.endsWith(suffix) || (exactToo && host === suffix.slice(1))) return raw.trim()
  }
  return undefined
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

function splitHostPort(entry: string): [string, string | undefined] {
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(entry)
  if (!m) return [unbracket(entry), undefined]
  return [unbracket(m[1]!), m[2]]
}
