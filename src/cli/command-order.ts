/**
 * The order a person meets the stages in, which is also the order to read the command list in (help, README,
 * completion). oclif sorts alphabetically, which puts `catalog` first and `probe` near the end.
 */
export const FLOW_ORDER: readonly string[] = [
  'probe',
  'challenge',
  'token',
  'login',
  'logout',
  'catalog',
  'tags',
  'doctor',
  'explain',
  'creds',
  'daemon',
  'compare',
  'sandbox',
  'demo',
  'completion',
]

/** Commands in flow order; any command not listed (a new one) follows, alphabetically, so none is ever dropped. */
export function sortByFlow<T extends {id: string}>(commands: readonly T[]): T[] {
  const rank = (id: string) => {
    const i = FLOW_ORDER.indexOf(id)
    return i === -1 ? FLOW_ORDER.length : i
  }
  return [...commands].sort((a, b) => rank(a.id) - rank(b.id) || a.id.localeCompare(b.id))
}
