import {MIN_TOKEN_LIFETIME_S} from '../auth/token.js'
import type {TokenStageResult} from '../stages/token.js'
import type {Step} from '../trace/types.js'
import type {TokenFacts} from './facts.js'

/** Reads the token stage's typed result into the comparison's terms. Pure. */
export function tokenFacts(step: Step, r: TokenStageResult): TokenFacts {
  if (step.status === 'skip') return {outcome: 'not-applicable', detail: step.summary.replace(/^skipped: /, '')}
  const last = r.exchange?.results.at(-1)
  if (!r.token) {
    if (r.refused) return {outcome: 'refused', status: last?.status, detail: r.refused.message}
    return {outcome: 'failed', status: last?.status, detail: step.summary}
  }
  const out: TokenFacts = {outcome: 'issued', status: last?.status}
  const jwt = r.decoded
  out.format = jwt ? `JWT ${jwt.header.alg ?? '(no alg)'}` : 'opaque'
  const resp = r.exchange?.response
  if (resp?.expiresInRaw !== undefined) out.lifetime = {seconds: resp.expiresInRaw, source: 'expires_in'}
  else if (jwt?.claims.exp !== undefined && jwt.claims.iat !== undefined) out.lifetime = {seconds: jwt.claims.exp - jwt.claims.iat, source: 'exp-iat'}
  else out.lifetime = {seconds: MIN_TOKEN_LIFETIME_S, source: 'default'}
  if (jwt) {
    const cmp = r.comparison
    const granted = (jwt.claims.access ?? []).flatMap((a) => a.actions.map((x) => `${a.type}:${a.name}:${x}`))
    out.granted = granted
    // Nothing was asked (no repository named): an empty grant is what docker login gets too.
    if (!cmp || cmp.length === 0) out.outcome = granted.length ? 'granted' : 'issued'
    else if (cmp.every((c) => c.missing.length === 0)) out.outcome = 'granted'
    else if (cmp.some((c) => c.granted.length > 0)) out.outcome = 'partial'
    else out.outcome = 'empty'
  }
  return out
}
