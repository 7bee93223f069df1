import type {AccessEntry, SandboxRule, SandboxUser} from './types.js'

/**
 * Documented in the README and printed by `regprobe sandbox`; tests and the demo rely on them. alice also holds
 * `delete` because distribution maps every DELETE, including cancelling a blob upload, to that action.
 */
export const DEFAULT_USERS: SandboxUser[] = [
  {name: 'alice', password: 'wonderland'},
  {name: 'bob', password: 'builder'},
]

export const DEFAULT_RULES: SandboxRule[] = [
  {who: '*', repo: 'library/*', actions: ['pull']},
  {who: 'alice', repo: '*', actions: ['pull', 'push', 'delete', 'catalog']},
  {who: 'bob', repo: 'team/*', actions: ['pull']},
]

/** Rule action that grants `registry:catalog:*`; '*' grants it too. */
export const CATALOG_ACTION = 'catalog'
const REPOSITORY_ACTIONS = ['pull', 'push', 'delete']

/** '*' spans '/' too, so 'library/*' covers 'library/a/b' as people expect of a permission rule. */
export function globMatches(glob: string, name: string): boolean {
  const pattern = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')
  return new RegExp(`^${pattern}$`).test(name)
}

function rulesFor(rules: readonly SandboxRule[], who: string): SandboxRule[] {
  return rules.filter((r) => r.who === '*' || (who !== '' && r.who === who))
}

/** What `who` ('' = anonymous) may do on one resource, as the concrete action names. */
export function allowedActions(rules: readonly SandboxRule[], who: string, type: string, name: string): string[] {
  const mine = rulesFor(rules, who)
  if (type === 'registry') {
    const catalog = name === 'catalog' && mine.some((r) => r.actions.includes('*') || r.actions.includes(CATALOG_ACTION))
    return catalog ? ['*'] : []
  }
  if (type !== 'repository') return []
  const allowed = new Set<string>()
  for (const rule of mine) {
    if (!globMatches(rule.repo, name)) continue
    for (const action of rule.actions) {
      if (action === '*') for (const a of [...REPOSITORY_ACTIONS, '*']) allowed.add(a)
      else if (action !== CATALOG_ACTION) allowed.add(action)
    }
  }
  return [...allowed]
}

/**
 * The token server grants the intersection of what was asked and what the rules allow, never an error for lack of
 * rights (token.md). Entries keep their place with an empty action list, so a decoded token shows what was refused.
 */
export function grantAccess(rules: readonly SandboxRule[], who: string, requested: readonly AccessEntry[]): AccessEntry[] {
  return requested.map((entry) => {
    const allowed = allowedActions(rules, who, entry.type, entry.name)
    return {type: entry.type, name: entry.name, actions: entry.actions.filter((a) => allowed.includes(a))}
  })
}
