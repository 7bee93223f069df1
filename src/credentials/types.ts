import type {Finding, RedactedSecret} from '../trace/types.js'
import type {PullSecret} from './pull-secret.js'

/** Where a credential came from; `location` is a path or a variable name, never a value. */
export interface CredentialSource {
  type: 'flag' | 'env' | 'docker-config' | 'helper' | 'auth-file' | 'pull-secret'
  location: string
  key?: string
  helper?: string
}

export type Credential =
  | {kind: 'basic'; username: string; password: string; source: CredentialSource}
  /** A refresh token: the token server gets an OAuth2 POST with grant_type=refresh_token. */
  | {kind: 'identity-token'; username?: string; token: string; source: CredentialSource}
  /** Sent to the registry as is, as a Bearer token (config.json `registrytoken`). */
  | {kind: 'registry-token'; token: string; source: CredentialSource}

export type LookupOutcome = 'used' | 'found-but-shadowed' | 'not-found' | 'empty' | 'error' | 'not-looked'

/** One place looked at, in order. Holds no secret: `found.secret` is redacted. */
export interface LookupRow {
  /** e.g. 'flags', 'DOCKER_AUTH_CONFIG', '$DOCKER_CONFIG/config.json (/path)', 'credHelpers["ghcr.io"] → docker-credential-gh'. */
  place: string
  /** The file read, when the place is a file. */
  path?: string
  /** The file exists. */
  exists?: boolean
  /** The file could be read. */
  readable?: boolean
  /** The key tried, or the key that matched. */
  key?: string
  /** used, found-but-shadowed, not-found, empty, error or not-looked. */
  outcome: LookupOutcome
  /** What was found there: the user name, the kind of secret, and the secret redacted. */
  found?: {username?: string; kind: 'password' | 'identity-token' | 'registry-token'; secret: RedactedSecret}
  /** The credential helper's run, when one was asked. */
  helper?: HelperRunFacts
  /** Why this place was used or skipped: one sentence. */
  reason: string
}

export interface HelperRunFacts {
  /** The helper program: docker-credential-NAME. */
  program: string
  /** The program was found on PATH. */
  onPath: boolean
  /** Its exit code; null when it was killed. */
  exitCode?: number | null
  /** What it wrote to stderr (cut at 300 characters). */
  stderr?: string
  /** It did not finish in time and was killed. */
  timedOut?: boolean
  /** Milliseconds it ran. */
  durationMs?: number
}

export interface CredentialResolution {
  credential?: Credential
  rows: LookupRow[]
  findings: Finding[]
  /** The `place` of the row that won. */
  winner?: string
}

/** Structurally compatible with RegistryAddress (src/reference.ts). */
export interface RegistryKeyInfo {
  host: string
  /** 'docker.io' for Docker Hub, else host[:port] as written: podman's key. */
  name: string
  /** docker's config.json key: 'https://index.docker.io/v1/' for Docker Hub, else host[:port]. */
  configKey: string
  isDockerHub: boolean
}

export interface ResolveOptions {
  registry: RegistryKeyInfo
  /** For podman's namespaced keys (quay.io/org/repo). */
  repository?: string
  /** Already read: reading stdin is the command's job. */
  flags?: {username?: string; password?: string; identityToken?: string}
  /** Default process.env; never mutated. */
  env?: NodeJS.ProcessEnv
  /** --docker-config DIR */
  dockerConfigDir?: string
  /** --authfile FILE */
  authFile?: string
  /** --pull-secret FILE, already read and checked (loadPullSecret). */
  pullSecret?: PullSecret
  /** Default os.homedir(). */
  homeDir?: string
  /** Default HELPER_TIMEOUT_MS. */
  helperTimeoutMs?: number
  /**
   * docker login stops when a credential helper fails; docker pull and push drop the error and go anonymously
   * (docker/cli ResolveAuthConfig). True for login: a failing helper in docker's config is then an error, not a warning.
   */
  helperErrorsFatal?: boolean
}
