/**
 * Token scopes (distribution docs/spec/auth/scope.md) and the requested-vs-granted comparison.
 *
 *   scope          := resourcescope [ ' ' resourcescope ]*
 *   resourcescope  := resourcetype ":" resourcename ":" action [ ',' action ]*
 *   resourcetype   := resourcetypevalue [ '(' resourcetypevalue ')' ]
 *   resourcename   := [ hostname '/' ] component [ '/' component ]*     (hostname may be host:port)
 *
 * The name may hold a ':' (host:port), so the type is split off at the FIRST colon and the actions at the LAST.
 * Parsing is deliberately looser than the grammar on names and actions (Harbor sends 'scanner-pull',
 * registries use '*'): a tool that diagnoses must read what servers really send.
 */

export interface ResourceScope {
  type: string
  /** The deprecated resource class: 'plugin' in 'repository(plugin)'. */
  resourceClass?: string
  name: string
  actions: string[]
}

/** One entry of a JWT 'access' claim. */
export interface AccessEntry {
  type: string
  name: string
  actions: string[]
}

export interface ScopeComparison {
  type: string
  name: string
  requested: string[]
  granted: string[]
  missing: string[]
}

// resourcetypevalue: the spec says /[a-z0-9]+/; '_' and '-' are tolerated, upper case too.
const TYPE = /^([A-Za-z0-9_-]+)(?:\(([A-Za-z0-9_-]+)\))?$/

export function parseScope(s: string): ResourceScope | undefined {
  if (typeof s !== 'string' || /\s/.test(s)) return undefined
  const first = s.indexOf(':')
  const last = s.lastIndexOf(':')
  if (first === -1 || last === first) return undefined
  const typeMatch = TYPE.exec(s.slice(0, first))
  const name = s.slice(first + 1, last)
  if (!typeMatch || name.length === 0) return undefined
  const actions = s
    .slice(last + 1)
    .split(',')
    .filter((a) => a.length > 0)
  const scope: ResourceScope = {type: typeMatch[1]!, name, actions}
  if (typeMatch[2] !== undefined) scope.resourceClass = typeMatch[2]
  return scope
}

/** Space-separated list (the form of a challenge's scope param and of an OAuth2 POST's scope field). */
export function parseScopes(s: string): {scopes: ResourceScope[]; invalid: string[]} {
  const scopes: ResourceScope[] = []
  const invalid: string[] = []
  if (typeof s !== 'string') return {scopes, invalid}
  for (const item of s.split(/[ \t]+/)) {
    if (item.length === 0) continue
    const scope = parseScope(item)
    if (scope) scopes.push(scope)
    else invalid.push(item)
  }
  return {scopes, invalid}
}

export function formatScope(s: ResourceScope): string {
  const type = s.resourceClass === undefined ? s.type : `${s.type}(${s.resourceClass})`
  return `${type}:${s.name}:${s.actions.join(',')}`
}

export function repositoryScope(name: string, actions: string[]): ResourceScope {
  return {type: 'repository', name, actions: [...new Set(actions)]}
}

/**
 * One comparison per requested resource (type + name; requests for the same resource are merged). A granted
 * '*' covers every action. The resource class is ignored, as the spec says servers do.
 * `granted` undefined means the token told us nothing (opaque token): everything is reported missing.
 */
export function compareAccess(requested: ResourceScope[], granted: AccessEntry[] | undefined): ScopeComparison[] {
  const byResource = new Map<string, ScopeComparison>()
  for (const r of requested) {
    const key = resourceKey(r.type, r.name)
    let entry = byResource.get(key)
    if (!entry) {
      entry = {type: r.type, name: r.name, requested: [], granted: [], missing: []}
      byResource.set(key, entry)
    }
    for (const a of r.actions) if (!entry.requested.includes(a)) entry.requested.push(a)
  }
  for (const entry of byResource.values()) {
    for (const g of granted ?? []) {
      if (g === null || typeof g !== 'object' || g.type !== entry.type || g.name !== entry.name) continue
      for (const a of Array.isArray(g.actions) ? g.actions : []) {
        if (typeof a === 'string' && !entry.granted.includes(a)) entry.granted.push(a)
      }
    }
    const all = entry.granted.includes('*')
    entry.missing = entry.requested.filter((a) => !all && !entry.granted.includes(a))
  }
  return [...byResource.values()]
}

function resourceKey(type: string, name: string): string {
  return `${type}\u0000${name}`
}
