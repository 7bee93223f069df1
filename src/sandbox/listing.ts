import type {RequestContext} from './context.js'
import {sendError, sendJson} from './wire.js'

/** distribution's default page size for the catalog when the client sends no `n`. */
export const DEFAULT_PAGE_SIZE = 100
/** distribution's catalog.maxentries default: a larger `n` is PAGINATION_NUMBER_INVALID. */
export const MAX_PAGE_SIZE = 1000

export interface Page {
  items: string[]
  /** The `last` value of the next page when more entries remain. */
  nextLast?: string
}

/** Entries sorted after `last`, at most `n` of them (pure; the lists are already sorted). */
export function paginate(sorted: readonly string[], n: number, last?: string): Page {
  const rest = last === undefined ? sorted : sorted.filter((item) => item > last)
  const items = rest.slice(0, n)
  return rest.length > n && items.length > 0 ? {items, nextLast: items[items.length - 1]} : {items}
}

/**
 * Registry 2.8 (measured) reads a missing, negative or non-numeric `n` as its default and refuses only one above the
 * limit; undefined here means "refuse".
 */
export function parsePageSize(raw: string | null, fallback: number): number | undefined {
  if (raw === null || !/^\d+$/.test(raw)) return fallback
  const n = Number(raw)
  return n > MAX_PAGE_SIZE ? undefined : n
}

/** RFC 5988 link to the next page: the request path with its query replaced, as catalog.go builds it. */
export function nextLink(pathname: string, n: number, last: string): string {
  return `<${pathname}?${new URLSearchParams({last, n: String(n)}).toString()}>; rel="next"`
}

function listPage(ctx: RequestContext, sorted: readonly string[], body: (items: string[]) => unknown): void {
  const n = parsePageSize(ctx.url.searchParams.get('n'), ctx.pageSize)
  if (n === undefined) return sendError(ctx.res, 'PAGINATION_NUMBER_INVALID', {detail: {n: Number(ctx.url.searchParams.get('n'))}})
  const page = paginate(sorted, n, ctx.url.searchParams.get('last') ?? undefined)
  const headers: Record<string, string> = page.nextLast === undefined ? {} : {Link: nextLink(ctx.url.pathname, n, page.nextLast)}
  sendJson(ctx.res, 200, body(page.items), headers)
}

export function handleCatalog(ctx: RequestContext): void {
  listPage(ctx, ctx.store.repositories(), (repositories) => ({repositories}))
}

export function handleTags(ctx: RequestContext, name: string): void {
  const tags = ctx.store.tags(name)
  if (tags === undefined) return sendError(ctx.res, 'NAME_UNKNOWN', {detail: {name}})
  listPage(ctx, tags, (items) => ({name, tags: items}))
}
