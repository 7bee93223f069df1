import {isIP} from 'node:net'
import {ExitCode, type Finding, type RateLimitFacts} from '../trace/types.js'

/**
 * Docker Hub's rate-limit headers, said in words (registry-auth.md: `ratelimit-limit: 100;w=21600`,
 * `ratelimit-remaining`, `docker-ratelimit-source: <IP or account id>`), and a 429's Retry-After (RFC 9110 §10.2.3:
 * seconds or an HTTP date; containers/image waits for it).
 */
export interface RateLimitView {
  /** "100 pulls per 6 h, 0 left, counted against 203.0.113.7 (an IP address: …)" — empty when no header says anything. */
  text: string
  /** The limit is counted against an IP address, which anonymous clients behind one NAT share. */
  byAddress: boolean
  retryAfterS?: number
}

/** The rate-limit headers as sent, and their numbers as values (`100;w=21600` → limit 100, windowS 21600). */
export function rateLimitFacts(headers: {get(name: string): string | null}): RateLimitFacts {
  const out: RateLimitFacts = {}
  for (const name of ['ratelimit-limit', 'ratelimit-remaining', 'docker-ratelimit-source'] as const) {
    const v = headers.get(name)
    if (v) out[name] = v
  }
  const limit = /^(\d+)(?:;w=(\d+))?/.exec(out['ratelimit-limit'] ?? '')
  const remaining = /^(\d+)/.exec(out['ratelimit-remaining'] ?? '')
  if (limit) out.limit = Number(limit[1])
  if (limit?.[2]) out.windowS = Number(limit[2])
  if (remaining) out.remaining = Number(remaining[1])
  return out
}

export function describeRateLimit(headers: {get(name: string): string | null}, nowMs: number): RateLimitView {
  const parts: string[] = []
  const {limit, windowS, remaining} = rateLimitFacts(headers)
  if (limit !== undefined) parts.push(`${limit} pulls${windowS ? ` per ${window(windowS)}` : ''}`)
  if (remaining !== undefined) parts.push(`${remaining} left`)
  const source = headers.get('docker-ratelimit-source')?.trim()
  const byAddress = !!source && isIP(source) !== 0
  if (source) parts.push(`counted against ${source}${byAddress ? ' (an IP address: anonymous pulls share the limit with every machine behind it)' : ' (an account)'}`)
  const retryAfterS = retryAfter(headers.get('retry-after'), nowMs)
  if (retryAfterS !== undefined) parts.push(`retry after ${retryAfterS} s`)
  return {text: parts.join(', '), byAddress, ...(retryAfterS === undefined ? {} : {retryAfterS})}
}

function window(seconds: number): string {
  return seconds % 3600 === 0 ? `${seconds / 3600} h` : seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`
}

function retryAfter(value: string | null, nowMs: number): number | undefined {
  if (!value) return undefined
  if (/^\d+$/.test(value.trim())) return Number(value.trim())
  const at = Date.parse(value)
  return Number.isFinite(at) ? Math.max(0, Math.round((at - nowMs) / 1000)) : undefined
}

type Headers = {get(name: string): string | null}

/** The fix for a spent pull budget: wait (Retry-After when known), authenticate, or a mirror. */
function rateLimitFix(limit: RateLimitView, anonymous: boolean): string {
  const wait = limit.retryAfterS === undefined ? 'Wait for the window to reset' : `Wait ${limit.retryAfterS} s (Retry-After)`
  return anonymous || limit.byAddress
    ? `${wait}, or authenticate: an account gets its own, higher limit instead of sharing this address's; a pull-through mirror also helps.`
    : `${wait}, or use a pull-through mirror; a higher plan raises the account's limit.`
}

/** A 429 (TOOMANYREQUESTS): docker says "toomanyrequests: You have reached your pull rate limit". */
export function rateLimitedFinding(headers: Headers, said: string | undefined, anonymous: boolean, nowMs: number): Finding {
  const limit = describeRateLimit(headers, nowMs)
  return {
    code: 'access.rate-limited',
    severity: 'error',
    exitCode: ExitCode.RATE_LIMITED,
    message: `rate limited (429${said ? `: ${said}` : ''})${limit.text ? `; ${limit.text}` : ''}${anonymous ? '; this request was anonymous' : ''}`,
    fix: rateLimitFix(limit, anonymous),
  }
}

/**
 * `ratelimit-remaining: 0` on a manifest HEAD that answered 200: the HEAD is free (Docker Hub counts GETs), but the GET
 * that docker's pull sends next is refused with 429, so the pull fails. Undefined when pulls are left.
 */
export function exhaustedFinding(headers: Headers, anonymous: boolean, nowMs: number): Finding | undefined {
  const remaining = /^(\d+)/.exec(headers.get('ratelimit-remaining') ?? '')
  if (!remaining || Number(remaining[1]) !== 0) return undefined
  const limit = describeRateLimit(headers, nowMs)
  return {
    code: 'access.rate-limit.exhausted',
    severity: 'error',
    exitCode: ExitCode.RATE_LIMITED,
    message: `no pulls left (${limit.text}): the manifest HEAD answered 200 (a HEAD is not counted), but the GET that docker's pull sends will be refused with 429 "toomanyrequests"${anonymous ? '; these requests were anonymous' : ''}`,
    fix: rateLimitFix(limit, anonymous),
    evidence: `ratelimit-remaining: ${headers.get('ratelimit-remaining')}`,
  }
}
