/**
 * Image references and registry addresses, following docker's rules: distribution/reference's grammar plus
 * docker's normalisation (ParseNormalizedNamed / splitDockerDomain, moby's IndexName and IndexServer).
 *
 * Grammar (distribution/reference/reference.go), as implemented below:
 *   reference        := name [ ":" tag ] [ "@" digest ]
 *   name             := [domain '/'] remote-name
 *   domain           := host [':' port-number]
 *   host             := domain-name | IPv4address | '[' IPv6address ']'
 *   domain-name      := domain-component ['.' domain-component]*
 *   domain-component := /([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])/
 *   port-number      := /[0-9]+/
 *   remote-name      := path-component ['/' path-component]*
 *   path-component   := alpha-numeric [separator alpha-numeric]*
 *   alpha-numeric    := /[a-z0-9]+/
 *   separator        := /[_.]|__|[-]+/
 *   tag              := /[\w][\w.-]{0,127}/
 *   digest           := algorithm ':' hex      (sha256/sha384/sha512, lower-case hex of the exact length)
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

export interface ImageReference {
  input: string
  registry: RegistryAddress
  /** 'library/alpine' (library/ is added for single-component names on docker.io only, as docker does). */
  repository: string
  /** The explicit tag, or 'latest' when neither tag nor digest was given. */
  tag?: string
  /** 'sha256:<64 hex>' (sha384 and sha512 too). */
  digest?: string
  /** What goes into /v2/<repository>/manifests/<reference>: the digest if present, else the tag. */
  reference: string
  /** 'docker.io/library/alpine:latest', 'host:5000/a/b@sha256:…'. */
  canonical: string
  /**
   * Set when the input was probably meant as a registry: docker reads 'myhost:5000' as the image
   * docker.io/library/myhost with tag 5000, and 'ghcr.io' as docker.io/library/ghcr.io.
   */
  probablyRegistry?: string
}

/** Where docker sends Hub traffic: docker.io itself serves no v2 API (moby config.go). */
export const DOCKER_HUB_HOST = 'registry-1.docker.io'
/** Docker's IndexName: how Hub is named in references and `docker info`. */
export const DOCKER_HUB_NAME = 'docker.io'
/** Docker's IndexServer: Hub's key in config.json, kept from the v1 API days. */
export const DOCKER_HUB_CONFIG_KEY = 'https://index.docker.io/v1/'

/** distribution/reference NameTotalLengthMax: registry/repository together. */
const NAME_TOTAL_LENGTH_MAX = 255
/** Name 255 + ':' + tag 128 + '@' + sha512 digest 135 fits well under this; longer input can only be invalid and is refused before any pattern runs on it. */
const MAX_INPUT_LENGTH = 1024
/** Quoted input in messages is cut here so a pasted blob does not flood the terminal. */
const MAX_ECHO = 160

/** Names docker maps to Hub (normalizeIndexName); they contact registry-1.docker.io. */
const HUB_ALIASES = new Set(['docker.io', 'index.docker.io'])
/** Hub's own hosts: docker does not rename them, but they are Hub for diagnosis (rate limits, library/). */
const HUB_HOSTS = new Set(['registry-1.docker.io', 'registry.hub.docker.com'])

const DOMAIN_COMPONENT = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/
const IPV6_IN_BRACKETS = /^[0-9a-fA-F:]+$/
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/
const TAG = /^\w[\w.-]{0,127}$/
const DIGEST_ALGORITHM = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*$/
/** Docker refuses a bare image ID where a name is expected (reference.anchoredIdentifierRegexp). */
const IMAGE_ID = /^[a-f0-9]{64}$/
const SCHEME_PREFIX = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//
/** Known digest algorithms and their hex length (opencontainers/go-digest). */
const DIGEST_HEX_LENGTH: Record<string, number> = {sha256: 64, sha384: 96, sha512: 128}
/** Paths that docker login accepts after a registry host (the Hub key ends in /v1/). */
const ALLOWED_REGISTRY_PATHS = new Set(['', '/', '/v1', '/v1/', '/v2', '/v2/'])

const TAG_RULE = "a tag is up to 128 letters, digits, '_', '.' or '-', not starting with '.' or '-'"
const PATH_RULE =
  "each path component is lower-case letters and digits, optionally separated by '.', '_', '__' or '-'"

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

export function parseReference(input: string): ImageReference {
  if (typeof input !== 'string' || input.trim().length === 0) {
    throw new UsageError('the image reference is empty: give [REGISTRY/]REPOSITORY[:TAG|@DIGEST], e.g. "alpine:3.20"', 'reference.empty')
  }
  if (input.length > MAX_INPUT_LENGTH) {
    throw new UsageError(
      `the image reference is ${input.length} characters long; a valid one is at most ${NAME_TOTAL_LENGTH_MAX} for the name plus tag and digest`,
      'reference.too-long',
    )
  }
  // A digest never contains '/', so an '@' followed later by '/' is USER[:PASSWORD]@HOST/...; refuse
  // without echoing the input, which holds the password.
  const at = input.indexOf('@')
  if (at !== -1 && (input.indexOf('/', at) !== -1 || SCHEME_PREFIX.test(input))) {
    throw new UsageError(
      'the image reference looks like it carries credentials (USER[:PASSWORD]@HOST/...); write REGISTRY/REPOSITORY and pass credentials with --username and --password-stdin',
      'reference.credentials-not-allowed',
    )
  }
  const schemeMatch = SCHEME_PREFIX.exec(input)
  if (schemeMatch) {
    const without = input.slice(schemeMatch[0].length)
    throw new UsageError(
      `scheme "${schemeMatch[0]}" not allowed in a reference ${echo(input)}: use REGISTRY/REPOSITORY[:TAG], e.g. ${echo(without)}`,
      'reference.scheme-not-allowed',
      'to force plain HTTP for a registry, use --plain-http',
    )
  }
  if (IMAGE_ID.test(input)) {
    throw new UsageError(
      `invalid repository name ${echo(input)}: a 64-character hexadecimal string is an image ID, not a name`,
      'reference.image-id',
    )
  }

  let namePart = input
  let digest: string | undefined
  if (at !== -1) {
    namePart = input.slice(0, at)
    digest = input.slice(at + 1)
    checkDigest(digest)
  }
  if (namePart.startsWith('[') && !namePart.includes('/')) {
    throw new UsageError(
      `${echo(input)} names a registry, not an image: add a repository, e.g. "${namePart}/myimage:latest"`,
      'reference.missing-repository',
    )
  }

  // The tag is after the last ':' only when that ':' is past the last '/' (else it is a port).
  let tag: string | undefined
  const colon = namePart.lastIndexOf(':')
  if (colon > namePart.lastIndexOf('/')) {
    tag = namePart.slice(colon + 1)
    namePart = namePart.slice(0, colon)
    if (!TAG.test(tag)) {
      throw new UsageError(`invalid tag ${echo(tag)} in ${echo(input)}: ${TAG_RULE}`, 'reference.invalid-tag')
    }
  }
  if (namePart.length === 0) {
    throw new UsageError(`missing repository name in ${echo(input)}: give [REGISTRY/]REPOSITORY[:TAG|@DIGEST]`, 'reference.missing-repository')
  }

  // splitDockerDomain: the first component is a registry only if it has '.' or ':', is 'localhost',
  // or has upper-case letters (a repository never does). Otherwise the registry is docker.io.
  const slash = namePart.indexOf('/')
  const first = slash === -1 ? '' : namePart.slice(0, slash)
  const hasDomain =
    slash !== -1 && (/[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first)
  const domainText = hasDomain ? first : DOCKER_HUB_NAME
  let remainder = hasDomain ? namePart.slice(slash + 1) : namePart
  if (remainder.length === 0) {
    throw new UsageError(
      `${echo(input)} names the registry "${domainText}" but no repository: write ${domainText}/REPOSITORY[:TAG]`,
      'reference.missing-repository',
    )
  }
  const registry = buildAddress(domainText, domainText, parseHostPort(domainText, input, 'reference'), undefined)

  if (remainder.toLowerCase() !== remainder) {
    throw new UsageError(
      `invalid repository name ${echo(remainder)} in ${echo(input)}: repository name must be lowercase`,
      'reference.uppercase',
      `did you mean ${echo(remainder.toLowerCase())}?`,
    )
  }
  for (const component of remainder.split('/')) {
    if (!PATH_COMPONENT.test(component)) {
      const what = component.length === 0 ? 'an empty path component' : `invalid path component ${echo(component)}`
      throw new UsageError(`${what} in repository ${echo(remainder)} of ${echo(input)}: ${PATH_RULE}`, 'reference.invalid-repository')
    }
  }
  // Docker adds library/ only for the name docker.io (after index.docker.io → docker.io), not for
  // registry-1.docker.io: there a single-component name is sent as written, and Hub refuses it.
  if (registry.name === DOCKER_HUB_NAME && !remainder.includes('/')) remainder = `library/${remainder}`

  const fullName = `${registry.name}/${remainder}`
  if (fullName.length > NAME_TOTAL_LENGTH_MAX) {
    throw new UsageError(
      `repository name ${echo(fullName)} is ${fullName.length} characters; it must not be more than ${NAME_TOTAL_LENGTH_MAX}`,
      'reference.name-too-long',
    )
  }

  if (tag === undefined && digest === undefined) tag = 'latest'
  const canonical = fullName + (tag === undefined ? '' : `:${tag}`) + (digest === undefined ? '' : `@${digest}`)
  const result: ImageReference = {
    input,
    registry,
    repository: remainder,
    reference: digest ?? tag!,
    canonical,
  }
  if (tag !== undefined) result.tag = tag
  if (digest !== undefined) result.digest = digest
  const meant = probableRegistry(hasDomain, namePart, input, digest)
  if (meant !== undefined) result.probablyRegistry = meant
  return result
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

interface HostPort {
  hostname: string
  bracketed: boolean
  port?: number
}

/** host [':' port-number], with IPv6 only in brackets. `what` prefixes the error codes. */
function parseHostPort(text: string, input: string, what: 'registry' | 'reference'): HostPort {
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

function buildAddress(input: string, written: string, hp: HostPort, scheme: 'http' | 'https' | undefined): RegistryAddress {
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

/** Messages quote only the digest: the part before '@' could be USER:PASSWORD. */
function checkDigest(digest: string): void {
  const rule = "a digest is ALGORITHM:HEX, e.g. sha256:<64 lower-case hex digits> or sha512:<128>"
  const colon = digest.indexOf(':')
  const algorithm = colon === -1 ? '' : digest.slice(0, colon)
  const hex = colon === -1 ? '' : digest.slice(colon + 1)
  if (colon === -1 || !DIGEST_ALGORITHM.test(algorithm) || !/^[0-9a-fA-F]{32,}$/.test(hex)) {
    throw new UsageError(`invalid digest ${echo(digest)}: ${rule}`, 'reference.invalid-digest')
  }
  const expected = DIGEST_HEX_LENGTH[algorithm]
  if (expected === undefined) {
    throw new UsageError(
      `unsupported digest algorithm ${echo(algorithm)} in digest ${echo(digest)}: use sha256, sha384 or sha512`,
      'reference.unsupported-digest',
    )
  }
  if (hex.length !== expected || !/^[0-9a-f]+$/.test(hex)) {
    throw new UsageError(
      `invalid digest ${echo(digest)}: ${algorithm} needs exactly ${expected} lower-case hex digits, got ${hex.length}`,
      'reference.invalid-digest',
    )
  }
}

/**
 * Docker reads 'myhost:5000' as docker.io/library/myhost:5000 and 'ghcr.io' as docker.io/library/ghcr.io.
 * When the single-component name looks like a host, say which registry the user probably meant.
 */
function probableRegistry(hasDomain: boolean, namePart: string, input: string, digest: string | undefined): string | undefined {
  if (hasDomain || namePart.includes('/') || digest !== undefined) return undefined
  const colon = input.lastIndexOf(':')
  const tag = colon === -1 ? undefined : input.slice(colon + 1)
  if (tag !== undefined) return /^[0-9]+$/.test(tag) ? `${namePart}:${tag}` : undefined
  // A dotted name ending in a letters-only label of 2+ characters reads as a domain (ghcr.io, quay.io).
  if (namePart === 'localhost' || /\.[a-z]{2,}$/.test(namePart)) return namePart
  return undefined
}

function firstIndexOf(s: string, chars: string): number {
  for (let i = 0; i < s.length; i++) if (chars.includes(s[i]!)) return i
  return -1
}

function echo(s: string): string {
  return JSON.stringify(s.length > MAX_ECHO ? `${s.slice(0, MAX_ECHO)}…` : s)
}
