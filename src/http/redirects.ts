import {isIP} from 'node:net'
import {ExitCode} from '../trace/types.js'
import type {TransportFailure} from './failure.js'
import {unbracket} from './hosts.js'

/**
 * What a client does with a 3xx: 'follow' any http(s) Location (blob downloads go to a CDN), 'same-host' follows only
 * within the host (the /v2/ probe and the token endpoint: a registry has no reason to send those elsewhere, and a
 * hostile one can point them at a cloud metadata service), 'none' returns the 3xx as it is.
 */
export type RedirectPolicy = 'follow' | 'same-host' | 'none'

/** Cloud instance metadata services: what a redirect there is after is the instance's credentials. */
const METADATA_HOSTS = new Set(['169.254.169.254', 'fd00:ec2::254', 'metadata.google.internal', 'metadata', '100.100.100.200', '169.254.170.2'])

/** 'cloud metadata' or 'link-local' for such a host, else undefined. */
export function specialAddress(hostname: string): 'cloud metadata' | 'link-local' | undefined {
  const h = unbracket(hostname).toLowerCase().replace(/\.$/, '')
  if (METADATA_HOSTS.has(h)) return 'cloud metadata'
  if (isIP(h) === 4 && h.startsWith('169.254.')) return 'link-local'
  if (isIP(h) === 6 && /^fe[89ab][0-9a-f]:/.test(new URL(`http://[${h}]/`).hostname.slice(1))) return 'link-local'
  return undefined
}

/** Same host: same name and port, or the same name with each scheme's default port (http → https upgrade). */
export function sameHost(a: URL, b: URL): boolean {
  if (a.hostname.toLowerCase() !== b.hostname.toLowerCase()) return false
  return a.port === b.port || (a.port === '' && b.port === '')
}

/** A Location whose scheme no HTTP client can follow (file:, data:, ftp:, javascript:…). */
export function schemeFailure(from: URL, to: URL): TransportFailure {
  const scheme = to.protocol.replace(/:$/, '')
  return {
    code: 'redirect.scheme',
    exitCode: ExitCode.PROTOCOL,
    message: `${from.host} redirected ${from.pathname} to a ${scheme}: URL; only http and https redirects can be followed`,
    fix: 'A registry redirects only to http(s) URLs (a CDN, or its own base URL): check its configuration, and the proxy or load balancer in front of it.',
  }
}

/** A redirect to another host that was not followed: named, with the address kind, and what docker does. */
export function crossHostFailure(from: URL, to: URL): TransportFailure {
  const kind = specialAddress(to.hostname)
  const what = kind === 'cloud metadata' ? ` (${to.hostname} is a cloud metadata address: a request there can read this machine's cloud credentials)` : kind === 'link-local' ? ` (${to.hostname} is a link-local address, not a registry)` : ''
  return {
    code: kind ? `redirect.${kind === 'link-local' ? 'link-local' : 'metadata'}` : 'redirect.cross-host',
    exitCode: ExitCode.PROTOCOL,
    message: `${from.host} redirected ${from.pathname} to another host, ${to.host}${what}; regprobe did not follow it (docker does)`,
    fix: kind
      ? 'Do not trust this server: a registry never sends clients to a metadata or link-local address. Check the registry address and what answers on it.'
      : `A registry normally answers ${from.pathname} itself: check its base URL and the proxy or load balancer in front of it. To see what docker gets there, re-run with --follow-redirects.`,
  }
}
