import type {CatalogFacts, RegistryFacts, TokenFacts} from './facts.js'

/** The rows of the comparison, in table order. Keys are stable (regprobe/compare@1); labels are for people. */
export const ROWS = [
  {key: 'result', label: 'result'},
  {key: 'apiVersion', label: 'API version header'},
  {key: 'scheme', label: 'auth scheme'},
  {key: 'realm', label: 'realm'},
  {key: 'realmHost', label: 'realm host'},
  {key: 'service', label: 'service'},
  {key: 'pingScope', label: 'scope in /v2/ challenge'},
  {key: 'scope', label: 'scope asked'},
  {key: 'anonymousToken', label: 'anonymous token'},
  {key: 'authenticatedToken', label: 'authenticated token'},
  {key: 'tokenFormat', label: 'token format'},
  {key: 'lifetime', label: 'token lifetime'},
  {key: 'catalog', label: 'catalog'},
  {key: 'rateLimit', label: 'rate-limit headers'},
  {key: 'warning', label: 'Warning headers'},
  {key: 'tls', label: 'TLS'},
  {key: 'time', label: 'time'},
] as const

export type RowKey = (typeof ROWS)[number]['key']
export type Cells = Record<RowKey, string>

/** Shown where a stage did not run, so an empty cell never reads as "nothing was sent". */
export const NOT_RUN = '—'

/** One registry's column. Pure. */
export function cellsFor(f: RegistryFacts, opts: {authenticated: boolean}): Cells {
  const reached = f.reachable
  const ifReached = (v: string) => (reached ? v : NOT_RUN)
  const token = f.authenticatedToken?.format ? f.authenticatedToken : f.anonymousToken
  return {
    result: reached ? `v2 registry (${f.probeStatus ?? '?'} on /v2/)` : `FAILED: ${f.failure ?? 'unreachable'}`,
    apiVersion: f.probeStatus === undefined ? NOT_RUN : f.apiVersion ?? '(absent)',
    scheme: ifReached(schemeCell(f.scheme)),
    // The whole URL: the path is what differs (auth.docker.io/token, quay.io/v2/auth, ghcr.io/token).
    realm: ifReached(f.realm ?? (f.scheme === 'bearer' ? '(no realm)' : 'n/a')),
    realmHost: ifReached(f.realmHost ? `${f.realmHost} (${f.realmSameOrigin ? 'same host' : f.realmSameHost ? 'same host, other port' : 'other host'})` : f.scheme === 'bearer' ? '(no realm)' : 'n/a'),
    service: ifReached(f.service ?? (f.scheme === 'bearer' ? '(none)' : 'n/a')),
    pingScope: ifReached(f.pingScope === undefined ? '(none)' : f.pingScope === '' ? '(empty)' : f.pingScope),
    scope: ifReached(f.scopes.length ? f.scopes.join(' ') : '(none)'),
    anonymousToken: ifReached(tokenCell(f.anonymousToken, f.scheme)),
    authenticatedToken: opts.authenticated ? ifReached(f.authenticatedToken ? tokenCell(f.authenticatedToken, f.scheme) : NOT_RUN) : '(no credentials given)',
    tokenFormat: ifReached(token.format ?? 'n/a'),
    lifetime: ifReached(lifetimeCell(token)),
    catalog: ifReached(catalogCell(f.catalog)),
    rateLimit: ifReached(Object.keys(f.rateLimit).length ? Object.entries(f.rateLimit).map(([k, v]) => `${k}: ${v}`).join('\n') : '(none)'),
    warning: ifReached(f.warnings.length ? f.warnings.join('\n') : '(none)'),
    tls: f.tls ? `${f.tls.version ?? 'TLS'}${f.tls.issuer ? `, issuer ${shortIssuer(f.tls.issuer)}` : ''}` : f.probeStatus === undefined ? NOT_RUN : 'plain HTTP or not observed',
    time: `${f.durationMs} ms`,
  }
}

function schemeCell(scheme: string | undefined): string {
  if (scheme === 'none') return 'none (open: /v2/ answers 200)'
  if (scheme === 'bearer') return 'Bearer (token)'
  if (scheme === 'basic') return 'Basic'
  return scheme ?? '(no challenge)'
}

export function tokenCell(t: TokenFacts, scheme?: string): string {
  switch (t.outcome) {
    case 'granted':
      return `granted${t.granted?.length ? ` (${t.granted.join(' ')})` : ''}`
    case 'partial':
      return `partial (${t.granted?.join(' ') || 'nothing'})`
    case 'empty':
      return 'empty access (200, grants nothing)'
    case 'issued':
      return `issued${t.format === 'opaque' ? ' (opaque: grant unknown)' : ''}`
    case 'refused':
      return `refused${t.status ? ` (${t.status})` : ''}`
    case 'failed':
      return `failed: ${t.detail ?? 'no answer'}`
    case 'not-applicable':
      // The stage's own reason is a sentence; the scheme says it in a cell's width.
      return scheme === 'none' ? 'n/a (open registry)' : scheme === 'basic' ? 'n/a (Basic: no token exchange)' : `n/a${t.detail ? `: ${t.detail}` : ''}`
  }
}

function lifetimeCell(t: TokenFacts): string {
  if (!t.lifetime) return 'n/a'
  const {seconds, source} = t.lifetime
  if (source === 'default') return `not stated (clients assume ${seconds} s)`
  return `${seconds} s (${source})`
}

export function catalogCell(c: CatalogFacts): string {
  switch (c.outcome) {
    case 'offered':
      return 'offered'
    case 'refused':
      return `refused (${c.status ?? '?'}${c.detail ? `: ${c.detail}` : ''})`
    case 'unsupported':
      return `unsupported (${c.status ?? '?'})`
    case 'rate-limited':
      return 'rate limited (429)'
    case 'failed':
      return `failed: ${c.detail ?? '?'}`
    case 'not-tried':
      return NOT_RUN
  }
}

/** 'C=US, O=Let's Encrypt, CN=R11' → "R11 (Let's Encrypt)": the CN names the CA, the O its owner. */
export function shortIssuer(issuer: string): string {
  const cn = /(?:^|,\s*)CN=([^,]+)/.exec(issuer)?.[1]
  const o = /(?:^|,\s*)O=([^,]+)/.exec(issuer)?.[1]
  if (cn && o && !cn.includes(o)) return `${cn} (${o})`
  return cn ?? o ?? issuer
}
