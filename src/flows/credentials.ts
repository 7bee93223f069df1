import {resolveCredentials} from '../credentials/resolve.js'
import {credentialsStep} from '../credentials/step.js'
import type {PullSecret} from '../credentials/pull-secret.js'
import type {Credential} from '../credentials/types.js'
import type {SecretBox} from '../http/redact.js'
import type {RegistryAddress} from '../reference.js'
import type {Step} from '../trace/types.js'

export interface CredentialInput {
  username?: string
  password?: string
  identityToken?: string
  dockerConfigDir?: string
  authFile?: string
  /** --pull-secret, read and checked by the command. */
  pullSecret?: PullSecret
  env?: NodeJS.ProcessEnv
  homeDir?: string
  /** The login command: docker login stops at a failing credential helper (ResolveOptions.helperErrorsFatal). */
  helperErrorsFatal?: boolean
}

/** The credentials stage: flags, a pull secret, then docker's and podman's files and helpers; every secret goes into the box. */
export async function credentialsFor(registry: RegistryAddress, repository: string | undefined, input: CredentialInput, secrets: SecretBox): Promise<{step: Step; credential?: Credential}> {
  // A password may be an ordinary word: it is searched only where a server may echo it (secret-box.ts).
  secrets.addPassword(input.password)
  secrets.add(input.identityToken)
  // Every entry of a pull secret is a secret, matched or not.
  for (const e of input.pullSecret?.entries ?? []) if (e.password) secrets.addBasic(e.username, e.password)
  const res = await resolveCredentials({
    registry,
    repository,
    flags: {username: input.username, password: input.password, identityToken: input.identityToken},
    env: input.env,
    dockerConfigDir: input.dockerConfigDir,
    authFile: input.authFile,
    pullSecret: input.pullSecret,
    homeDir: input.homeDir,
    helperErrorsFatal: input.helperErrorsFatal,
  })
  const c = res.credential
  if (c?.kind === 'basic') secrets.addBasic(c.username, c.password)
  else if (c) secrets.add(c.token)
  return {step: credentialsStep(res), credential: c}
}
