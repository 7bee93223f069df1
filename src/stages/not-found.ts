import {ExitCode, type Exchange, type Finding} from '../trace/types.js'
import type {ImageReference} from '../reference.js'
import {registryErrors, type StageContext} from './context.js'

/**
 * A 404 of a manifest does not say what is missing: distribution answers MANIFEST_UNKNOWN for a missing tag and for a
 * missing repository alike. One `GET /v2/<repo>/tags/list` tells them apart (NAME_UNKNOWN for a repository that does
 * not exist) and gives the tags that do, for "did you mean". Only ever sent after a 404, so a healthy doctor stays at
 * three requests.
 */
export interface TagsAnswer {
  status?: number
  /** OCI error codes of the answer (NAME_UNKNOWN, ...). */
  codes: string[]
  tags?: string[]
}

export async function listTags(ctx: StageContext, baseUrl: string, repository: string, auth: Record<string, string>): Promise<{answer: TagsAnswer; exchanges: Exchange[]}> {
  const r = await ctx.http.send({method: 'GET', url: `${baseUrl}/v2/${repository}/tags/list`, headers: {accept: 'application/json', ...auth}})
  const tags = (r.json as {tags?: unknown} | undefined)?.tags
  const answer: TagsAnswer = {status: r.status, codes: registryErrors(r).map((e) => e.code.toUpperCase())}
  if (Array.isArray(tags)) answer.tags = tags.filter((t): t is string => typeof t === 'string')
  return {answer, exchanges: r.exchanges}
}

/** Levenshtein distance, for "did you mean" among a repository's tags. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({length: b.length + 1}, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    prev = row
  }
  return prev[b.length]!
}

/** Up to `n` tags nearest to `wanted`: by edit distance, ties by name descending (v1.1 before v1.0: newer first). */
export function nearestTags(wanted: string, tags: readonly string[], n = 3): string[] {
  return [...tags]
    .map((t) => ({t, d: editDistance(wanted, t)}))
    .sort((x, y) => x.d - y.d || y.t.localeCompare(x.t))
    .slice(0, n)
    .map((x) => x.t)
}

export interface NotFoundInput {
  ref: ImageReference
  /** What the manifest 404 said, docker-style. */
  said?: string
  tags?: TagsAnswer
  /** Push is being proven too: a tag (or repository) that does not exist yet is what a push creates. */
  pushing: boolean
}

/** The finding for a manifest 404, judged without I/O from the tags/list answer. */
export function notFoundFinding(i: NotFoundInput): Finding {
  const {repository, reference} = i.ref
  const digest = reference.includes(':')
  const hub = i.ref.registry.isDockerHub ? ' (on Docker Hub, official images live under library/, the others under a user or organisation)' : ''
  const why = `404${i.said ? `: ${i.said}` : ''}`
  const repoMissing = i.tags?.status === 404 && i.tags.codes.includes('NAME_UNKNOWN')
  if (i.pushing) {
    const what = repoMissing ? `the repository ${repository} does not exist yet` : `${repository}:${reference} does not exist yet`
    return {code: 'access.pull.not-yet-pushed', severity: 'info', message: `${what}: a push creates it`}
  }
  if (repoMissing) {
    return {code: 'access.pull.repository-not-found', severity: 'error', exitCode: ExitCode.NOT_FOUND, message: `the repository ${repository} does not exist on ${i.ref.registry.host} (tags/list answered NAME_UNKNOWN)`, fix: `Check the repository name${hub}: namespace, spelling and case.`, evidence: `GET /v2/${repository}/tags/list → 404 NAME_UNKNOWN`}
  }
  const tags = i.tags?.status === 200 ? i.tags.tags : undefined
  if (tags && !digest) {
    const near = nearestTags(reference, tags)
    const listed = tags.length === 0 ? 'the repository has no tags' : `did you mean ${near.join(', ')}?${tags.length > near.length ? ` (${tags.length} tags in all)` : ''}`
    return {code: 'access.pull.tag-not-found', severity: 'error', exitCode: ExitCode.NOT_FOUND, message: `${repository} exists, but has no tag "${reference}" (${why}); ${listed}`, fix: tags.length ? `Use an existing tag (regprobe tags ${i.ref.registry.host}/${repository} lists them), or push ${reference} first.` : `Push ${repository}:${reference} first.`, evidence: `GET /v2/${repository}/tags/list → 200`}
  }
  return {code: 'access.pull.not-found', severity: 'error', exitCode: ExitCode.NOT_FOUND, message: `${repository}:${reference} not found (${why})`, fix: `Check the repository name and ${digest ? 'digest' : 'tag'}${hub}.`}
}

