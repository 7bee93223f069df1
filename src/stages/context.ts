import type {HttpClient, HttpResult} from '../http/client.js'
import type {Lookup} from '../http/network-path.js'
import type {Exchange, Finding, StageFacts, StageName, StepOf, StepStatus} from '../trace/types.js'

/** What every stage gets: the one HTTP client (with its recorder and secret box) and a clock that tests can set. */
export interface StageContext {
  http: HttpClient
  /** Milliseconds since the epoch; injectable so clock-skew rules are testable. */
  now: () => number
  /** Name resolution for the network-path check (the system's getaddrinfo unless a test gives one). */
  lookup?: Lookup
}

export function makeContext(http: HttpClient, now: () => number = Date.now): StageContext {
  return {http, now}
}

/** Builds a Step whose status follows its worst finding unless told otherwise; its facts are the stage's own type. */
export function step<S extends StageName>(stage: S, summary: string, facts: StageFacts[S], exchanges: Exchange[], findings: Finding[], status?: StepStatus): StepOf<S> {
  return {stage, status: status ?? statusOf(findings), summary, facts, exchanges, findings} as StepOf<S>
}

export function statusOf(findings: Finding[]): StepStatus {
  if (findings.some((f) => f.severity === 'error')) return 'fail'
  if (findings.some((f) => f.severity === 'warn')) return 'warn'
  return 'ok'
}

export function skipped<S extends StageName>(stage: S, why: string): StepOf<S> {
  return step(stage, why, {} as StageFacts[S], [], [], 'skip')
}

/** The registry's answer in its own words: `{"errors":[{code,message}]}`, Docker Hub's `{"details":…}`, or text. */
export function registryErrors(r: HttpResult): Array<{code: string; message: string}> {
  const j = r.json as {errors?: unknown; details?: unknown; error?: unknown; message?: unknown} | undefined
  if (j && Array.isArray(j.errors)) {
    return j.errors
      .filter((e): e is {code?: unknown; message?: unknown} => !!e && typeof e === 'object')
      .map((e) => ({code: String(e.code ?? ''), message: String(e.message ?? '')}))
  }
  if (j && typeof j.details === 'string') return [{code: '', message: j.details}]
  if (j && typeof j.error === 'string') return [{code: '', message: String(j.error)}]
  if (j && typeof j.message === 'string') return [{code: '', message: j.message}]
  return []
}

/** docker's way of printing a registry error: `denied: requested access to the resource is denied`. */
export function dockerStyle(errors: Array<{code: string; message: string}>): string | undefined {
  if (errors.length === 0) return undefined
  return errors.map((e) => (e.code ? `${e.code.toLowerCase().replace(/_/g, ' ')}: ${e.message}` : e.message)).join('; ')
}

export function isHtml(r: HttpResult): boolean {
  const ct = r.headers?.get('content-type') ?? ''
  return ct.includes('text/html') && !!r.text && /<(html|!doctype|head|body|title)/i.test(r.text.slice(0, 1024))
}

export function htmlTitle(text: string | undefined): string | undefined {
  const m = /<title[^>]*>([^<]{0,200})<\/title>/i.exec(text ?? '')
  return m?.[1]?.trim()
}
