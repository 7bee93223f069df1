import {verifyJwt, type SigningKey, type TokenRejection} from './jwt-sign.js'
import {checkBasic} from './credentials.js'
import {allowedActions} from './rules.js'
import {formatScopes} from './scope.js'
import type {AccessEntry, SandboxRule, SandboxUser} from './types.js'
import type {ErrorCode} from './wire.js'

export type RegistryAuth =
  | {kind: 'open'}
  | {kind: 'basic'; realm: string; users: readonly SandboxUser[]; rules: readonly SandboxRule[]}
  | {kind: 'token'; realm: string; service: string; issuer: string; key: SigningKey}

/** What a request touches, as far as authorization cares. */
export type AccessTarget =
  | {kind: 'base'}
  | {kind: 'catalog'}
  /** `mountFrom`: the source repository of a cross-repository blob mount, which needs pull there too. */
  | {kind: 'repository'; name: string; mountFrom?: string}

/**
 * distribution's appendAccessRecords: GET/HEAD need pull, POST/PUT/PATCH need pull AND push, DELETE needs delete;
 * a mount also needs pull on its source; the catalog needs registry:catalog:*; /v2/ needs nothing (so any valid token, even with empty access, passes).
 */
export function requiredAccess(method: string, target: AccessTarget): AccessEntry[] {
  if (target.kind === 'base') return []
  if (target.kind === 'catalog') return [{type: 'registry', name: 'catalog', actions: ['*']}]
  switch (method) {
    case 'GET':
    case 'HEAD':
      return [{type: 'repository', name: target.name, actions: ['pull']}]
    case 'POST':
    case 'PUT':
    case 'PATCH': {
      const records = [{type: 'repository', name: target.name, actions: ['pull', 'push']}]
      if (target.mountFrom !== undefined) records.push({type: 'repository', name: target.mountFrom, actions: ['pull']})
      return records
    }
    case 'DELETE':
      return [{type: 'repository', name: target.name, actions: ['delete']}]
    default:
      return []
  }
}

export type AuthDecision =
  | {ok: true; who: string}
  | {
      ok: false
      code: Extract<ErrorCode, 'UNAUTHORIZED' | 'DENIED'>
      /** WWW-Authenticate value, absent on 403. */
      challenge?: string
      /** The access records, one per action, as distribution puts them in `detail` (null when there are none). */
      detail: unknown
      /** For logs and tests only: the client never sees which check failed, exactly like the real registry. */
      reason: TokenRejection | 'missing' | 'insufficient_scope' | 'bad_credentials' | 'denied'
    }

function detailOf(records: readonly AccessEntry[]): unknown {
  if (records.length === 0) return null
  return records.flatMap((r) => r.actions.map((action) => ({Type: r.type, Class: '', Name: r.name, Action: action})))
}

/** `Bearer realm=…,service=…[,scope=…][,error=…]`, built like accesscontroller.go's challengeParams. */
export function bearerChallenge(realm: string, service: string, records: readonly AccessEntry[], error?: string): string {
  let value = `Bearer realm=${JSON.stringify(realm)},service=${JSON.stringify(service)}`
  if (records.length > 0) value += `,scope=${JSON.stringify(formatScopes(records))}`
  if (error !== undefined) value += `,error=${JSON.stringify(error)}`
  return value
}

function tokenGrants(access: readonly AccessEntry[], record: AccessEntry, action: string): boolean {
  return access.some(
    (a) => a.type === record.type && a.name === record.name && Array.isArray(a.actions) && (a.actions.includes(action) || a.actions.includes('*')),
  )
}

export function authorize(
  auth: RegistryAuth,
  authorization: string | undefined,
  records: readonly AccessEntry[],
  nowSeconds = Math.floor(Date.now() / 1000),
): AuthDecision {
  if (auth.kind === 'open') return {ok: true, who: ''}
  const detail = detailOf(records)
  if (auth.kind === 'basic') {
    const challenge = `Basic realm=${JSON.stringify(auth.realm)}`
    const basic = checkBasic(authorization, auth.users)
    if (basic.kind !== 'user') {
      return {ok: false, code: 'UNAUTHORIZED', challenge, detail, reason: basic.kind === 'anonymous' ? 'missing' : 'bad_credentials'}
    }
    // htpasswd itself has no per-repository rights; the sandbox applies its rules and answers 403 like most
    // Basic-only registries (Nexus, Artifactory) do for a known user without the right.
    const denied = records.some((r) => {
      const allowed = allowedActions(auth.rules, basic.name, r.type, r.name)
      return r.actions.some((a) => !allowed.includes(a) && !allowed.includes('*'))
    })
    if (denied) return {ok: false, code: 'DENIED', detail, reason: 'denied'}
    return {ok: true, who: basic.name}
  }
  const bearer = /^bearer\s+(\S+)\s*$/i.exec(authorization ?? '')
  if (bearer === null) {
    return {ok: false, code: 'UNAUTHORIZED', challenge: bearerChallenge(auth.realm, auth.service, records), detail, reason: 'missing'}
  }
  const verified = verifyJwt(bearer[1]!, auth.key, {issuer: auth.issuer, audience: auth.service, nowSeconds})
  if (!verified.ok) {
    const challenge = bearerChallenge(auth.realm, auth.service, records, 'invalid_token')
    return {ok: false, code: 'UNAUTHORIZED', challenge, detail, reason: verified.reason}
  }
  const granted = records.every((r) => r.actions.every((a) => tokenGrants(verified.claims.access, r, a)))
  if (!granted) {
    const challenge = bearerChallenge(auth.realm, auth.service, records, 'insufficient_scope')
    return {ok: false, code: 'UNAUTHORIZED', challenge, detail, reason: 'insufficient_scope'}
  }
  return {ok: true, who: verified.claims.sub}
}
