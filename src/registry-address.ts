/**
 * Registry addresses, following docker's rules (moby's IndexName and IndexServer, distribution/reference's domain
 * grammar): host [':' port-number], IPv6 only in brackets, Docker Hub's names, loopback hosts.
 */
import {isIPv4, isIPv6} from 'node:net'
import {UsageError} from './errors.js'

export interface RegistryAddress {
  /** What the user wrote for the registry part ('docker.io' when the reference named none). */
  input: string
  /** Only when the user wrote a scheme prefix (http://host:5000). */
  scheme?: 'http' | 'https'
  /** host[:port] to contact: 'registry-1.docker.io' for Docker Hub; IPv6 as '[::1]:5000'. */
  host: string
  /** Without port and brackets: '::1'. */
  hostname: string
  port?: number
  /** As docker names it: 'docker.io' for Docker Hub, else host[:port] as written. */
  name: string
  isDockerHub: boolean
  /** localhost, 127.0.0.0/8, ::1: docker treats these as insecure (https, then http). */
  isLoopback: boolean
  /** The key docker uses in config.json: 'https://index.docker.io/v1/' for Hub, else host[:port]. */
  configKey: string
}

/** Where docker sends Hub traffic: docker.io itself serves no v2 API (moby config.go). */
export const DOCKER_HUB_HOST = 'registry-1.docker.io'
/** Docker's IndexName: how Hub is named in references and `docker info`. */
export const DOCKER_HUB_NAME = 'docker.io'
/** Docker's IndexServer: Hub's key in config.json, kept from the v1 API days. */
export const DOCKER_HUB_CONFIG_KEY = 'https://index.docker.io/v1/'

/** distribution/reference NameTotalLengthMax: registry/repository together. */
export const NAME_TOTAL_LENGTH_MAX = 255
/** Name 255 + ':' + tag 128 + '@' + sha512 digest 135 fits well under this; longer input can only be invalid and is refused before any pattern runs on it. */
export const MAX_INPUT_LENGTH = 1024
/** Quoted input in messages is cut here so a pasted blob does not flood the terminal. */
const MAX_ECHO = 160

/** Names docker maps to Hub (normalizeIndexName); they contact registry-1.docker.io. */
const HUB_ALIASES = new Set(['docker.io', 'index.docker.io'])
/** Hub's own hosts: docker does not rename them, but they are Hub for diagnosis (rate limits, library/). */
const HUB_HOSTS = new Set(['registry-1.docker.io', 'registry.hub.docker.com'])

const DOMAIN_COMPONENT = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/
const IPV6_IN_BRACKETS = /^[0-9a-fA-F:]+$/
export const SCHEME_PREFIX = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//
/** Paths that docker login accepts after a registry host (the Hub key ends in /v1/). */
const ALLOWED_REGISTRY_PATHS = new Set(['', '/', '/v1', '/v1/', '/v2', '/v2/'])

export function parseRegistry(input: string): RegistryAddress {
  if (typeof input !== 'string' || input.length === 0) {
    throw new UsageError('the registry is empty: give HOST[:PORT], e.g. "localhost:5000" or "ghcr.io"', 'registry.empty')
  }
  if (input.length > MAX_INPUT_LENGTH) {
    throw new UsageError(`the registry is ${input.length} characters long; a HOST[:PORT] is at most 255`, 'registry.too-long')
  }
  // Checked before anything is echoed: a password in a URL must never reach a message.
  if (input.includes('@')) {
    throw new UsageError(
      'the registry looks like it carries credentials (USER[:PASSWORD]@HOST); give only HOST[:PORT] and pass credentials with --username and --password-stdin',
      'registry.credentials-in-url',
    )
  }
  let rest = input
  let scheme: 'http' | 'https' | undefined
  const schemeMatch = SCHEME_PREFIX.exec(input)
  if (schemeMatch) {
    const written = schemeMatch[1]!.toLowerCase()
    if (written !== 'http' && written !== 'https') {
      throw new UsageError(
        `unsupported scheme "${schemeMatch[1]}://" in ${echo(input)}: a registry is [http:// or https://]HOST[:PORT]`,
        'registry.unsupported-scheme',
      )
    }
    scheme = written
    rest = input.slice(schemeMatch[0].length)
  }
  const cut = firstIndexOf(rest, '/?#')
  const hostPart = cut === -1 ? rest : rest.slice(0, cut)
  const tail = cut === -1 ? '' : rest.slice(cut)
  if (!ALLOWED_REGISTRY_PATHS.has(tail)) {
    throw new UsageError(
      `${echo(input)} has ${echo(tail)} after the host: a registry is [SCHEME://]HOST[:PORT]; to name an image use a reference such as "${hostPart}/REPOSITORY:TAG"`,
      'registry.path-not-allowed',
    )
  }
  const hp = parseHostPort(hostPart, input, 'registry')
  return buildAddress(input, hostPart, hp, scheme)
}

/** True for 'localhost', 127.0.0.0/8 and ::1 (also IPv4-mapped 127.x); brackets are tolerated. */
export function isLoopbackHost(hostname: string): boolean {
  if (typeof hostname !== 'string') return false
  let h = hostname.toLowerCase()
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1)
  if (h === 'localhost') return true
  if (isIPv4(h)) return h.startsWith('127.')
  if (!isIPv6(h)) return false
  let normal: string
  try {
    // WHATWG URL compresses IPv6, so every spelling of ::1 comes out the same.
    normal = new URL(`http://[${h}]/`).hostname
  } catch {
    return false
  }
  return normal === '[::1]' || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(normal)
}

export interface HostPort {
  hostname: string
  bracketed: boolean
  port?: number
}

/** host [':' port-number], with IPv6 only in brackets. `what` prefixes the error codes. */
export function parseHostPort(text: string, input: string, what: 'registry' | 'reference'): HostPort {
  const bad = (detail: string, code = 'invalid-host'): UsageError =>
    new UsageError(`invalid registry host ${echo(text)} in ${echo(input)}: ${detail}`, `${what}.${code}`)
  if (text.length === 0) throw bad('the host is empty')
  if (text.length > NAME_TOTAL_LENGTH_MAX) throw bad(`the host is longer than ${NAME_TOTAL_LENGTH_MAX} characters`)
  let hostname: string
  let portText: string | undefined
  let bracketed = false
  if (text.startsWith('[')) {
    const close = text.indexOf(']')
    if (close === -1) throw bad("an IPv6 address needs a closing ']'")
    hostname = text.slice(1, close)
    bracketed = true
    if (!IPV6_IN_BRACKETS.test(hostname) || !isIPv6(hostname)) throw bad(`${echo(hostname)} is not an IPv6 address`)
    const after = text.slice(close + 1)
    if (after.length > 0) {
      if (!after.startsWith(':')) throw bad(`unexpected ${echo(after)} after the IPv6 address`)
      portText = after.slice(1)
    }
  } else {
    const colons = text.split(':').length - 1
    if (colons > 1) throw bad('write an IPv6 address in brackets, e.g. "[::1]:5000"')
    const colon = text.indexOf(':')
    hostname = colon === -1 ? text : text.slice(0, colon)
    if (colon !== -1) portText = text.slice(colon + 1)
    if (hostname.length === 0) throw bad('the host name is empty')
    for (const label of hostname.split('.')) {
      if (!DOMAIN_COMPONENT.test(label)) {
        throw bad(
          label.length === 0
            ? 'a host name cannot have an empty label (two dots, or a leading or trailing dot)'
            : `${echo(label)} is not a valid host name label (letters, digits and '-', not starting or ending with '-')`,
        )
      }
    }
  }
  let port: number | undefined
  if (portText !== undefined) {
    port = /^[0-9]{1,5}$/.test(portText) ? Number(portText) : NaN
    if (!(port >= 1 && port <= 65535)) {
      throw new UsageError(
        `invalid port ${echo(portText)} in ${echo(input)}: a port is a number from 1 to 65535`,
        `${what}.invalid-port`,
      )
    }
  }
  return port === undefined ? {hostname, bracketed} : {hostname, bracketed, port}
}

export function buildAddress(input: string, written: string, hp: HostPort, scheme: 'http' | 'https' | undefined): RegistryAddress {
  const base = scheme === undefined ? {input} : {input, scheme}
  // Exact match, as docker's normalizeIndexName: 'INDEX.DOCKER.IO' is just another host name to it.
  if (HUB_ALIASES.has(written)) {
    return {
      ...base,
      host: DOCKER_HUB_HOST,
      hostname: DOCKER_HUB_HOST,
      name: DOCKER_HUB_NAME,
      isDockerHub: true,
      isLoopback: false,
      configKey: DOCKER_HUB_CONFIG_KEY,
    }
  }
  const address: RegistryAddress = {
    ...base,
    host: written,
    hostname: hp.hostname,
    name: written,
    isDockerHub: HUB_HOSTS.has(written.toLowerCase()),
    isLoopback: isLoopbackHost(hp.hostname),
    configKey: written,
  }
  if (hp.port !== undefined) address.port = hp.port
  return address
}

function firstIndexOf(s: string, chars: string): number {
  for (let i = 0; i < s.length; i++) if (chars.includes(s[i]!)) return i
  return -1
}

export function echo(s: string): string {
  return JSON.stringify(s.length > MAX_ECHO ? `${s.slice(0, MAX_ECHO)}…` : s)
}
