/**
 * Pure judges of a token answer: facts in, facts and findings out, no I/O (table-testable). The token stage does the
 * exchange; these say what its answer means: lifetime, clocks, the JWT's time claims and audience, and the grant.
 */
import type {DecodedJwt} from '../auth/jwt.js'
import {compareAccess, parseScopes, type ScopeComparison} from '../auth/scope.js'
import {MIN_TOKEN_LIFETIME_S, type TokenResponse} from '../auth/token.js'
import {ExitCode, type Finding, type TokenFacts} from '../trace/types.js'

/** Beyond this many seconds apart, two clocks are worth a warning (tokens carry exp/nbf with little leeway). */
export const CLOCK_SKEW_WARN_S = 30
/** distribution's leeway when it checks exp and nbf (registry/auth/token/token.go: 60 s). */
export const REGISTRY_LEEWAY_S = 60

export interface Judged {
  facts: TokenFacts
  findings: Finding[]
}

/** expires_in as a value (seconds; whether the server left it out, then clients assume 60 s) and its problems. */
export function judgeLifetime(resp: Pick<TokenResponse, 'expiresIn' | 'expiresInRaw' | 'issuedAt' | 'fieldsDiffer'>): Judged {
  const facts: TokenFacts = {expiresIn: resp.expiresInRaw ?? resp.expiresIn, ...(resp.expiresInRaw === undefined ? {expiresInAbsent: true} : {})}
  const findings: Finding[] = []
  if (resp.issuedAt) facts.issuedAt = resp.issuedAt
  if (resp.fieldsDiffer) findings.push({code: 'token.fields-differ', severity: 'warn', message: '"token" and "access_token" differ; the spec says they should be equal (regprobe uses "token", as docker does)'})
  if (resp.expiresInRaw !== undefined && resp.expiresInRaw < MIN_TOKEN_LIFETIME_S) {
    findings.push({code: 'token.short-lifetime', severity: 'warn', message: `expires_in is ${resp.expiresInRaw} s; the spec says a token should never live less than 60 s (clients treat it as 60)`})
  }
  return {facts, findings}
}

/**
 * The token server's clock (its Date header) against this machine's, and against the registry's: the registry's clock
 * is the one that judges the token (failure-stories.md §11). Each skew was measured when its own answer arrived.
 */
export function judgeClocks(dateHeader: string | undefined, nowS: number, registryClockSkewS: number | undefined): Judged & {registryNowS?: number} {
  const facts: TokenFacts = {}
  const findings: Finding[] = []
  const issuerSkew = dateHeader ? Math.round(Date.parse(dateHeader) / 1000 - nowS) : Number.NaN
  if (Number.isFinite(issuerSkew)) {
    facts.serverClockSkew = issuerSkew
    if (Math.abs(issuerSkew) > CLOCK_SKEW_WARN_S) findings.push({code: 'clock.skew.token-server', severity: 'warn', message: `this machine's clock is ${Math.abs(issuerSkew)} s ${issuerSkew > 0 ? 'behind' : 'ahead of'} the token server's`, fix: 'Sync the clock (NTP): tokens are checked against exp/nbf with little leeway.', evidence: 'token response Date header'})
  }
  const registrySkew = registryClockSkewS ?? Number.NaN
  if (!Number.isFinite(registrySkew)) return {facts, findings}
  facts.registryClockSkew = registrySkew
  if (Number.isFinite(issuerSkew) && Math.abs(issuerSkew - registrySkew) > CLOCK_SKEW_WARN_S) {
    const apart = issuerSkew - registrySkew
    findings.push({
      code: 'clock.skew.issuer-registry',
      severity: 'warn',
      message: `the token server's clock is ${Math.abs(apart)} s ${apart > 0 ? 'ahead of' : 'behind'} the registry's: ${apart > 0 ? 'by the registry\'s clock its tokens are issued in the future (nbf, iat)' : 'by the registry\'s clock its tokens expire early'}`,
      fix: 'Sync the token server\'s and the registry\'s clocks (NTP); the registry rejects tokens outside nbf/exp as invalid_token ("unauthorized: authentication required").',
      evidence: 'Date headers of the registry (probe) and of the token server',
    })
  }
  return {facts, findings, registryNowS: nowS + registrySkew}
}

export interface ClaimsContext {
  /** The challenge's service: the audience the registry expects. */
  service?: string
  nowS: number
  /** The registry's "now", when its Date header was read: that clock decides. */
  registryNowS?: number
  /** The token server sent a Date header (then iat is not needed to tell its clock). */
  issuerDateKnown: boolean
}

/** The JWT's header and claims as facts; audience and time claims judged as the registry will judge them. */
export function judgeClaims(decoded: DecodedJwt, c: ClaimsContext): Judged {
  const {header, claims} = decoded
  const facts: TokenFacts = {
    jwt: true,
    format: `JWT alg=${header.alg ?? '?'}${header.kid ? ' kid' : ''}${header.hasX5c ? ' x5c' : ''}${header.hasJwk ? ' jwk' : ''}`,
    jwtHeader: {alg: header.alg ?? null, kid: header.kid ?? null, x5c: header.hasX5c, jwk: header.hasJwk},
    claims: {iss: claims.iss, sub: claims.sub, aud: claims.aud, exp: claims.exp, nbf: claims.nbf, iat: claims.iat, jti: claims.jti},
    access: claims.access ?? null,
  }
  const findings: Finding[] = []
  const aud = Array.isArray(claims.aud) ? claims.aud : claims.aud === undefined ? [] : [claims.aud]
  if (c.service && aud.length && !aud.includes(c.service)) {
    findings.push({code: 'token.aud-mismatch', severity: 'warn', message: `the token's audience ${JSON.stringify(claims.aud)} is not the service "${c.service}": the registry will reject it as invalid_token`, fix: 'The token server and the registry disagree on the service name (auth.token.service).', evidence: 'claim aud'})
  }
  findings.push(...timeClaims(claims, c))
  return {facts, findings}
}

/** exp, nbf and iat, judged by the registry's clock when its Date is known (that is the clock that decides), else by this machine's. */
function timeClaims(claims: DecodedJwt['claims'], c: ClaimsContext): Finding[] {
  const out: Finding[] = []
  const {nowS, registryNowS} = c
  const expiredForRegistry = registryNowS !== undefined && claims.exp !== undefined && claims.exp + REGISTRY_LEEWAY_S < registryNowS
  const earlyForRegistry = registryNowS !== undefined && claims.nbf !== undefined && claims.nbf - REGISTRY_LEEWAY_S > registryNowS
  if (claims.exp !== undefined && claims.exp + REGISTRY_LEEWAY_S < nowS && !expiredForRegistry) {
    out.push({code: 'token.expired-on-arrival', severity: 'warn', message: `the token expired ${Math.round(nowS - claims.exp)} s before it arrived (exp ${new Date(claims.exp * 1000).toISOString()})`, fix: 'The token server\'s clock or its token lifetime is wrong, or this machine\'s clock is ahead.', evidence: 'claim exp'})
  }
  if (claims.nbf !== undefined && claims.nbf - REGISTRY_LEEWAY_S > nowS && !earlyForRegistry) {
    out.push({code: 'token.not-yet-valid', severity: 'warn', message: `the token is not valid for another ${Math.round(claims.nbf - nowS)} s (nbf)`, fix: 'This machine\'s clock is behind the token server\'s: sync it.', evidence: 'claim nbf'})
  }
  if (earlyForRegistry) {
    out.push({code: 'token.not-yet-valid-for-registry', severity: 'warn', message: `by the registry's clock the token is not valid for another ${Math.round(claims.nbf! - registryNowS!)} s (nbf): the registry will reject it as invalid_token`, fix: 'The token server\'s clock is ahead of the registry\'s: sync both (NTP).', evidence: 'claim nbf, registry Date header'})
  }
  if (expiredForRegistry) {
    out.push({code: 'token.expired-for-registry', severity: 'warn', message: `by the registry's clock the token expired ${Math.round(registryNowS! - claims.exp!)} s ago (exp): the registry will reject it as invalid_token`, fix: 'The token server\'s clock is behind the registry\'s (or its token lifetime is too short): sync both clocks (NTP).', evidence: 'claim exp, registry Date header'})
  }
  if (claims.exp !== undefined && claims.iat !== undefined && claims.exp - claims.iat < MIN_TOKEN_LIFETIME_S) {
    out.push({code: 'token.short-lifetime', severity: 'warn', message: `the token lives ${claims.exp - claims.iat} s (exp - iat), under the 60 s minimum`})
  }
  if (claims.iat !== undefined) {
    const skew = Math.round(claims.iat - nowS)
    if (Math.abs(skew) > CLOCK_SKEW_WARN_S && !c.issuerDateKnown) out.push({code: 'clock.skew.iat', severity: 'warn', message: `the token was issued ${Math.abs(skew)} s ${skew > 0 ? 'in the future' : 'in the past'} by this machine's clock`, evidence: 'claim iat'})
  }
  return out
}

/** What was asked against what the access claim grants; a grant on a host-prefixed name is named (failure-stories.md §7). */
export function judgeAccess(scopes: string[], claims: DecodedJwt['claims'], anonymous: boolean): Judged & {comparison: ScopeComparison[]} {
  const comparison = compareAccess(parseScopes(scopes.join(' ')).scopes, claims.access)
  const findings: Finding[] = []
  const missing = comparison.filter((x) => x.missing.length)
  const exitCode = anonymous ? ExitCode.AUTHENTICATION : ExitCode.DENIED
  if (!claims.access || claims.access.length === 0) {
    findings.push({
      code: 'token.access.empty',
      severity: 'error',
      exitCode,
      message: `the token grants nothing ("access": ${claims.access ? '[]' : 'absent'}): the token server answers 200 even when ${anonymous ? 'an anonymous client' : `"${claims.sub || 'this account'}"`} may not ${scopes.join(' ')}`,
      fix: anonymous ? 'The repository is private or does not exist (or, on Docker Hub, an official image was named without library/): log in, and check the name.' : 'This account has no rights on the repository: check its name and the account\'s permissions.',
      evidence: 'claim access',
    })
  } else {
    for (const m of missing) {
      findings.push({
        code: 'token.scope.missing-action',
        severity: 'error',
        exitCode,
        message: `asked for ${m.requested.join(',')} on ${m.type}:${m.name}, granted ${m.granted.length ? m.granted.join(',') : 'nothing'}: ${m.missing.join(',')} missing`,
        fix: anonymous ? `The request was anonymous, and the repository is private or does not exist: log in with an account that may ${m.missing.join(',')} it, and check the name.` : m.missing.includes('push') ? 'The account may pull but not push here: ask for write access, or use a token with write scope.' : 'The account lacks these rights on the repository.',
        evidence: 'claim access',
      })
    }
  }
  for (const m of missing) {
    // A custom token server that writes the registry host into the name grants on a name the registry never asks about.
    const near = (claims.access ?? []).find((g) => g && typeof g === 'object' && g.type === m.type && typeof g.name === 'string' && g.name !== m.name && g.name.endsWith(`/${m.name}`) && /[.:]|^localhost$/.test(g.name.slice(0, g.name.length - m.name.length - 1).split('/')[0]!))
    if (near) {
      findings.push({code: 'token.access.host-prefixed', severity: 'warn', message: `the token grants ${Array.isArray(near.actions) ? near.actions.join(',') : '?'} on "${near.name}", not on "${m.name}": the name in the access claim carries a registry host, and the registry compares names exactly`, fix: 'Fix the token server: the access claim names the repository without the registry host (as in the scope the registry asked for).', evidence: 'claim access'})
    }
  }
  return {facts: {comparison}, findings, comparison}
}
