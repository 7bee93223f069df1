/**
 * The listing endpoints as data: /v2/_catalog (not part of the OCI spec; distribution's handlers/catalog.go) and
 * /v2/<name>/tags/list (OCI end-8b), both paginated with `n`, `last` and `Link: <…>; rel="next"` (RFC 8288). Pure.
 */
import {formatScope, repositoryScope} from '../auth/scope.js'

/** --all stops here: 100 pages of distribution's maximum 1000 entries is 100 000 names, more than any person reads. */
export const MAX_LIST_PAGES = 100
/** The scope distribution asks for on /v2/_catalog (app.go appendCatalogAccessRecord). */
export const CATALOG_SCOPE = 'registry:catalog:*'

export type ListTarget = {kind: 'catalog'} | {kind: 'tags'; repository: string}

export function listPath(target: ListTarget): string {
  return target.kind === 'catalog' ? '/v2/_catalog' : `/v2/${target.repository}/tags/list`
}

export function firstPageUrl(baseUrl: string, target: ListTarget, pageSize?: number): string {
  return `${baseUrl}${listPath(target)}${pageSize === undefined ? '' : `?n=${pageSize}`}`
}

export function defaultScope(target: ListTarget): string {
  return target.kind === 'catalog' ? CATALOG_SCOPE : formatScope(repositoryScope(target.repository, ['pull']))
}

/**
 * The target of the `rel="next"` link in a Link header (RFC 8288 §3), or undefined. Pure. Handles several links in one
 * header (commas inside <…> are part of the URL), `rel` quoted or bare and holding several relation types, and
 * parameters in any order and case. The URL is returned as written: relative ones resolve against the request URL.
 */
export function parseNextLink(header: string | null | undefined): string | undefined {
  if (!header) return undefined
  let i = 0
  while (i < header.length) {
    const open = header.indexOf('<', i)
    if (open === -1) return undefined
    const close = header.indexOf('>', open + 1)
    if (close === -1) return undefined
    const target = header.slice(open + 1, close).trim()
    // The parameters run to the next link, which starts at a comma followed by '<'.
    const nextLink = header.slice(close + 1).search(/,\s*</)
    const end = nextLink === -1 ? header.length : close + 1 + nextLink
    const params = header.slice(close + 1, end)
    const rel = /(?:^|;)\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(params)
    const rels = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/)
    if (rels.includes('next') && target) return target
    i = end + 1
  }
  return undefined
}

/** The names a page holds: {"repositories":[…]} or {"name":…,"tags":[…]} (tags may be null for an empty repository). */
export function parsePage(target: ListTarget, json: unknown): string[] | undefined {
  if (!json || typeof json !== 'object' || Array.isArray(json)) return undefined
  const list = (json as Record<string, unknown>)[target.kind === 'catalog' ? 'repositories' : 'tags']
  if (list === null && target.kind === 'tags') return []
  if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) return undefined
  return list as string[]
}

