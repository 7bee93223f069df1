import {CLOCK_LEEWAY_SECONDS, newJti, signJwt, type SigningKey, type TokenClaims} from './jwt-sign.js'
import {grantAccess} from './rules.js'
import type {AccessEntry, SandboxRule, SandboxSwitches} from './types.js'

/** token.md: a token "should never be returned with less than 60 seconds to live". */
export const MIN_TOKEN_TTL_SECONDS = 60
/** How far in the past an `expiredTokens` token ends: well beyond the registry's leeway, so it is refused. */
export const EXPIRED_BY_SECONDS = CLOCK_LEEWAY_SECONDS * 2
/** The audience written when `wrongAudience` is on; any value other than the service would do. */
export const WRONG_AUDIENCE_SUFFIX = '-elsewhere'

export interface IssuerConfig {
  key: SigningKey
  service: string
  issuer: string
  ttlSeconds: number
  rules: readonly SandboxRule[]
  switches: SandboxSwitches
}

export interface IssuedToken {
  token: string
  claims: TokenClaims
  expiresIn: number
  issuedAt: string
}

/** Grants the intersection of what was asked and what `who` ('' = anonymous) may do, bent by the switches. */
export function issueToken(cfg: IssuerConfig, who: string, requested: readonly AccessEntry[], nowMs = Date.now()): IssuedToken {
  const expiresIn = Math.max(cfg.ttlSeconds, MIN_TOKEN_TTL_SECONDS)
  let iat = Math.floor(nowMs / 1000)
  if (cfg.switches.expiredTokens === true) iat -= expiresIn + EXPIRED_BY_SECONDS
  const claims: TokenClaims = {
    iss: cfg.issuer,
    sub: who,
    aud: cfg.switches.wrongAudience === true ? cfg.service + WRONG_AUDIENCE_SUFFIX : cfg.service,
    exp: iat + expiresIn,
    nbf: iat,
    iat,
    jti: newJti(),
    access: cfg.switches.noAccess === true ? [] : grantAccess(cfg.rules, who, requested),
  }
  return {token: signJwt(claims, cfg.key), claims, expiresIn, issuedAt: new Date(iat * 1000).toISOString()}
}
