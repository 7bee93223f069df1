import type {TransportFailure} from '../http/failure.js'
import type {Finding} from '../trace/types.js'

/** What to do about each way a request can fail before HTTP: one sentence a person can act on. */
export const TRANSPORT_FIXES: Record<string, string> = {
  dns: 'Check the host name for typos; if it is internal, check this machine\'s DNS or VPN (and that a proxy is set if one is required).',
  refused: 'Check the port and that the registry is running; a registry on 443 may not listen on 5000 or the reverse.',
  timeout: 'A firewall may drop the packets, or a proxy is needed (HTTPS_PROXY); raise --timeout if the registry is merely slow.',
  unreachable: 'Check routing and VPN to this host.',
  reset: 'The server hung up: it may speak TLS on this port (try https://) or a proxy in between refused the connection.',
  'tls.unknown-ca': 'Pass the CA that signed the registry\'s certificate with --ca-cert FILE (docker reads it from /etc/docker/certs.d/<host>/ca.crt); --insecure skips verification for a test only.',
  'tls.expired': 'Renew the registry\'s certificate (or check this machine\'s clock).',
  'tls.not-yet-valid': 'This machine\'s clock is behind, or the certificate was issued for the future: check `date`.',
  'tls.hostname': 'Use the host name the certificate was issued for, or reissue it with this name in its subjectAltName.',
  'tls.plain-http-port': 'This port speaks plain HTTP: use http://host:port or --plain-http (docker needs it in "insecure-registries").',
  'http.tls-port': 'This port speaks TLS: use https://host:port (drop --plain-http).',
  'tls.other': 'Check that the port speaks TLS and that the TLS versions and ciphers overlap; --insecure does not fix a protocol mismatch.',
  'http.malformed': 'Whatever listens on this port does not speak HTTP as a registry must: check the host and port, and any proxy or load balancer in front of it.',
  'body.incomplete': 'The server, or a proxy or load balancer in between, cut the response short: retry, and check its logs and idle timeouts.',
  'body.too-large': 'The server sent far more than a registry answer; it is probably not a registry endpoint (or it is misbehaving).',
  'redirect.loop': 'The server redirects in a circle: check its base URL or proxy configuration.',
  'redirect.too-many': 'The server redirects too many times: check its base URL or proxy configuration.',
  'redirect.scheme': 'A registry redirects only to http(s) URLs: check its base URL and the proxy or load balancer in front of it.',
  'redirect.cross-host': 'A registry normally answers this path itself: check its base URL and the proxy or load balancer in front of it; --follow-redirects shows what docker gets there.',
  'redirect.metadata': 'Do not trust this server: a registry never sends clients to a metadata address. Check the registry address and what answers on it.',
  'redirect.link-local': 'Do not trust this server: a registry never sends clients to a link-local address. Check the registry address and what answers on it.',
  'proxy.refused': 'Check that the proxy in HTTPS_PROXY/HTTP_PROXY is running, or list the registry in NO_PROXY if it needs no proxy.',
  'proxy.unreachable': 'Check the proxy\'s host name and route from here, or list the registry in NO_PROXY if it needs no proxy.',
  'proxy.connect-refused': 'The proxy refused the CONNECT (403/407): give it credentials (http://user:pw@proxy:port) or ask for the registry to be allowed.',
  'proxy.timeout': 'The proxy did not answer in time: check that it runs and is reachable, or raise --timeout.',
  'proxy.failed': 'Check HTTPS_PROXY/HTTP_PROXY: regprobe speaks only http:// and https:// proxies.',
  proxy: 'Check HTTPS_PROXY/HTTP_PROXY and NO_PROXY.',
  other: 'Re-run with -v to see the whole exchange.',
}

export function transportFinding(stage: string, f: TransportFailure, evidence?: string): Finding {
  return {
    code: `${stage}.${f.code}`,
    severity: 'error',
    message: f.message,
    fix: f.fix ?? TRANSPORT_FIXES[f.code] ?? TRANSPORT_FIXES.other,
    exitCode: f.exitCode,
    ...(evidence ? {evidence} : {}),
  }
}
