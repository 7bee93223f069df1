/**
 * Which config key names a registry: docker's rules and podman's. Pure.
 */
import type {RegistryKeyInfo} from './types.js'

/**
 * docker/cli cli/config/credentials/file_store.go ConvertToHostname: a key with a scheme becomes host[:port];
 * anything else loses everything from the first '/'. So 'https://ghcr.io', 'http://ghcr.io/v1/' and 'ghcr.io/v1/'
 * all match 'ghcr.io'.
 */
export function convertToHostname(maybeUrl: string): string {
  if (maybeUrl.includes('://')) {
    try {
      const u = new URL(maybeUrl)
      if (u.hostname !== '') return u.port === '' ? u.hostname : `${u.hostname}:${u.port}`
    } catch {}
  }
  const slash = maybeUrl.indexOf('/')
  return slash === -1 ? maybeUrl : maybeUrl.slice(0, slash)
}

export type KeyMatch = {key: string; by: 'exact' | 'hostname'}

/**
 * docker's file store Get (file_store.go): the exact key, else the first key whose ConvertToHostname equals the
 * looked-up address. For Docker Hub the address is 'https://index.docker.io/v1/', which no hostname equals, so only
 * the exact key works there.
 */
export function dockerKeyMatch(keys: string[], configKey: string): KeyMatch | undefined {
  if (keys.includes(configKey)) return {key: configKey, by: 'exact'}
  const k = keys.find((key) => convertToHostname(key) === configKey)
  return k === undefined ? undefined : {key: k, by: 'hostname'}
}

/** containers/image pkg/docker/config normalizeRegistry: Hub's names fold into one. */
export function normalizePodmanRegistry(registry: string): string {
  return registry === 'registry-1.docker.io' || registry === 'docker.io' ? 'index.docker.io' : registry
}

/** containers/image normalizeAuthFileKey: URL keys lose scheme and path, then Hub's names fold. */
export function normalizePodmanKey(key: string): string {
  let stripped = key.replace(/^http:\/\//, '')
  stripped = stripped.replace(/^https:\/\//, '')
  if (stripped !== key) stripped = stripped.split('/')[0]!
  return normalizePodmanRegistry(stripped)
}

/**
 * containers/image authKeysForKey: 'quay.io/org/ns/image' → itself, 'quay.io/org/ns', 'quay.io/org', 'quay.io'.
 * podman's registry name for Hub is 'docker.io' (reference.Domain), so Hub keys are 'docker.io/library/alpine', … .
 */
export function podmanKeysFor(registryName: string, repository?: string): string[] {
  const keys: string[] = []
  let key = repository ? `${registryName}/${repository}` : registryName
  for (;;) {
    keys.push(key)
    const slash = key.lastIndexOf('/')
    if (slash === -1) break
    key = key.slice(0, slash)
  }
  return keys
}

/** containers/image findCredentialsInFile: exact keys, most specific first; then any key that normalises to the registry. */
export function podmanKeyMatch(keys: string[], registryName: string, repository?: string): KeyMatch | undefined {
  for (const k of podmanKeysFor(registryName, repository)) if (keys.includes(k)) return {key: k, by: 'exact'}
  const want = normalizePodmanRegistry(registryName)
  const k = keys.find((key) => normalizePodmanKey(key) === want)
  return k === undefined ? undefined : {key: k, by: 'hostname'}
}

const HUB_NAMES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com'])

/** A forgiving reading of a key, for "looks like this registry but does not match": no scheme, path, case, :443. */
export function looseHost(key: string): string {
  let h = key.trim().toLowerCase().replace(/^[a-z][a-z0-9+.-]*:\/\//, '')
  h = h.split('/')[0]!.replace(/:443$/, '')
  return HUB_NAMES.has(h) ? 'docker.io' : h
}

/** Keys that a person would read as this registry but that the given matcher does not pick. */
export function nearMisses(keys: string[], registry: RegistryKeyInfo, matched?: string): string[] {
  const want = registry.isDockerHub ? 'docker.io' : looseHost(registry.configKey)
  return keys.filter((k) => k !== matched && looseHost(k) === want)
}

/** The key docker uses for a registry: Hub keeps its v1 URL (docker/cli getAuthConfigKey, moby IndexServer). */
export function dockerKeyFor(registry: RegistryKeyInfo): string {
  return registry.configKey
}

/** What `docker-credential-* get` receives on stdin from docker: the same key (native_store.go). */
export const helperServerUrlFor = dockerKeyFor
