import type {AccessEntry} from './types.js'

/** A scope the token server cannot read; answered with 400 INVALID_REQUEST (as Quay does). */
export class ScopeSyntaxError extends Error {
  constructor(readonly scope: string) {
    super(`malformed scope ${JSON.stringify(scope)}: expected type:name:actions`)
    this.name = 'ScopeSyntaxError'
  }
}

/**
 * Server-side reading of the scopes a client asks for. GET repeats `scope=`, the OAuth2 POST puts a space-separated
 * list in one field, so each value is split on spaces. Per scope.md the name may hold one ':' (host:port), so the
 * actions are split off at the LAST colon and the type at the first; a resource class such as `repository(plugin)`
 * is deprecated and ignored. Entries naming the same resource are merged.
 */
export function parseScopes(values: readonly string[]): AccessEntry[] {
  const merged = new Map<string, AccessEntry>()
  for (const value of values) {
    for (const scope of value.split(' ')) {
      if (scope === '') continue
      const first = scope.indexOf(':')
      const last = scope.lastIndexOf(':')
      if (first <= 0 || last === first || last === scope.length - 1) throw new ScopeSyntaxError(scope)
      const type = scope.slice(0, first).replace(/\(.*\)$/, '')
      const name = scope.slice(first + 1, last)
      const actions = scope.slice(last + 1).split(',').filter((a) => a !== '')
      if (name === '' || actions.length === 0) throw new ScopeSyntaxError(scope)
      const key = `${type}:${name}`
      const entry = merged.get(key) ?? {type, name, actions: []}
      for (const action of actions) if (!entry.actions.includes(action)) entry.actions.push(action)
      merged.set(key, entry)
    }
  }
  return [...merged.values()]
}

/** The challenge form: `repository:a:pull,push repository:b:pull` (distribution joins scopes with a space). */
export function formatScopes(entries: readonly AccessEntry[]): string {
  return entries.map((e) => `${e.type}:${e.name}:${e.actions.join(',')}`).join(' ')
}
