/**
 * CI context for empty secrets (failure-stories.md #19): under GitHub Actions an undefined secret expands to "",
 * and a pull request from a fork gets no secrets at all.
 */
import {readFile} from 'node:fs/promises'

/** The event payload is small JSON; a larger file is not one, so it is not parsed. */
const MAX_EVENT_BYTES = 1024 * 1024

export interface GithubEventFacts {
  /** undefined: could not tell. */
  fromFork?: boolean
  head?: string
  base?: string
}

/** Pure: reads the pull_request part of $GITHUB_EVENT_PATH's JSON. */
export function forkFromEvent(event: unknown): GithubEventFacts {
  const pr = (event as {pull_request?: {head?: {repo?: {fork?: unknown; full_name?: unknown}}; base?: {repo?: {full_name?: unknown}}}})?.pull_request
  const head = pr?.head?.repo?.full_name
  const base = pr?.base?.repo?.full_name
  const facts: GithubEventFacts = {}
  if (typeof head === 'string') facts.head = head
  if (typeof base === 'string') facts.base = base
  if (facts.head && facts.base) facts.fromFork = facts.head !== facts.base
  else if (typeof pr?.head?.repo?.fork === 'boolean') facts.fromFork = pr.head.repo.fork
  return facts
}

/** One sentence to add to an empty-secret finding, or undefined outside GitHub Actions. */
export async function emptySecretCiHint(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (env.GITHUB_ACTIONS !== 'true') return undefined
  const event = env.GITHUB_EVENT_NAME
  // pull_request_target runs in the base repository with its secrets; only pull_request (and its review events) lose them.
  if (event === 'pull_request' || event === 'pull_request_review' || event === 'pull_request_review_comment') {
    let facts: GithubEventFacts = {}
    if (env.GITHUB_EVENT_PATH) {
      try {
        const text = await readFile(env.GITHUB_EVENT_PATH, 'utf8')
        if (text.length <= MAX_EVENT_BYTES) facts = forkFromEvent(JSON.parse(text))
      } catch {}
    }
    if (facts.fromFork === true) return `This run is a pull request from the fork ${facts.head ?? '(unknown)'}: GitHub Actions passes no secrets to such runs, so every secrets.* expands to an empty string.`
    if (facts.fromFork === false) return 'This pull request comes from the same repository, so the secret is probably undefined or misspelled (or read as env.X instead of secrets.X).'
    return `This is a ${event} run under GitHub Actions: if the pull request comes from a fork, GitHub passes no secrets and they expand to empty strings.`
  }
  return 'Under GitHub Actions an undefined or misspelled secret (or env.X where secrets.X was meant) expands to an empty string.'
}
