/**
 * Which entry of a pull secret the kubelet matches for an image: k8s pkg/credentialprovider keyring.go, not docker's
 * rules. Pure.
 *
 * BasicDockerKeyring.Add: a key gets "https://" if it has no scheme, is parsed as a URL, and indexed as host+path
 * ("/v1/" and "/v2/" prefixes cut, a bare "/" dropped); the index is sorted in reverse so longer keys come first.
 * Lookup: every key that urlsMatch the image (its normalised name, "docker.io/library/nginx") in index order; if none,
 * the key "index.docker.io" (from "https://index.docker.io/v1/") for an image on Docker Hub.
 * urlsMatch: same port, same number of host labels, each label a filepath.Match glob ("*.example.com",
 * "prefix.*.io"), and the key's path a plain string prefix of the image's path. The scheme is ignored.
 */

export interface KeyringMatch<T> {
  /** The key as written in the secret. */
  key: string
  /** The kubelet's index form of it: host[:port][/path]. */
  index: string
  value: T
  via: 'url' | 'docker-hub-default'
}

const DEFAULT_REGISTRY_HOST = 'index.docker.io'

/** BasicDockerKeyring.Add's index key for one config key. */
export function keyringIndex(key: string): string {
  const value = /^https?:\/\//.test(key) ? key.replace(/^https?:\/\//, '') : key
  const {host, path} = splitHostPath(value)
  const effective = path.startsWith('/v2/') || path.startsWith('/v1/') ? path.slice(3) : path
  return effective.length > 0 && effective !== '/' ? host + effective : host
}

function splitHostPath(schemeless: string): {host: string; path: string} {
  const cut = schemeless.search(/[/?#]/)
  if (cut === -1) return {host: schemeless, path: ''}
  const path = schemeless[cut] === '/' ? schemeless.slice(cut).replace(/[?#].*$/, '') : ''
  return {host: schemeless.slice(0, cut), path}
}

/** net.SplitHostPort, or the whole host and no port when it has none. */
function splitPort(host: string): {labels: string[]; port: string} {
  const v6 = /^\[([^\]]*)\]:(\d*)$/.exec(host)
  if (v6) return {labels: v6[1]!.split('.'), port: v6[2]!}
  const m = /^([^:]*):([^:]*)$/.exec(host)
  return m ? {labels: m[1]!.split('.'), port: m[2]!} : {labels: host.split('.'), port: ''}
}

/** Go's filepath.Match for one host label (no separators there); a malformed pattern matches nothing. */
export function globMatch(pattern: string, name: string): boolean {
  let re = ''
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!
    if (ch === '*') re += '[^/]*'
    else if (ch === '?') re += '[^/]'
    else if (ch === '\\') {
      if (++i >= pattern.length) return false
      re += escapeRe(pattern[i]!)
    } else if (ch === '[') {
      const end = pattern.indexOf(']', i + 1)
      if (end === -1) return false
      const body = pattern.slice(i + 1, end)
      if (body === '' || body === '^') return false
      re += `[${body.startsWith('^') ? `^${body.slice(1).replace(/[\\\]]/g, '\\$&')}` : body.replace(/[\\\]^]/g, '\\$&')}]`
      i = end
    } else re += escapeRe(ch)
  }
  return new RegExp(`^${re}$`).test(name)
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}

/** keyring.go urlsMatchStr: both sides schemeless. */
export function urlsMatch(glob: string, target: string): boolean {
  const g = splitHostPath(glob)
  const t = splitHostPath(target)
  const gh = splitPort(g.host)
  const th = splitPort(t.host)
  if (gh.port !== th.port || gh.labels.length !== th.labels.length) return false
  if (!t.path.startsWith(g.path)) return false
  return gh.labels.every((label, i) => globMatch(label, th.labels[i]!))
}

/** keyring.go isDefaultRegistryMatch: the image is on Docker Hub by its name's first part. */
export function isDefaultRegistryMatch(image: string): boolean {
  const slash = image.indexOf('/')
  const first = slash === -1 ? image : image.slice(0, slash)
  if (first === '') return false
  if (slash === -1) return true
  if (first === 'docker.io' || first === 'index.docker.io') return true
  return !/[.:]/.test(first)
}

/** BasicDockerKeyring.Lookup: the matching entries in the order the kubelet tries them. */
export function kubeletLookup<T>(entries: Array<{key: string; value: T}>, image: string): Array<KeyringMatch<T>> {
  const byIndex = new Map<string, Array<{key: string; value: T}>>()
  for (const e of entries) {
    const index = keyringIndex(e.key)
    byIndex.set(index, [...(byIndex.get(index) ?? []), e])
  }
  const order = [...byIndex.keys()].sort().reverse()
  const out: Array<KeyringMatch<T>> = []
  for (const index of order) {
    if (urlsMatch(index, image)) for (const e of byIndex.get(index)!) out.push({...e, index, via: 'url'})
  }
  if (out.length || !isDefaultRegistryMatch(image)) return out
  return (byIndex.get(DEFAULT_REGISTRY_HOST) ?? []).map((e) => ({...e, index: DEFAULT_REGISTRY_HOST, via: 'docker-hub-default'}))
}
