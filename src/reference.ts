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
import {UsageError} from './errors.js'
import {buildAddress, DOCKER_HUB_NAME, echo, MAX_INPUT_LENGTH, NAME_TOTAL_LENGTH_MAX, parseHostPort, SCHEME_PREFIX, type RegistryAddress} from './registry-address.js'

export {DOCKER_HUB_CONFIG_KEY, DOCKER_HUB_HOST, DOCKER_HUB_NAME, isLoopbackHost, parseRegistry, type RegistryAddress} from './registry-address.js'

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

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/
const TAG = /^\w[\w.-]{0,127}$/
const DIGEST_ALGORITHM = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*$/
/** Docker refuses a bare image ID where a name is expected (reference.anchoredIdentifierRegexp). */
const IMAGE_ID = /^[a-f0-9]{64}$/
/** Known digest algorithms and their hex length (opencontainers/go-digest). */
const DIGEST_HEX_LENGTH: Record<string, number> = {sha256: 64, sha384: 96, sha512: 128}

const TAG_RULE = "a tag is up to 128 letters, digits, '_', '.' or '-', not starting with '.' or '-'"
const PATH_RULE =
  "each path component is lower-case letters and digits, optionally separated by '.', '_', '__' or '-'"

export function parseReference(input: string): ImageReference {
  refuseUnusable(input)
  const at = input.indexOf('@')
  const digest = at === -1 ? undefined : input.slice(at + 1)
  if (digest !== undefined) checkDigest(digest)
  const {namePart, tag} = splitTag(at === -1 ? input : input.slice(0, at), input)
  const {registry, hasDomain, repository} = splitDomain(namePart, input)
  const fullName = `${registry.name}/${repository}`
  if (fullName.length > NAME_TOTAL_LENGTH_MAX) {
    throw new UsageError(
      `repository name ${echo(fullName)} is ${fullName.length} characters; it must not be more than ${NAME_TOTAL_LENGTH_MAX}`,
      'reference.name-too-long',
    )
  }
  const effectiveTag = tag === undefined && digest === undefined ? 'latest' : tag
  const canonical = fullName + (effectiveTag === undefined ? '' : `:${effectiveTag}`) + (digest === undefined ? '' : `@${digest}`)
  const result: ImageReference = {input, registry, repository, reference: digest ?? effectiveTag!, canonical}
  if (effectiveTag !== undefined) result.tag = effectiveTag
  if (digest !== undefined) result.digest = digest
  const meant = probableRegistry(hasDomain, namePart, input, digest)
  if (meant !== undefined) result.probablyRegistry = meant
  return result
}

/** Input that is refused before it is taken apart: empty, too long, carrying credentials, a scheme, an image ID. */
function refuseUnusable(input: string): void {
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
}

/** The tag is after the last ':' only when that ':' is past the last '/' (else it is a port). */
function splitTag(nameAndTag: string, input: string): {namePart: string; tag?: string} {
  if (nameAndTag.startsWith('[') && !nameAndTag.includes('/')) {
    throw new UsageError(
      `${echo(input)} names a registry, not an image: add a repository, e.g. "${nameAndTag}/myimage:latest"`,
      'reference.missing-repository',
    )
  }
  let namePart = nameAndTag
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
  return tag === undefined ? {namePart} : {namePart, tag}
}

/**
 * splitDockerDomain: the first component is a registry only if it has '.' or ':', is 'localhost', or has upper-case
 * letters (a repository never does). Otherwise the registry is docker.io, and a one-component name gets library/.
 */
function splitDomain(namePart: string, input: string): {registry: RegistryAddress; hasDomain: boolean; repository: string} {
  const slash = namePart.indexOf('/')
  const first = slash === -1 ? '' : namePart.slice(0, slash)
  const hasDomain = slash !== -1 && (/[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first)
  const domainText = hasDomain ? first : DOCKER_HUB_NAME
  const remainder = hasDomain ? namePart.slice(slash + 1) : namePart
  if (remainder.length === 0) {
    throw new UsageError(
      `${echo(input)} names the registry "${domainText}" but no repository: write ${domainText}/REPOSITORY[:TAG]`,
      'reference.missing-repository',
    )
  }
  const registry = buildAddress(domainText, domainText, parseHostPort(domainText, input, 'reference'), undefined)
  checkRepository(remainder, input)
  // Docker adds library/ only for the name docker.io (after index.docker.io → docker.io), not for
  // registry-1.docker.io: there a single-component name is sent as written, and Hub refuses it.
  const repository = registry.name === DOCKER_HUB_NAME && !remainder.includes('/') ? `library/${remainder}` : remainder
  return {registry, hasDomain, repository}
}

function checkRepository(remainder: string, input: string): void {
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
