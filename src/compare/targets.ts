import {UsageError} from '../errors.js'
import {parseReference, parseRegistry, type ImageReference, type RegistryAddress} from '../reference.js'
import {DEFAULT_REPOSITORY_BY_REGISTRY, PRESET_NAMES, PRESETS} from './presets.js'

/** One column of the comparison: a registry, and the repository its challenge and token are asked for. */
export interface CompareTarget {
  label: string
  /** What the user wrote (or the preset's registry). */
  input: string
  registry: RegistryAddress
  ref?: ImageReference
}

/** Every registry costs a few requests at once; more than this is a scan, not a comparison. */
export const MAX_TARGETS = 16

export interface TargetOptions {
  /** --repo: the repository for every registry named without one. */
  repo?: string
  preset?: string
}

/**
 * Turns the arguments into columns. Pure. An argument is REGISTRY (host[:port], optionally with a scheme) or
 * REGISTRY/REPOSITORY[:TAG] — unlike a docker REF, the first component is always the registry here, because every
 * argument of `compare` names a registry.
 */
export function expandTargets(args: readonly string[], opts: TargetOptions = {}): CompareTarget[] {
  const out: CompareTarget[] = []
  if (opts.preset !== undefined) {
    const entries = PRESETS[opts.preset]
    if (!entries) throw new UsageError(`unknown preset "${opts.preset}": known presets are ${PRESET_NAMES.join(', ')}`, 'compare.unknown-preset')
    for (const e of entries) {
      const repo = opts.repo ?? e.repository
      out.push(target(e.label, e.registry, repo, opts.repo ? undefined : e.tag))
    }
  }
  for (const arg of args) out.push(parseTargetArg(arg, opts.repo))
  if (out.length === 0) throw new UsageError('name at least one registry, or --preset public', 'compare.no-registry')
  if (out.length > MAX_TARGETS) throw new UsageError(`${out.length} registries: compare takes at most ${MAX_TARGETS}`, 'compare.too-many')
  return out
}

export function parseTargetArg(arg: string, repo?: string): CompareTarget {
  // Any scheme is split off here and judged by parseRegistry, which accepts only http and https.
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(arg)
  const rest = scheme ? arg.slice(scheme[0].length) : arg
  const slash = rest.indexOf('/')
  const host = slash === -1 ? rest.replace(/\/+$/, '') : rest.slice(0, slash)
  const path = slash === -1 ? '' : rest.slice(slash + 1).replace(/\/+$/, '')
  const registryInput = scheme ? `${scheme[1]!}://${host}` : host
  const registry = parseRegistry(registryInput)
  // The column is headed by the registry; the repository is listed under the table.
  const label = registry.name
  if (path) return withRef(label, arg, registry, path)
  const fallback = repo ?? DEFAULT_REPOSITORY_BY_REGISTRY[registry.name]
  return fallback ? withRef(label, arg, registry, fallback) : {label, input: arg, registry}
}

function target(label: string, registryInput: string, repo: string, tag?: string): CompareTarget {
  return withRef(label, registryInput, parseRegistry(registryInput), tag ? `${repo}:${tag}` : repo)
}

/** Parse the repository against a neutral host so that docker's rules for names and tags apply, then re-home it. */
function withRef(label: string, input: string, registry: RegistryAddress, repoAndTag: string): CompareTarget {
  const parsed = parseReference(`registry.invalid/${repoAndTag}`)
  const repository = registry.isDockerHub && !parsed.repository.includes('/') ? `library/${parsed.repository}` : parsed.repository
  const ref: ImageReference = {
    ...parsed,
    input: `${registry.name}/${repoAndTag}`,
    registry,
    repository,
    canonical: `${registry.name}/${repository}${parsed.digest ? `@${parsed.digest}` : `:${parsed.reference}`}`,
  }
  return {label, input, registry, ref}
}
