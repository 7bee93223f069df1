import {createHash, generateKeyPairSync, randomBytes, sign, verify, type KeyObject} from 'node:crypto'
import type {AccessEntry} from './types.js'

export interface SigningKey {
  privateKey: KeyObject
  publicKey: KeyObject
  /** libtrust key ID of the public key: how distribution 2.8 finds the key in its rootcertbundle. */
  kid: string
  alg: 'ES256'
}

export interface TokenClaims {
  iss: string
  /** '' when the client did not authenticate (jwt.md). */
  sub: string
  /** A plain string: distribution 2.8 rejects an array as malformed. */
  aud: string
  exp: number
  nbf: number
  iat: number
  jti: string
  access: AccessEntry[]
}

/** EC P-256 rather than RSA: generated in about a millisecond, and registry 2.8 accepts ES256. */
export function createSigningKey(): SigningKey {
  const {privateKey, publicKey} = generateKeyPairSync('ec', {namedCurve: 'prime256v1'})
  return {privateKey, publicKey, kid: libtrustKeyId(publicKey), alg: 'ES256'}
}

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

function base32(bytes: Uint8Array): string {
  let out = ''
  let bits = 0
  let value = 0
  for (const byte of bytes) {
    value = (value << 8) | byte
    bits += 8
    while (bits >= 5) {
      out += BASE32_ALPHABET[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
    value &= (1 << bits) - 1
  }
  if (bits > 0) out += BASE32_ALPHABET[(value << (5 - bits)) & 31]
  return out
}

/**
 * docker/libtrust's KeyID: SHA-256 over the SPKI DER, first 240 bits, base32 without padding (exactly 48
 * characters), in 12 groups of 4 joined by ':'. Registry 2.8 maps a `kid` header to a key this way.
 */
export function libtrustKeyId(publicKey: KeyObject): string {
  const der = publicKey.export({type: 'spki', format: 'der'})
  const digest = createHash('sha256').update(der).digest().subarray(0, 30)
  return base32(digest).match(/.{4}/g)!.join(':')
}

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url')
}

export function newJti(): string {
  return randomBytes(16).toString('hex')
}

export function signJwt(claims: TokenClaims, key: SigningKey): string {
  const header = {typ: 'JWT', alg: key.alg, kid: key.kid}
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`
  // JWS wants the raw r||s pair for ECDSA, not DER.
  const signature = sign('sha256', Buffer.from(input), {key: key.privateKey, dsaEncoding: 'ieee-p1363'})
  return `${input}.${b64url(signature)}`
}

/** Why the registry refuses a token; each becomes `error="invalid_token"` on the wire, as in distribution. */
export type TokenRejection = 'malformed' | 'signature' | 'issuer' | 'audience' | 'expired' | 'not-yet-valid'

/** Distribution's leeway on exp/nbf (measured on 2.8.2: a token expired less than a minute ago still works). */
export const CLOCK_LEEWAY_SECONDS = 60

export function verifyJwt(
  token: string,
  key: SigningKey,
  expect: {issuer: string; audience: string; nowSeconds?: number},
): {ok: true; claims: TokenClaims} | {ok: false; reason: TokenRejection} {
  const parts = token.split('.')
  if (parts.length !== 3) return {ok: false, reason: 'malformed'}
  let claims: TokenClaims
  try {
    const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as {alg?: string}
    if (header.alg !== key.alg) return {ok: false, reason: 'signature'}
    claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as TokenClaims
  } catch {
    return {ok: false, reason: 'malformed'}
  }
  const signed = Buffer.from(`${parts[0]}.${parts[1]}`)
  const signature = Buffer.from(parts[2]!, 'base64url')
  if (!verify('sha256', signed, {key: key.publicKey, dsaEncoding: 'ieee-p1363'}, signature)) {
    return {ok: false, reason: 'signature'}
  }
  if (claims === null || typeof claims !== 'object') return {ok: false, reason: 'malformed'}
  if (claims.iss !== expect.issuer) return {ok: false, reason: 'issuer'}
  if (claims.aud !== expect.audience) return {ok: false, reason: 'audience'}
  const now = expect.nowSeconds ?? Math.floor(Date.now() / 1000)
  if (typeof claims.exp !== 'number' || now > claims.exp + CLOCK_LEEWAY_SECONDS) return {ok: false, reason: 'expired'}
  if (typeof claims.nbf === 'number' && now + CLOCK_LEEWAY_SECONDS < claims.nbf) {
    return {ok: false, reason: 'not-yet-valid'}
  }
  if (!Array.isArray(claims.access)) claims.access = []
  return {ok: true, claims}
}
