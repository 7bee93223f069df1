import type {Finding, NetworkFacts, NetworkFamilyFacts} from '../trace/types.js'
import {unbracket} from './hosts.js'

/**
 * The network path to a host, one address family at a time: its A and AAAA addresses and a TCP connect to the first
 * of each (failure-stories.md §17). Node's fetch tries both families (Happy Eyeballs) and hides a broken one; docker's
 * daemon, a rootless setup or an IPv6-only host may not, and fail with "connect: network is unreachable" or "cannot
 * assign requested address". Run only when it can explain something — a connection that failed, or a docker error
 * naming an address — so a healthy diagnosis keeps its three requests and no extra lookups.
 */
export interface ConnectResult {
  address: string
  ok: boolean
  ms: number
  /** ECONNREFUSED, ENETUNREACH, EADDRNOTAVAIL, ETIMEDOUT, … */
  code?: string
}

export interface FamilyPath {
  addresses: string[]
  connect?: ConnectResult
}

export interface NetworkPath {
  host: string
  port: number
  /** Set when the name did not resolve at all (then there is nothing to connect to). */
  lookupError?: string
  ipv4: FamilyPath
  ipv6: FamilyPath
}

export type Lookup = (host: string) => Promise<Array<{address: string; family: number}>>

/** A connect answers in a round trip or not at all; a few seconds tell a dropped packet from a slow one. */
const MAX_CONNECT_MS = 3000

export async function checkNetworkPath(host: string, port: number, opts: {timeoutMs: number; lookup?: Lookup}): Promise<NetworkPath> {
  const {isIP} = await import('node:net')
  const bare = unbracket(host)
  const path: NetworkPath = {host: bare, port, ipv4: {addresses: []}, ipv6: {addresses: []}}
  let records: Array<{address: string; family: number}>
  if (isIP(bare)) {
    records = [{address: bare, family: isIP(bare)}]
  } else {
    try {
      records = await withTimeout((opts.lookup ?? systemLookup)(bare), opts.timeoutMs)
    } catch (error) {
      path.lookupError = (error as NodeJS.ErrnoException).code ?? (error as Error).message
      return path
    }
  }
  for (const r of records) {
    const family = r.family === 6 ? path.ipv6 : path.ipv4
    if (!family.addresses.includes(r.address)) family.addresses.push(r.address)
  }
  await Promise.all(
    [path.ipv4, path.ipv6].map(async (family) => {
      if (family.addresses[0] !== undefined) family.connect = await connectOnce(family.addresses[0], port, opts.timeoutMs)
    }),
  )
  return path
}

/** The system resolver has its own (long) timeout; the caller's bound wins. */
function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('lookup timed out'), {code: 'ETIMEDOUT'})), ms)
  })
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer))
}

/** getaddrinfo, as Node's own connections (and docker's, through the system resolver) see the name. */
async function systemLookup(host: string): Promise<Array<{address: string; family: number}>> {
  const {lookup} = await import('node:dns/promises')
  return lookup(host, {all: true, verbatim: true})
}

/** One TCP connect, within timeoutMs and at most MAX_CONNECT_MS, the socket closed at once. */
export async function connectOnce(address: string, port: number, timeoutMs: number): Promise<ConnectResult> {
  const {connect} = await import('node:net')
  timeoutMs = Math.min(timeoutMs, MAX_CONNECT_MS)
  const start = performance.now()
  return new Promise((resolve) => {
    const socket = connect({host: address, port})
    const done = (code?: string) => {
      clearTimeout(timer)
      socket.destroy()
      resolve({address, ok: code === undefined, ms: Math.round(performance.now() - start), ...(code ? {code} : {})})
    }
    const timer = setTimeout(() => done('ETIMEDOUT'), timeoutMs)
    socket.once('connect', () => done())
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code ?? 'ERROR'))
  })
}

/** One family works and the other does not (or the only one does not): the dual-stack stories. */
export function networkPathFindings(path: NetworkPath, stage: string): Finding[] {
  const {ipv4, ipv6} = path
  const where = `${path.host}:${path.port}`
  const fails = (f: FamilyPath) => f.connect !== undefined && !f.connect.ok
  const works = (f: FamilyPath) => f.connect?.ok === true
  if (fails(ipv6) && works(ipv4)) {
    return [{
      code: `${stage}.ipv6-broken`,
      severity: 'warn',
      message: `${where} has IPv6 addresses (AAAA) but IPv6 does not connect from here (${ipv6.connect!.code} to [${ipv6.connect!.address}]); IPv4 connects`,
      fix: 'regprobe falls back to IPv4; a client that tries IPv6 and stops there (docker\'s daemon: "connect: network is unreachable" or "cannot assign requested address") fails. Give this machine working IPv6 (a global address and a route), or make the client use IPv4 (for dockerd: disable IPv6 on the host, or pin the registry\'s IPv4 address in /etc/hosts).',
      evidence: `connect [${ipv6.connect!.address}]:${path.port}: ${ipv6.connect!.code}`,
    }]
  }
  if (fails(ipv4) && works(ipv6)) {
    return [{
      code: `${stage}.ipv4-broken`,
      severity: 'warn',
      message: `${where} has IPv4 addresses (A) but IPv4 does not connect from here (${ipv4.connect!.code} to ${ipv4.connect!.address}); IPv6 connects`,
      fix: 'An IPv4-only client (or a daemon without IPv6) fails here: give this machine an IPv4 route to the registry (or NAT64/DNS64 on an IPv6-only network), or use a client that speaks IPv6.',
      evidence: `connect ${ipv4.connect!.address}:${path.port}: ${ipv4.connect!.code}`,
    }]
  }
  if (fails(ipv6) && ipv4.addresses.length === 0) {
    return [{
      code: `${stage}.ipv6-only-unreachable`,
      severity: 'warn',
      message: `${where} has only IPv6 addresses, and IPv6 does not connect from here (${ipv6.connect!.code})`,
      fix: 'This machine has no working IPv6 path to the registry: give it a global IPv6 address and a route, or reach the registry through a proxy that has one.',
      evidence: `connect [${ipv6.connect!.address}]:${path.port}: ${ipv6.connect!.code}`,
    }]
  }
  return []
}

/** The facts a step shows: addresses and connect results per family, and nothing about a family with no address. */
export function networkPathFacts(path: NetworkPath): NetworkFacts {
  const family = (f: FamilyPath) => (f.addresses.length === 0 ? 'no address' : `${f.addresses.join(', ')} → ${f.connect?.ok ? `connects (${f.connect.ms} ms)` : (f.connect?.code ?? 'not tried')}`)
  const value = (f: FamilyPath): NetworkFamilyFacts => ({addresses: f.addresses, ...(f.connect ? (f.connect.ok ? {connects: true, connectMs: f.connect.ms} : {connects: false, error: f.connect.code}) : {})})
  if (path.lookupError) return {host: path.host, lookup: path.lookupError}
  return {host: `${path.host}:${path.port}`, ipv4: family(path.ipv4), ipv6: family(path.ipv6), families: {ipv4: value(path.ipv4), ipv6: value(path.ipv6)}}
}

/**
 * For a stage whose request to `url` was refused or unreachable before any connection was made: the host's network
 * path as a fact, and the dual-stack findings; undefined for any other failure. Within a second of the stage's
 * timeout, so the verdict still comes within --timeout plus a second.
 */
export async function networkPathIfUnconnected(failure: {code: string}, exchanges: Array<{connection?: unknown}>, url: string, stage: string, opts: {timeoutMs: number; lookup?: Lookup}): Promise<{network: NetworkFacts; findings: Finding[]} | undefined> {
  if ((failure.code !== 'refused' && failure.code !== 'unreachable') || exchanges.some((x) => x.connection)) return undefined
  const u = new URL(url)
  const path = await checkNetworkPath(u.hostname, Number(u.port) || (u.protocol === 'http:' ? 80 : 443), {timeoutMs: Math.min(opts.timeoutMs, 1000), lookup: opts.lookup})
  return {network: networkPathFacts(path), findings: networkPathFindings(path, stage)}
}
