import {BlockList, isIP} from 'node:net'
import type {DaemonInfo} from './info.js'
import {unbracket} from '../http/hosts.js'

/**
 * Whether the daemon treats a registry as insecure, as moby's `isSecureIndex` decides (daemon/pkg/registry/config.go):
 * an IndexConfigs entry wins; otherwise the registry is insecure when one of its host's addresses is in
 * InsecureRegistryCIDRs (127.0.0.0/8 by default). An insecure registry gets `InsecureSkipVerify` and an http://
 * fallback, so an untrusted CA or plain HTTP on it does not stop docker.
 * Pure: host names are not resolved here; pass their addresses when known.
 */
export interface DaemonSecurity {
  insecure: boolean
  /** 'index' = listed by name; 'cidr' = an address in an insecure CIDR; 'default' = neither; 'unresolved' = a
   * host name whose addresses were not given, so a CIDR match could not be checked. */
  basis: 'index' | 'cidr' | 'default' | 'unresolved'
  /** The IndexConfigs key or CIDR that decided it. */
  match?: string
}

/** What /etc/hosts gives `localhost` on every distribution; Go resolves it the same way. */
const LOCALHOST_ADDRESSES = ['127.0.0.1', '::1']

export function daemonSecurity(info: DaemonInfo, host: string, hostname: string, addresses?: string[]): DaemonSecurity {
  const indexed = info.indexConfigs[host] ?? info.indexConfigs[host.toLowerCase()]
  if (indexed) return {insecure: !indexed.Secure, basis: 'index', match: host}

  const bare = unbracket(hostname)
  const addrs = isIP(bare) ? [bare] : addresses ?? (bare.toLowerCase() === 'localhost' ? LOCALHOST_ADDRESSES : undefined)
  if (!addrs) return {insecure: false, basis: info.insecureRegistryCIDRs.length > 0 ? 'unresolved' : 'default'}
  for (const cidr of info.insecureRegistryCIDRs) {
    const list = subnet(cidr)
    if (!list) continue
    for (const a of addrs) {
      const family = isIP(a)
      if (family && list.check(a, family === 6 ? 'ipv6' : 'ipv4')) return {insecure: true, basis: 'cidr', match: cidr}
    }
  }
  return {insecure: false, basis: 'default'}
}

function subnet(cidr: string): BlockList | undefined {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(cidr.trim())
  if (!m) return undefined
  const family = isIP(m[1]!)
  const prefix = Number(m[2])
  if (!family || prefix > (family === 6 ? 128 : 32)) return undefined
  const list = new BlockList()
  list.addSubnet(m[1]!, prefix, family === 6 ? 'ipv6' : 'ipv4')
  return list
}
