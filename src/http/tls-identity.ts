import {isIPv6} from 'node:net'
import type {PeerCertificate} from 'node:tls'

/** Node's own check; node:tls is loaded when first needed (transport.ts loads it only for https). */
const nodeCheckServerIdentity = (host: string, cert: PeerCertificate): Error | undefined => process.getBuiltinModule('node:tls').checkServerIdentity(host, cert)

/*
 * Node 22.23.x and 24.17–24.20 (the CVE-2026-48618 security releases) stopped matching an IPv6 host against the
 * certificate's IP-address SANs: tls.checkServerIdentity('::1', cert with "IP Address:0:0:0:0:0:0:0:1") fails with
 * ERR_TLS_CERT_ALTNAME_INVALID, because the host now goes through domainToASCII() (which turns an IPv6 literal into '')
 * before the isIP() test. https://github.com/nodejs/node/issues/64144, fixed by nodejs/node#64145 (24.21 has the fix;
 * 22.23.3 does not). A diagnostic tool must not blame a good certificate for its runtime's bug, so on those runtimes
 * requests to https://[IPv6] carry this check: Node's own, plus the IP-SAN match Node used to do.
 */

let missesIpv6Sans: boolean | undefined

/** Whether this runtime has the regression (asked once, of the runtime itself, not by version number). */
export function runtimeMissesIpv6Sans(): boolean {
  missesIpv6Sans ??= nodeCheckServerIdentity('::1', {subject: {}, subjectaltname: 'IP Address:0:0:0:0:0:0:0:1'} as PeerCertificate) !== undefined
  return missesIpv6Sans
}

/** tls.checkServerIdentity, except that an IPv6 host matches an IP-address SAN of the same address, as RFC 6125 says. */
export function checkServerIdentity(host: string, cert: PeerCertificate): Error | undefined {
  const err = nodeCheckServerIdentity(host, cert)
  if (err === undefined || !isIPv6(host)) return err
  const want = canonicalIpv6(host)
  const sans = (cert.subjectaltname ?? '').split(/,\s*/)
  const match = sans.some((san) => san.startsWith('IP Address:') && isIPv6(san.slice(11)) && canonicalIpv6(san.slice(11)) === want)
  return match ? undefined : err
}

/** Whether a request to this URL needs the check above (https, an IPv6 literal, a runtime with the regression). */
export function needsIpv6IdentityShim(url: string): boolean {
  if (!url.startsWith('https:')) return false
  let host: string
  try {
    host = new URL(url).hostname
  } catch {
    return false
  }
  return host.startsWith('[') && runtimeMissesIpv6Sans()
}

/** The WHATWG URL parser's form of an IPv6 address (compressed, lower case), so '0:0::1' and '::1' compare equal. */
function canonicalIpv6(ip: string): string {
  return new URL(`http://[${ip}]/`).hostname
}
