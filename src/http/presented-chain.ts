import type {DetailedPeerCertificate} from 'node:tls'
import type {Finding} from '../trace/types.js'
import {unbracket} from './hosts.js'

/**
 * What a server presents when its certificate is refused (failure-stories.md §14). The refused handshake gives no
 * certificate to look at, and the certificate is what tells a wrong CA file from a TLS-intercepting proxy (Zscaler,
 * Netskope…), whose CA signs whatever the client asked for. One more handshake, without verification, only reads the
 * chain: nothing is sent over it.
 */
export interface PresentedCertificate {
  subject: string
  issuer: string
  validTo: string
}

export interface PresentedChain {
  certificates: PresentedCertificate[]
  /** The issuer of the last certificate sent: the CA the client must trust. */
  anchor: string
  /** A vendor of TLS-intercepting proxies named in the chain, when there is one. */
  interceptor?: string
}

/** Products that re-sign TLS for inspection; their CA names carry the vendor. */
const INTERCEPTORS = /zscaler|netskope|fortinet|fortigate|palo ?alto|blue ?coat|symantec web|forcepoint|websense|sophos|mcafee web|skyhigh|cisco umbrella|checkpoint|check point|barracuda|cloudflare gateway|kaspersky web|eset ssl filter|avast web|bitdefender|mitmproxy|charles proxy|fiddler|burp/i

/** A handshake cut short after this long says nothing more useful. */
const MAX_HANDSHAKE_MS = 3000

export async function readPresentedChain(host: string, port: number, timeoutMs: number): Promise<PresentedChain | undefined> {
  const tls = await import('node:tls')
  const {isIP} = await import('node:net')
  const bare = unbracket(host)
  return new Promise((resolve) => {
    const socket = tls.connect({host: bare, port, servername: isIP(bare) ? undefined : bare, rejectUnauthorized: false, ALPNProtocols: ['http/1.1']})
    const done = (chain?: PresentedChain) => {
      clearTimeout(timer)
      socket.destroy()
      resolve(chain)
    }
    const timer = setTimeout(() => done(), Math.min(timeoutMs, MAX_HANDSHAKE_MS))
    socket.once('secureConnect', () => done(chainOf(socket.getPeerCertificate(true))))
    socket.once('error', () => done())
  })
}

function chainOf(leaf: DetailedPeerCertificate): PresentedChain | undefined {
  if (!leaf || Object.keys(leaf).length === 0) return undefined
  const certificates: PresentedCertificate[] = []
  const seen = new Set<string>()
  for (let c: DetailedPeerCertificate | undefined = leaf; c && !seen.has(c.fingerprint256) && certificates.length < 10; c = c.issuerCertificate) {
    seen.add(c.fingerprint256)
    certificates.push({subject: name(c.subject), issuer: name(c.issuer), validTo: new Date(c.valid_to).toISOString()})
  }
  const anchor = certificates.at(-1)!.issuer
  const interceptor = interceptorOf(certificates)
  return {certificates, anchor, ...(interceptor ? {interceptor} : {})}
}

/** Issuers only: a vendor's own registry (a leaf for registry.sophos.example) is not an interception. */
export function interceptorOf(certificates: PresentedCertificate[]): string | undefined {
  return certificates.map((c) => c.issuer).join(' ').match(INTERCEPTORS)?.[0]
}

function name(o: unknown): string {
  if (!o || typeof o !== 'object') return String(o ?? '')
  const fields = o as Record<string, string | string[]>
  // CN and O say who it is; the rest (C, ST, L, OU) rarely helps a reader.
  const parts = ['CN', 'O'].filter((k) => fields[k] !== undefined).map((k) => `${k}=${[fields[k]].flat().join('+')}`)
  return parts.length ? parts.join(', ') : Object.entries(fields).map(([k, v]) => `${k}=${[v].flat().join('+')}`).join(', ')
}

/** The one line a step shows, leaf first: "CN=registry.corp ← CN=Corp CA (2 certificates)". */
export function describeChain(chain: PresentedChain): string {
  const names = chain.certificates.map((c) => c.subject)
  return `${[...names, chain.anchor].filter((n, i, all) => all.indexOf(n) === i).join(' ← ')} (${chain.certificates.length} certificate${chain.certificates.length === 1 ? '' : 's'} sent)`
}

export function presentedChainFinding(chain: PresentedChain, host: string): Finding | undefined {
  if (chain.interceptor) {
    return {
      code: 'probe.tls.intercepted',
      severity: 'warn',
      message: `the certificate ${host} presented is signed by ${chain.anchor}: a TLS-intercepting proxy (${chain.interceptor}) sits between this machine and the registry`,
      fix: `Trust the proxy's CA for the registry (--ca-cert; for docker /etc/docker/certs.d/${host}/ca.crt, and the system store for the daemon's own requests), or have the registry's hosts exempted from inspection.`,
      evidence: `presented chain: ${describeChain(chain)}`,
    }
  }
  return undefined
}
