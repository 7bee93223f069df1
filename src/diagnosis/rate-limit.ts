import {isIP} from 'node:net'

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

export function describeRateLimit(headers: {get(name: string): string | null}, nowMs: number): RateLimitView {
  const parts: string[] = []
  const limit = /^(\d+)(?:;w=(\d+))?/.exec(headers.get('ratelimit-limit') ?? '')
  const remaining = /^(\d+)/.exec(headers.get('ratelimit-remaining') ?? '')
  if (limit) parts.push(`${limit[1]} pulls${limit[2] ? ` per ${window(Number(limit[2]))}` : ''}`)
  if (remaining) parts.push(`${remaining[1]} left`)
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
