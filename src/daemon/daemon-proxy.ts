import type {DaemonInfo} from './info.js'
import {unbracket} from '../http/hosts.js'
import {isLoopback, noProxyMatch} from '../http/proxy.js'

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
