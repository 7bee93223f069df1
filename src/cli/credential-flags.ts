import {UsageError} from '../errors.js'
import type {CredentialInput} from '../flows/credentials.js'
import {readStdinLine} from './read-input.js'
import {Flags} from './define.js'

/**
 * --pull-secret on every command that resolves credentials for an image (doctor, creds, login, token; explain
 * --check reuses it). The file is read and checked here, before any request: a malformed secret is exit 2.
 */
export const pullSecretFlag = {
  'pull-secret': Flags.string({description: 'Use a Kubernetes image pull secret (kubectl get secret NAME -o yaml or -o json, or its bare config JSON): the entry the kubelet would match for the image (doctor, creds, login, token).', helpValue: 'FILE', helpGroup: 'CREDENTIALS'}),
}

export interface CredentialFlagValues {
  username?: string
  password?: string
  'password-stdin'?: boolean
  'identity-token-stdin'?: boolean
  'docker-config'?: string
  authfile?: string
  'pull-secret'?: string
}

/** Reads secrets the way docker login does: stdin preferred (one line, capped), -p allowed with a warning. */
export async function readCredentialFlags(flags: CredentialFlagValues): Promise<CredentialInput> {
  const out: CredentialInput = {dockerConfigDir: flags['docker-config'], authFile: flags.authfile}
  if (flags['pull-secret'] !== undefined) {
    const {loadPullSecret} = await import('../credentials/pull-secret.js')
    out.pullSecret = await loadPullSecret(flags['pull-secret'])
  }
  if (flags['password-stdin'] && flags['identity-token-stdin']) throw new UsageError('--password-stdin and --identity-token-stdin both read stdin: use one', 'flag.stdin')
  if (flags['password-stdin'] && flags.password !== undefined) throw new UsageError('--password and --password-stdin are mutually exclusive', 'flag.password')
  if (flags['password-stdin'] && !flags.username) throw new UsageError('--password-stdin needs --username (-u)', 'flag.username')
  if (flags.password !== undefined) {
    process.stderr.write('WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n')
    if (!flags.username) throw new UsageError('--password needs --username (-u)', 'flag.username')
    out.username = flags.username
    out.password = flags.password
  } else if (flags['password-stdin']) {
    out.username = flags.username
    out.password = await readStdinLine('--password-stdin')
  } else if (flags['identity-token-stdin']) {
    out.identityToken = await readStdinLine('--identity-token-stdin')
    out.username = flags.username
  } else if (flags.username) {
    throw new UsageError('--username needs a password: pipe it to --password-stdin', 'flag.password')
  }
  return out
}
