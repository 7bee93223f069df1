import {readFileSync} from 'node:fs'
import nock from 'nock'

export interface WireRequest {
  method: string
  url: string
  reqHeaders?: Record<string, string>
  status: number
  resHeaders?: Record<string, string>
  body?: string
}
export interface WireFixture {
  registry: string
  scenario: string
  confirmed: string
  source: string
  notes?: string
  requests: WireRequest[]
}

const root = new URL('../../../test/fixtures/wire/', import.meta.url)

export function loadWire(name: string): WireFixture {
  return JSON.parse(readFileSync(new URL(`${name}.json`, root), 'utf8')) as WireFixture
}

export interface MountOptions {
  /** Serve the recorded answer for another method (e.g. a recorded GET of a manifest answers our HEAD). */
  method?: string
  /** Match any query string (the recorded one is still the documented shape). */
  anyQuery?: boolean
  /** Assert the request carried these headers (regexp on the value), e.g. authorization. */
  expectHeaders?: Record<string, RegExp>
  /** Reply this many times (default 1). */
  times?: number
  /** Override the recorded status/body/headers for a variant of the scenario (say why in the test). */
  status?: number
  body?: string
  headers?: Record<string, string>
}

/** Mounts one recorded exchange as a nock interceptor; returns the scope so the test can assert it was used. */
export function mountRequest(r: WireRequest, opts: MountOptions = {}): nock.Scope {
  const u = new URL(r.url)
  const method = (opts.method ?? r.method).toLowerCase()
  const scope = nock(u.origin)
  const path = opts.anyQuery ? (p: string) => p.split('?')[0] === u.pathname : `${u.pathname}${u.search}`
  let interceptor = scope.intercept(path as string, method)
  for (const [k, re] of Object.entries(opts.expectHeaders ?? {})) interceptor = interceptor.matchHeader(k, (v) => re.test(String(v)))
  interceptor.times(opts.times ?? 1).reply(opts.status ?? r.status, method === 'head' ? undefined : opts.body ?? r.body ?? '', {...(r.resHeaders ?? {}), ...(opts.headers ?? {})})
  return scope
}

export function mountAll(fx: WireFixture): nock.Scope[] {
  return fx.requests.map((r) => mountRequest(r))
}

export function setupNock(): void {
  nock.disableNetConnect()
  // Loopback stays reachable for the tests that start real servers.
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/)
}

export function resetNock(): void {
  nock.cleanAll()
}

export function assertDone(scopes: nock.Scope[]): void {
  for (const s of scopes) s.done()
}
