/**
 * `login --save` and `logout`: write or remove credentials where docker (or, with an auth file, podman) would,
 * keeping every other field of the file. The only writer in regprobe.
 *
 * docker (docker/cli configfile/file.go Save, credentials/native_store.go Store): with credHelpers[key] or
 * credsStore the helper gets `store` and the file keeps an empty `{}` under the key; otherwise auths[key] =
 * {"auth": base64(user:password)} (plus "identitytoken"). podman (containers/image SetCredentials): the auth file's
 * credHelpers[registry] if any, else auths[registry] = {"auth": …}.
 */
import {homedir} from 'node:os'
import {RegprobeError} from '../errors.js'
import {ExitCode} from '../trace/types.js'
import {writeFileAtomic, writeTarget} from './atomic-write.js'
import {encodeAuth, jsonErrorWithoutContent, parseConfigObject} from './config-file.js'
import {withFileLock} from './file-lock.js'
import {HELPER_TIMEOUT_MS, helperProgram, runHelper} from './helper.js'
import {helperMessage, isNotFoundMessage, storePayload} from './helper-protocol.js'
import {normalizePodmanKey, normalizePodmanRegistry} from './keys.js'
import {dockerConfigLocation} from './locations.js'
import {readCredentialFile} from './read-file.js'
import type {RegistryKeyInfo} from './types.js'

export interface SaveTarget {
  registry: RegistryKeyInfo
  dockerConfigDir?: string
  /** Write podman's auth.json format to this file instead of docker's config. */
  authFile?: string
  env?: NodeJS.ProcessEnv
  homeDir?: string
  helperTimeoutMs?: number
}

export interface SaveOptions extends SaveTarget {
  credential: {username: string; password?: string; identityToken?: string}
}

export type SaveWhere = 'helper' | 'auths' | 'auth-file'

export interface SaveResult {
  path: string
  where: SaveWhere
  key: string
  helper?: string
}

export interface RemoveResult extends SaveResult {
  removed: boolean
}

/** Saves under the file's lock, so that concurrent runs each keep their entry. */
export async function saveCredentials(opts: SaveOptions): Promise<SaveResult> {
  const {username, password, identityToken} = opts.credential
  if (!username) throw new RegprobeError('cannot save credentials without a user name', {exitCode: ExitCode.USAGE, code: 'credentials.save.no-username'})
  if (!password && !identityToken) throw new RegprobeError('cannot save credentials without a password or identity token', {exitCode: ExitCode.USAGE, code: 'credentials.save.no-secret'})
  return locked(opts, (path) => saveLocked(opts, path))
}

async function saveLocked(opts: SaveOptions, path: string): Promise<SaveResult> {
  const {username, password, identityToken} = opts.credential
  const file = await openTarget(opts, path)
  const helper = file.helperSuffix
  if (helper) {
    const program = helperProgram(helper)
    const run = await runHelper(program, 'store', storePayload(file.key, username, password, identityToken), helperOptions(opts))
    if (!run.onPath) throw new RegprobeError(`${program} (from ${file.helperField} in ${file.path}) is not on PATH, so the credentials cannot be stored`, {exitCode: ExitCode.AUTHENTICATION, code: 'credentials.save.helper-missing', hint: `Install ${program}, or remove ${file.helperField} from ${file.path} to store them in the file.`})
    if (run.timedOut || run.exitCode !== 0 || run.spawnError) {
      throw new RegprobeError(`${program} store failed: ${run.timedOut ? 'it did not answer in time' : run.spawnError ?? helperMessage(run, [password ?? '', identityToken ?? ''])}`, {exitCode: ExitCode.AUTHENTICATION, code: 'credentials.save.helper-failed'})
    }
    // docker keeps `{}` under the key so that `docker logout` and tools reading the file know the registry.
    if (!file.podman) {
      const before = JSON.stringify(file.auths[file.key])
      file.auths[file.key] = {}
      if (before !== '{}') await file.write()
    }
    return {path: file.path, where: 'helper', key: file.key, helper: program}
  }
  const entry: Record<string, string> = {auth: encodeAuth(username, identityToken ? '' : (password ?? ''))}
  if (identityToken) entry.identitytoken = identityToken
  file.auths[file.key] = entry
  await file.write()
  return {path: file.path, where: file.podman ? 'auth-file' : 'auths', key: file.key}
}

/**
 * docker logout (cli/command/registry/logout.go) also removes the legacy http:// and https:// forms of a non-Hub key;
 * podman logout removes the key or its normalised form.
 */
export async function removeCredentials(opts: SaveTarget): Promise<RemoveResult> {
  return locked(opts, (path) => removeLocked(opts, path))
}

async function removeLocked(opts: SaveTarget, path: string): Promise<RemoveResult> {
  const file = await openTarget(opts, path)
  let removed = false
  let helper: string | undefined
  if (file.helperSuffix) {
    helper = helperProgram(file.helperSuffix)
    const run = await runHelper(helper, 'erase', file.key, helperOptions(opts))
    if (run.onPath && !run.timedOut && run.exitCode === 0) removed = true
    else if (run.onPath && !isNotFoundMessage(run.stdout.trim()) && !isNotFoundMessage(run.stderr.trim())) {
      throw new RegprobeError(`${helper} erase failed: ${run.timedOut ? 'it did not answer in time' : helperMessage(run)}`, {exitCode: ExitCode.AUTHENTICATION, code: 'credentials.remove.helper-failed'})
    }
  }
  const keys = file.podman
    ? Object.keys(file.auths).filter((k) => k === file.key || normalizePodmanKey(k) === normalizePodmanRegistry(file.key))
    : [file.key, ...(opts.registry.isDockerHub ? [] : [`http://${file.key}`, `https://${file.key}`])].filter((k) => Object.prototype.hasOwnProperty.call(file.auths, k))
  for (const k of keys) delete file.auths[k]
  if (keys.length) {
    removed = true
    await file.write()
  }
  const where: SaveWhere = helper ? 'helper' : file.podman ? 'auth-file' : 'auths'
  return {removed, path: file.path, key: file.key, where, ...(helper ? {helper} : {})}
}

interface OpenFile {
  path: string
  podman: boolean
  key: string
  helperSuffix?: string
  helperField?: string
  /** The live `auths` object inside `raw`: edits here are written back. */
  auths: Record<string, unknown>
  write(): Promise<void>
}

function helperOptions(opts: SaveTarget) {
  return {env: opts.env ?? process.env, timeoutMs: opts.helperTimeoutMs ?? HELPER_TIMEOUT_MS}
}

/** The lock is taken on the file a write lands in, so a symlink and its target share it. */
async function locked<T>(opts: SaveTarget, fn: (path: string) => Promise<T>): Promise<T> {
  const path = opts.authFile ?? dockerConfigLocation(opts.env ?? process.env, opts.homeDir ?? homedir(), opts.dockerConfigDir).path
  return withFileLock(await writeTarget(path), () => fn(path))
}

async function openTarget(opts: SaveTarget, path: string): Promise<OpenFile> {
  const podman = !!opts.authFile
  const read = await readCredentialFile(path)
  let raw: Record<string, unknown> = {}
  if (read.exists) {
    if (!read.readable) throw new RegprobeError(`${path} cannot be read (${read.error}), so it is not rewritten`, {exitCode: ExitCode.USAGE, code: 'credentials.save.unreadable'})
    if (read.text.trim() !== '') {
      let parsed: unknown
      try {
        parsed = JSON.parse(read.text)
      } catch (err) {
        throw new RegprobeError(`${path} is ${jsonErrorWithoutContent(read.text, (err as Error).message)}; regprobe does not overwrite it`, {exitCode: ExitCode.USAGE, code: 'credentials.save.malformed', hint: 'Repair the file, or move it away and save again.'})
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new RegprobeError(`${path} is not a JSON object; regprobe does not overwrite it`, {exitCode: ExitCode.USAGE, code: 'credentials.save.malformed'})
      }
      raw = parsed as Record<string, unknown>
    }
  }
  const config = parseConfigObject(raw)
  // podman's key is the registry name ('docker.io' for Hub, as `podman login docker.io` writes); docker's is its config key.
  const key = podman ? opts.registry.name : opts.registry.configKey
  const helperEntry = config.credHelpers.find((h) => h.key === key)
  // containers/image does not use credsStore: only docker's file has a default helper.
  const helperSuffix = helperEntry?.helper ?? (podman ? undefined : config.credsStore)
  // Go's JSON matching is case-insensitive, so an existing "Auths" is the auths object; keep its spelling.
  const authsKey = Object.keys(raw).find((k) => k.toLowerCase() === 'auths') ?? 'auths'
  const current = raw[authsKey]
  if (current !== undefined && current !== null && (typeof current !== 'object' || Array.isArray(current))) {
    throw new RegprobeError(`"${authsKey}" in ${path} is not an object; regprobe does not overwrite it`, {exitCode: ExitCode.USAGE, code: 'credentials.save.malformed'})
  }
  const auths = (current ?? {}) as Record<string, unknown>
  raw[authsKey] = auths
  const out: OpenFile = {
    path,
    podman,
    key,
    auths,
    write: async () => {
      out.path = await writeFileAtomic(path, JSON.stringify(raw, null, '\t'))
    },
  }
  if (helperSuffix) {
    out.helperSuffix = helperSuffix
    out.helperField = helperEntry ? `credHelpers["${key}"]` : 'credsStore'
  }
  return out
}
