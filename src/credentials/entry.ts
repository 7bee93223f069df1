/**
 * What one `auths` entry yields, read the way docker reads it and the way podman reads it. Pure.
 */
import {decodeAuth, type AuthEntry} from './config-file.js'

export type EntryReading =
  | {kind: 'basic'; username: string; password: string}
  | {kind: 'identity-token'; username?: string; token: string}
  | {kind: 'registry-token'; username?: string; token: string}
  /** Nothing usable: `{}` (the helper marker), a user without a password, … — `why` says which. */
  | {kind: 'empty'; why: string}
  | {kind: 'invalid'; why: string}

const AUTH_PROBLEM = {
  'not-base64': '"auth" is not valid base64',
  'no-colon': '"auth" does not decode to USER:PASSWORD (no ":")',
  'empty-username': '"auth" decodes to an empty user name',
} as const

/**
 * docker: LoadFromReader decodes `auth` over username/password (configfile/file.go); then the daemon sends a
 * registrytoken as is, else uses an identitytoken as an OAuth2 refresh token, else Basic user:password
 * (moby distribution registry.go / daemon auth.go).
 */
export function readDockerEntry(e: AuthEntry): EntryReading {
  let username = e.username ?? ''
  let password = e.password ?? ''
  if (e.auth) {
    const d = decodeAuth(e.auth)
    if (!d.ok) return {kind: 'invalid', why: AUTH_PROBLEM[d.reason]}
    username = d.username
    password = d.password
  }
  if (e.registrytoken) return {kind: 'registry-token', token: e.registrytoken, ...(username ? {username} : {})}
  if (e.identitytoken) return {kind: 'identity-token', token: e.identitytoken, ...(username ? {username} : {})}
  if (username && password) return {kind: 'basic', username, password}
  if (username) return {kind: 'empty', why: `the entry names the user "${username}" but holds no password`}
  return {kind: 'empty', why: 'the entry has no auth, password or token'}
}

/**
 * podman/skopeo: containers/image dockerAuthConfig reads only `auth` and `identitytoken`; an `auth` without ':'
 * (including none at all) is skipped without error, bad base64 is an error (config.go decodeDockerAuth).
 */
export function readPodmanEntry(e: AuthEntry): EntryReading {
  if (!e.auth) {
    const ignored = (['username', 'password', 'registrytoken'] as const).filter((f) => e[f])
    return {kind: 'empty', why: ignored.length ? `the entry has no "auth"; podman ignores ${ignored.map((f) => `"${f}"`).join(' and ')}` : 'the entry has no "auth" (podman reads it as the marker of a credential helper)'}
  }
  const d = decodeAuth(e.auth)
  if (!d.ok) return d.reason === 'not-base64' ? {kind: 'invalid', why: AUTH_PROBLEM[d.reason]} : {kind: 'empty', why: AUTH_PROBLEM[d.reason]}
  if (e.identitytoken) return {kind: 'identity-token', username: d.username, token: e.identitytoken}
  if (d.password === '') return {kind: 'empty', why: `the entry names the user "${d.username}" but holds no password`}
  return {kind: 'basic', username: d.username, password: d.password}
}
