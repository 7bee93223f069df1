import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {judgeAccess, judgeClaims, judgeClocks, judgeLifetime} from '../../src/stages/token-judges.js'

const codes = (j: {findings: Array<{code: string}>}) => j.findings.map((f) => f.code)
const jwt = (claims: Record<string, unknown>) => ({header: {alg: 'ES256', kid: 'K1', hasX5c: false, hasJwk: false}, claims}) as never

describe('token judges: facts in, facts and findings out, no I/O', () => {
  it('lifetime: expires_in as a number, absence said, under 60 s warned', () => {
    assert.deepEqual(judgeLifetime({expiresIn: 60, fieldsDiffer: false}).facts, {expiresIn: 60, expiresInAbsent: true})
    const short = judgeLifetime({expiresIn: 60, expiresInRaw: 10, fieldsDiffer: false})
    assert.equal(short.facts.expiresIn, 10)
    assert.deepEqual(codes(short), ['token.short-lifetime'])
    assert.deepEqual(codes(judgeLifetime({expiresIn: 300, expiresInRaw: 300, fieldsDiffer: false})), [])
  })

  it('clocks: this machine vs the token server, the token server vs the registry', () => {
    const now = Date.parse('2026-01-01T00:00:00Z') / 1000
    const inStep = judgeClocks('Thu, 01 Jan 2026 00:00:05 GMT', now, 3)
    assert.deepEqual(inStep.facts, {serverClockSkew: 5, registryClockSkew: 3})
    assert.deepEqual(codes(inStep), [])
    assert.equal(inStep.registryNowS, now + 3)
    const apart = judgeClocks('Thu, 01 Jan 2026 00:02:00 GMT', now, 0)
    assert.deepEqual(codes(apart), ['clock.skew.token-server', 'clock.skew.issuer-registry'])
    assert.equal(judgeClocks(undefined, now, undefined).registryNowS, undefined)
  })

  it('claims: the audience must be the service; nbf is judged by the registry clock when known', () => {
    const nowS = 1_000_000
    assert.deepEqual(codes(judgeClaims(jwt({aud: 'other', exp: nowS + 300}), {service: 'registry', nowS, issuerDateKnown: true})), ['token.aud-mismatch'])
    assert.deepEqual(codes(judgeClaims(jwt({aud: ['registry'], exp: nowS + 300}), {service: 'registry', nowS, issuerDateKnown: true})), [])
    const early = judgeClaims(jwt({aud: 'registry', nbf: nowS + 600, exp: nowS + 900}), {service: 'registry', nowS: nowS + 600, registryNowS: nowS, issuerDateKnown: true})
    assert.deepEqual(codes(early), ['token.not-yet-valid-for-registry'])
    assert.deepEqual(judgeClaims(jwt({}), {nowS, issuerDateKnown: true}).facts.jwtHeader, {alg: 'ES256', kid: 'K1', x5c: false, jwk: false})
  })

  it('access: nothing granted, an action missing (exit 6 anonymous, 7 with an account), a host-prefixed grant', () => {
    const scopes = ['repository:team/app:pull,push']
    const none = judgeAccess(scopes, {access: []}, true)
    assert.deepEqual(codes(none), ['token.access.empty'])
    assert.equal(none.findings[0]!.exitCode, 6)
    const pullOnly = judgeAccess(scopes, {access: [{type: 'repository', name: 'team/app', actions: ['pull']}]}, false)
    assert.deepEqual(codes(pullOnly), ['token.scope.missing-action'])
    assert.equal(pullOnly.findings[0]!.exitCode, 7)
    assert.deepEqual(pullOnly.comparison[0]!.missing, ['push'])
    const prefixed = judgeAccess(scopes, {access: [{type: 'repository', name: 'registry.corp/team/app', actions: ['pull', 'push']}]}, false)
    assert.deepEqual(codes(prefixed), ['token.scope.missing-action', 'token.access.host-prefixed'])
    assert.deepEqual(codes(judgeAccess(scopes, {access: [{type: 'repository', name: 'team/app', actions: ['pull', 'push']}]}, false)), [])
  })
})
