/**
 * What each credential source returns: its rows (places looked at, in order), each with the credential it found if
 * any, and the findings only that source can see. The chooser (choose.ts) picks among them; sources never decide
 * who wins, they only learn who won before them (to skip running helpers and to keep quiet about a source that
 * could not have been used).
 */
import type {Finding} from '../trace/types.js'
import type {EntryReading} from './entry.js'
import type {Credential, CredentialSource, LookupRow, RegistryKeyInfo, ResolveOptions} from './types.js'

export interface Candidate {
  row: LookupRow
  credential?: Credential
  /** Why this candidate cannot be used whatever came before (the source is shadowed as a whole). */
  passive?: string
  /** An auth.json candidate read in docker mode: the chooser says when podman would send something else. */
  podmanCompare?: boolean
}

export interface SourceOutput {
  candidates: Candidate[]
  findings: Finding[]
  /** The place of a helper docker would run that failed there: docker stops with an error at it. */
  dockerFailed?: string
}

export interface SourceContext {
  opts: ResolveOptions
  env: NodeJS.ProcessEnv
  home: string
  registry: RegistryKeyInfo
  timeoutMs: number
  /** The place of the candidate that won in an earlier source, if any. */
  winner?: string
  dockerFailed?: string
}

export function newOutput(): SourceOutput {
  return {candidates: [], findings: []}
}

/** A row without a credential: shown, never chosen. */
export function note(out: SourceOutput, row: LookupRow): void {
  out.candidates.push({row})
}

export function offer(out: SourceOutput, row: LookupRow, credential: Credential, passive?: string, podmanCompare?: boolean): void {
  const c: Candidate = {row, credential}
  if (passive) c.passive = passive
  if (podmanCompare) c.podmanCompare = true
  out.candidates.push(c)
}

/** The shadow reason of a source given what won before it: `explicit` (a whole-source reason) first. */
export function passiveReason(ctx: SourceContext, explicit?: string): string | undefined {
  return explicit ?? (ctx.winner ? `${ctx.winner} comes first` : undefined)
}

export function credentialOf(r: Exclude<EntryReading, {kind: 'empty'} | {kind: 'invalid'}>, source: CredentialSource): Credential {
  if (r.kind === 'basic') return {kind: 'basic', username: r.username, password: r.password, source}
  if (r.kind === 'registry-token') return {kind: 'registry-token', token: r.token, source}
  const c: Credential = {kind: 'identity-token', token: r.token, source}
  if (r.username) c.username = r.username
  return c
}

export function quoteList(keys: string[]): string {
  return keys.map((m) => `"${m}"`).join(', ')
}

export function keyMismatch(where: string, misses: string[], expected: string, section: 'auths' | 'credHelpers'): Finding {
  return {
    code: 'credentials.key-mismatch',
    severity: 'warn',
    message: `${section} in ${where} has ${quoteList(misses)}, which looks like this registry but is not the key looked up: "${expected}"`,
    fix: `Use the key "${expected}" (for Docker Hub docker uses "https://index.docker.io/v1/"), or log in again so the tool writes it.`,
    evidence: misses.join(', '),
  }
}

export function invalidEntry(where: string, key: string, why: string): Finding {
  return {code: 'credentials.entry.invalid-auth', severity: 'warn', message: `the entry "${key}" in ${where} is unusable: ${why}`, fix: 'Write "auth" as base64 of USER:PASSWORD (printf \'%s\' "user:pass" | base64), or log in again.'}
}

/** `docker login` or `docker login HOST`, as the user would type it. */
export function dockerLoginCommand(registry: RegistryKeyInfo): string {
  return registry.isDockerHub ? 'docker login' : `docker login ${registry.name}`
}
