import {UsageError} from '../errors.js'

const KNOWN = new Set(['pull', 'push', 'delete', '*'])

export function parseActions(input: string | undefined): string[] {
  const actions = [...new Set((input ?? 'pull').split(/[\s,]+/).filter(Boolean).map((a) => a.toLowerCase()))]
  const bad = actions.filter((a) => !KNOWN.has(a))
  if (bad.length) throw new UsageError(`unknown action ${bad.map((b) => `"${b}"`).join(', ')} in --actions: use pull, push or delete`, 'flag.actions')
  return actions.length ? actions : ['pull']
}
