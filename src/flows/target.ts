import {parseReference, parseRegistry, type ImageReference, type RegistryAddress} from '../reference.js'
import type {Finding} from '../trace/types.js'

/**
 * A REF follows docker's rules, so `host:5000` is the image docker.io/library/host:5000. Accept a REGISTRY where a
 * REF is expected only when it is unambiguous (a scheme, or a host with a dot/port and nothing after it), and say so.
 */
export function resolveTarget(input: string): {registry: RegistryAddress; ref?: ImageReference; notes: Finding[]} {
  const notes: Finding[] = []
  if (/^https?:\/\//i.test(input)) {
    const rest = input.replace(/^https?:\/\//i, '').replace(/\/+$/, '')
    if (!rest.includes('/')) return {registry: parseRegistry(input), notes}
    const scheme = input.slice(0, input.indexOf('://')).toLowerCase()
    const ref = parseReference(rest)
    const registry = parseRegistry(`${scheme}://${ref.registry.host === 'registry-1.docker.io' ? ref.registry.name : ref.registry.host}`)
    return {registry, ref: {...ref, registry}, notes}
  }
  const ref = parseReference(input)
  if (ref.probablyRegistry) {
    notes.push({
      code: 'reference.probably-registry',
      severity: 'warn',
      message: `"${input}" is, by docker's rules, the image ${ref.canonical}; if you meant the registry ${ref.probablyRegistry}, add a repository: ${ref.probablyRegistry}/REPOSITORY`,
    })
  }
  return {registry: ref.registry, ref, notes}
}
