import assert from 'node:assert/strict'
import {createPublicKey} from 'node:crypto'
import {describe, it} from 'node:test'
import {CLOCK_LEEWAY_SECONDS, createSigningKey, libtrustKeyId, signJwt, verifyJwt, type TokenClaims} from '../../src/sandbox/jwt-sign.js'

// Expected kid computed independently (openssl DER export, Python sha256 + base32) for this key.
const VECTOR_PEM = `-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAET6ahBmqgsJ4W5BZTRuVRJghUuh5k
Hz0nmzzwLbeGijL8iNsMjXyV9rg6IqmwAAjQGyIIgrnD3XOyAwzmVJXFDQ==
-----END PUBLIC KEY-----`
const VECTOR_KID = 'Q5JE:LTHM:ODHA:F7QC:3HVM:3PEU:JKLM:DSNE:J2ZO:N4MU:PAVO:AVXD'

const NOW = 1_700_000_000

function claims(over: Partial<TokenClaims> = {}): TokenClaims {
  return {iss: 'iss', sub: 'alice', aud: 'svc', exp: NOW + 300, nbf: NOW, iat: NOW, jti: 'j', access: [], ...over}
}

describe('sandbox JWT signing', () => {
  it('computes the libtrust key ID that registry 2.8 looks up', () => {
    assert.equal(libtrustKeyId(createPublicKey(VECTOR_PEM)), VECTOR_KID)
  })

  it('kid is 12 groups of 4 base32 characters', () => {
    assert.match(createSigningKey().kid, /^[A-Z2-7]{4}(:[A-Z2-7]{4}){11}$/)
  })

  it('signs ES256 with kid in the header and a 64-byte raw signature', () => {
    const key = createSigningKey()
    const token = signJwt(claims(), key)
    const [header, , signature] = token.split('.')
    assert.deepEqual(JSON.parse(Buffer.from(header!, 'base64url').toString()), {typ: 'JWT', alg: 'ES256', kid: key.kid})
    assert.equal(Buffer.from(signature!, 'base64url').length, 64)
  })

  const expect = {issuer: 'iss', audience: 'svc', nowSeconds: NOW}
  it('verifies its own token', () => {
    const key = createSigningKey()
    const result = verifyJwt(signJwt(claims(), key), key, expect)
    assert.equal(result.ok, true)
  })

  const rejections: Array<[string, (key: ReturnType<typeof createSigningKey>) => string, string]> = [
    ['garbage', () => 'not-a-jwt', 'malformed'],
    ['undecodable header', () => '!!.e30.AA', 'malformed'],
    ['another key signed it', () => signJwt(claims(), createSigningKey()), 'signature'],
    ['tampered claims', (k) => {
      const [h, , s] = signJwt(claims(), k).split('.')
      return `${h}.${Buffer.from(JSON.stringify(claims({sub: 'mallory'}))).toString('base64url')}.${s}`
    }, 'signature'],
    ['wrong issuer', (k) => signJwt(claims({iss: 'other'}), k), 'issuer'],
    ['wrong audience', (k) => signJwt(claims({aud: 'other'}), k), 'audience'],
    ['audience as an array (2.8 rejects it)', (k) => signJwt(claims({aud: ['svc'] as unknown as string}), k), 'audience'],
    ['expired beyond the leeway', (k) => signJwt(claims({exp: NOW - CLOCK_LEEWAY_SECONDS - 1}), k), 'expired'],
    ['not valid before a time beyond the leeway', (k) => signJwt(claims({nbf: NOW + CLOCK_LEEWAY_SECONDS + 1}), k), 'not-yet-valid'],
  ]
  for (const [name, make, reason] of rejections) {
    it(`rejects ${name} as ${reason}`, () => {
      const key = createSigningKey()
      assert.deepEqual(verifyJwt(make(key), key, expect), {ok: false, reason})
    })
  }

  it('accepts a token that expired within the 60 s leeway, like distribution', () => {
    const key = createSigningKey()
    assert.equal(verifyJwt(signJwt(claims({exp: NOW - CLOCK_LEEWAY_SECONDS + 1}), key), key, expect).ok, true)
  })
})
