import type {Trace} from '../trace/types.js'
import type {CompareTarget} from './targets.js'

/**
 * What one registry showed, typed, so that the table is built from data and never by re-reading step summaries.
 * Gathered by the pipeline (run.ts); turned into cells by cells.ts.
 */
export interface TokenFacts {
  /** granted: a JWT covering what was asked; empty: a JWT granting nothing; partial: some of it; issued: opaque, so unknown. */
  outcome: 'granted' | 'partial' | 'empty' | 'issued' | 'refused' | 'failed' | 'not-applicable'
  /** HTTP status of the token endpoint's last answer. */
  status?: number
  /** Why: the refusal in the server's words, the transport error, or why there is no token exchange. */
  detail?: string
  /** 'JWT RS256', 'opaque'. */
  format?: string
  lifetime?: {seconds: number; source: 'expires_in' | 'exp-iat' | 'default'}
  /** What the token grants, for a JWT: 'pull' on the asked repository. */
  granted?: string[]
}

export interface CatalogFacts {
  outcome: 'offered' | 'refused' | 'unsupported' | 'rate-limited' | 'failed' | 'not-tried'
  /** Status of the catalog GET that decided (after a token, when one was fetched). */
  status?: number
  detail?: string
}

export interface RegistryFacts {
  /** The registry answered /v2/ as a v2 registry (any auth). */
  reachable: boolean
  /** Set when it did not: the probe's headline. */
  failure?: string
  probeStatus?: number
  apiVersion?: string
  /** 'bearer', 'basic', 'none' (open), or an unusual scheme as sent. */
  scheme?: string
  realm?: string
  realmHost?: string
  /** Same host name as the registry (Docker Hub's auth.docker.io is not). */
  realmSameHost?: boolean
  /** Same scheme, host and port. */
  realmSameOrigin?: boolean
  service?: string
  /** The scope parameter of the /v2/ challenge (ghcr.io sends a placeholder). */
  pingScope?: string
  /** The scope asked for (from the repository challenge, or derived from --repo). */
  scopes: string[]
  anonymousToken: TokenFacts
  authenticatedToken?: TokenFacts
  catalog: CatalogFacts
  /** First value seen of each rate-limit header, over every exchange. */
  rateLimit: Record<string, string>
  warnings: string[]
  tls?: {version?: string; issuer?: string}
  durationMs: number
}

export interface RegistryRun {
  target: CompareTarget
  facts: RegistryFacts
  trace: Trace
  /** The exit code this registry alone implies for `compare` (see exit.ts). */
  exitCode: number
}
