import type {AccessTarget} from './access.js'

/** The distribution API endpoints the sandbox serves, read from a request path. */
export type Route =
  | {kind: 'base'}
  | {kind: 'catalog'}
  | {kind: 'tags'; name: string}
  | {kind: 'manifest'; name: string; reference: string}
  | {kind: 'upload-start'; name: string}
  | {kind: 'upload'; name: string; id: string}
  | {kind: 'blob'; name: string; digest: string}

// The name may contain '/', so each pattern anchors on the fixed suffix. Order matters: uploads before blobs.
const PATTERNS: ReadonlyArray<[RegExp, (m: RegExpExecArray) => Route]> = [
  [/^\/v2\/?$/, () => ({kind: 'base'})],
  [/^\/v2\/_catalog\/?$/, () => ({kind: 'catalog'})],
  [/^\/v2\/(.+)\/tags\/list\/?$/, (m) => ({kind: 'tags', name: m[1]!})],
  [/^\/v2\/(.+)\/manifests\/([^/]+)$/, (m) => ({kind: 'manifest', name: m[1]!, reference: m[2]!})],
  [/^\/v2\/(.+)\/blobs\/uploads\/?$/, (m) => ({kind: 'upload-start', name: m[1]!})],
  [/^\/v2\/(.+)\/blobs\/uploads\/([^/]+)$/, (m) => ({kind: 'upload', name: m[1]!, id: m[2]!})],
  [/^\/v2\/(.+)\/blobs\/([^/]+)$/, (m) => ({kind: 'blob', name: m[1]!, digest: m[2]!})],
]

/** `path` is already percent-decoded. */
export function parseRoute(path: string): Route | undefined {
  for (const [pattern, build] of PATTERNS) {
    const match = pattern.exec(path)
    if (match !== null) return build(match)
  }
  return undefined
}

export function accessTarget(route: Route, query: URLSearchParams): AccessTarget {
  if (route.kind === 'base' || route.kind === 'catalog') return {kind: route.kind}
  const from = query.get('from')
  if (route.kind === 'upload-start' && query.has('mount') && from !== null) return {kind: 'repository', name: route.name, mountFrom: from}
  return {kind: 'repository', name: route.name}
}
