/**
 * Decode (never verify) a registry token. The claims are not secret (design.md "Secrets"): they are what a
 * diagnosis needs to show what the token server actually granted. The signature is never looked at.
 */
import type {JwtClaimsFacts} from '../trace/types.js'
import type {AccessEntry} from './scope.js'

export interface DecodedJwt {
  header: {alg?: string; typ?: string; kid?: string; hasX5c: boolean; hasJwk: boolean}
  /** The registered claims (as the token step states them), the access claim, and whatever else the token carries. */
  claims: JwtClaimsFacts & {
    /** Only the well-formed entries; anything dropped is listed in `problems`. */
    access?: AccessEntry[]
    [k: string]: unknown
  }
  /** Claims of the wrong type or shape (a custom token server writing a bad 'access' claim, an 'exp' string…). */
  problems: string[]
}

/**
 * A token longer than this is not a registry token (and could be a pasted file): Go's net/http, behind most registries,
 * refuses requests with more than 1 MB of headers, so no registry could accept it anyway.
 */
const MAX_TOKEN_LENGTH = 1024 * 1024
/** Claim values quoted in problems are cut here. */
const MAX_SNIPPET = 60
const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/
const STRING_CLAIMS = ['iss', 'sub', 'jti'] as const
const NUMBER_CLAIMS = ['exp', 'nbf', 'iat'] as const

export function decodeJwt(token: string): DecodedJwt | undefined {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return undefined
  // JWS compact serialisation: header.payload.signature (a JWE has five parts and is not readable anyway).
  const parts = token.trim().split('.')
  if (parts.length !== 3) return undefined
  const header = decodeJsonObject(parts[0]!)
  const payload = decodeJsonObject(parts[1]!)
  if (!header || !payload || !BASE64URL.test(parts[2]!)) return undefined

  const problems: string[] = []
  const decoded: DecodedJwt = {
    header: {hasX5c: header['x5c'] !== undefined, hasJwk: header['jwk'] !== undefined},
    claims: {...payload},
    problems,
  }
  for (const key of ['alg', 'typ', 'kid'] as const) {
    const v = header[key]
    if (typeof v === 'string') decoded.header[key] = v
    else if (v !== undefined) problems.push(`header "${key}" is ${describe(v)}, expected a string`)
  }

  const claims = decoded.claims
  for (const key of STRING_CLAIMS) {
    if (claims[key] !== undefined && typeof claims[key] !== 'string') {
      problems.push(`claim "${key}" is ${describe(claims[key])}, expected a string`)
      delete claims[key]
    }
  }
  for (const key of NUMBER_CLAIMS) {
    if (claims[key] !== undefined && (typeof claims[key] !== 'number' || !Number.isFinite(claims[key]))) {
      problems.push(`claim "${key}" is ${describe(claims[key])}, expected a number of seconds since the epoch`)
      delete claims[key]
    }
  }
  const aud: unknown = payload['aud']
  if (aud !== undefined && typeof aud !== 'string' && !(Array.isArray(aud) && aud.every((a) => typeof a === 'string'))) {
    problems.push(`claim "aud" is ${describe(aud)}, expected a string or a list of strings`)
    delete claims.aud
  }
  if (payload['access'] !== undefined) {
    const access = readAccess(payload['access'], problems)
    if (access) claims.access = access
    else delete claims.access
  }
  return decoded
}

/**
 * A short, safe description of a token that is not a JWT, or undefined when nothing is recognised. It never
 * contains enough of the token to rebuild it: for GHCR only the repository is named, not the number.
 */
export function describeOpaqueToken(token: string): string | undefined {
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) return undefined
  if (decodeJwt(token)) return undefined
  const ghcr = ghcrRepository(token)
  if (ghcr !== undefined) return `GHCR token: base64 of "v1:<repository>:<number>" for repository ${ghcr}`
  return secretKind(token)?.kind
}

/** Public prefixes of well-known credentials (failure-stories.md §8: tell the kind, never the value). */
const KNOWN_PREFIXES: ReadonlyArray<readonly [string, string, SecretVendor]> = [
  ['github_pat_', 'GitHub fine-grained personal access token (github_pat_…)', 'github'],
  ['ghp_', 'GitHub classic personal access token (ghp_…)', 'github'],
  ['ghs_', 'GitHub Actions or app installation token (ghs_…)', 'github'],
  ['gho_', 'GitHub OAuth access token (gho_…)', 'github'],
  ['ghu_', 'GitHub app user-to-server token (ghu_…)', 'github'],
  ['dckr_pat_', 'Docker Hub personal access token (dckr_pat_…)', 'docker'],
  ['glpat-', 'GitLab personal access token (glpat-…)', 'gitlab'],
]

export type SecretVendor = 'github' | 'docker' | 'gitlab'

/** The kind of a secret from its public prefix (never more of it), or undefined. */
export function secretKind(secret: string): {prefix: string; kind: string; vendor: SecretVendor} | undefined {
  const hit = KNOWN_PREFIXES.find(([prefix]) => secret.startsWith(prefix))
  return hit ? {prefix: hit[0], kind: hit[1], vendor: hit[2]} : undefined
}

/** GHCR tokens are standard base64 of 'v1:<owner>/<repo>:<digits>' (registry-auth.md §2). */
function ghcrRepository(token: string): string | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(token) || token.length % 4 !== 0) return undefined
  const text = Buffer.from(token, 'base64').toString('latin1')
  const m = /^v1:([a-z0-9][a-z0-9._\/-]{0,254}):[0-9]{1,30}$/.exec(text)
  return m ? m[1] : undefined
}

function decodeJsonObject(segment: string): Record<string, unknown> | undefined {
  // Missing padding is fine (JWTs never pad); '=' padding and standard '+/' are tolerated from sloppy issuers.
  if (segment.length === 0 || !/^[A-Za-z0-9_+/-]*={0,2}$/.test(segment)) return undefined
  const json = Buffer.from(segment.replace(/\+/g, '-').replace(/\//g, '_'), 'base64url').toString('utf8')
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch {
    return undefined
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
}

function readAccess(raw: unknown, problems: string[]): AccessEntry[] | undefined {
  if (!Array.isArray(raw)) {
    problems.push(`claim "access" is ${describe(raw)}, expected a list of {type, name, actions}`)
    return undefined
  }
  const entries: AccessEntry[] = []
  raw.forEach((item: unknown, i) => {
    const e = item as Record<string, unknown> | null
    if (e === null || typeof e !== 'object' || Array.isArray(e)) {
      problems.push(`access[${i}] is ${describe(item)}, expected {type, name, actions}`)
      return
    }
    const actions = e['actions']
    if (typeof e['type'] !== 'string' || typeof e['name'] !== 'string') {
      problems.push(`access[${i}] lacks a string "type" or "name": ${describe(item)}`)
      return
    }
    // A Go token server marshals an empty (nil) actions slice as null: that is "nothing granted", not an error.
    if (actions === null) {
      entries.push({type: e['type'], name: e['name'], actions: []})
      return
    }
    if (actions === undefined) {
      problems.push(`access[${i}] has no "actions"; read as no actions`)
      entries.push({type: e['type'], name: e['name'], actions: []})
      return
    }
    if (!Array.isArray(actions) || !actions.every((a) => typeof a === 'string')) {
      problems.push(`access[${i}].actions is ${describe(actions)}, expected a list of strings`)
      return
    }
    entries.push({type: e['type'], name: e['name'], actions: [...actions]})
  })
  return entries
}

function describe(v: unknown): string {
  let text: string
  try {
    text = JSON.stringify(v) ?? String(v)
  } catch {
    text = String(v)
  }
  const kind = Array.isArray(v) ? 'a list' : v === null ? 'null' : typeof v === 'object' || typeof v === 'undefined' ? `an ${typeof v}` : `a ${typeof v}`
  return `${kind} (${text.length > MAX_SNIPPET ? `${text.slice(0, MAX_SNIPPET)}…` : text})`
}
