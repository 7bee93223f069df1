/**
 * docker's default credentials store: the helper the docker CLI uses when config.json names no credentials.
 *
 * docker/cli cli/config/config.go LoadDefaultConfigFile:
 *   `if !configFile.ContainsAuth() { configFile.CredentialsStore = credentials.DetectDefaultStore(configFile.CredentialsStore) }`
 * also when there is no file, or one docker cannot read or parse (the ConfigFile is then empty).
 * cli/config/configfile/file.go ContainsAuth: `CredentialsStore != "" || len(CredentialHelpers) > 0 || len(AuthConfigs) > 0`,
 * so `{"auths": {}}` and `{"credsStore": ""}` still get the default store (measured with docker 28.2.2).
 * cli/config/credentials/default_store.go DetectDefaultStore: the platform's default, and only when
 * docker-credential-<default> is on PATH (exec.LookPath), else none.
 * cli/config/credentials/default_store_linux.go: "pass" when `pass` is on PATH (docker-credential-helpers
 * pass.IsPresent is exec.LookPath("pass")), else "secretservice": with pass but no docker-credential-pass there is
 * no default store, even when docker-credential-secretservice is there. default_store_darwin.go "osxkeychain",
 * default_store_windows.go "wincred", default_store_unsupported.go none.
 * PATH is the one of the environment regprobe was given, as for every helper it runs.
 */
import type {ParsedConfig} from './config-file.js'
import {findOnPath, helperProgram} from './helper.js'

export interface DefaultStore {
  /** The suffix docker would use as credsStore, if any. */
  suffix?: string
  /** Why this store (or why none), in a clause: "docker-credential-secretservice is on PATH and pass is not". */
  why: string
  /** No store because pass is on PATH and docker-credential-pass is not: docker then ignores secretservice too. */
  passWithoutHelper?: boolean
}

/** configfile.ContainsAuth on what regprobe parsed (an empty credsStore is not kept by the parser). */
export function containsAuth(config: ParsedConfig | undefined): boolean {
  return !!config && (!!config.credsStore || config.credHelpers.length > 0 || config.auths.length > 0)
}

export async function detectDefaultStore(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): Promise<DefaultStore> {
  let suffix: string
  let chosen = ''
  if (platform === 'linux') {
    const pass = !!(await findOnPath('pass', env))
    suffix = pass ? 'pass' : 'secretservice'
    chosen = pass ? ' (pass is on PATH)' : ' (pass is not on PATH)'
  } else if (platform === 'darwin') suffix = 'osxkeychain'
  else if (platform === 'win32') suffix = 'wincred'
  else return {why: `docker has no default store on ${platform}`}
  const program = helperProgram(suffix)
  if (await findOnPath(program, env)) return {suffix, why: `${program} is on PATH${chosen}`}
  const why = `docker would pick ${program}${chosen}, which is not on PATH`
  return suffix === 'pass' ? {why, passWithoutHelper: true} : {why}
}
