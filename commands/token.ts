import {Args, Flags} from '../src/cli/define.js'
import {RegprobeCommand} from '../src/cli/base.js'
import {actionsFlag, credentialFlags, outputFlags, transportFlags} from '../src/cli/flags.js'
import {parseActions} from '../src/cli/actions.js'
import {pullSecretFlag, readCredentialFlags} from '../src/cli/credential-flags.js'

export default class Token extends RegprobeCommand {
  static override summary = 'Stage 3: which token do I get for this scope, and does it grant what I asked?'
  static override description = `Probes, reads the challenge, resolves credentials (flags, docker config and helpers, podman auth.json), then
exchanges them at the realm exactly as docker does: GET with Basic (or anonymously), or an OAuth2 POST with an identity
token or --oauth (falling back to GET on 404/405). Decodes the JWT (without verifying it) and compares the granted
"access" with the requested scope, then uses the token on the manifest. The token server answers 200 even when it
grants less than you asked: the comparison is the cause behind most "denied" errors.`
  static override examples = [
    {description: 'Anonymous pull token for an official image', command: '<%= config.bin %> token alpine'},
    {description: 'Can this account push?', command: 'echo "$TOKEN" | <%= config.bin %> token ghcr.io/acme/app --actions pull,push -u acme --password-stdin'},
    {description: 'The raw token for a script (stdout holds only the token)', command: 'TOKEN=$(<%= config.bin %> token registry.corp/team/app --print-token)'},
  ]
  static override args = {ref: Args.string({required: true, description: 'REF: an image reference'})}
  static override flags = {
    ...outputFlags,
    ...transportFlags,
    ...credentialFlags,
    ...pullSecretFlag,
    ...actionsFlag,
    oauth: Flags.boolean({description: 'Use the OAuth2 POST (grant_type=password) even with a password.'}),
    'print-token': Flags.boolean({description: 'Print only the raw token on stdout (for scripts). It is a secret: keep it out of logs.'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Token)
    const http = await this.makeClient(flags)
    const credentials = await readCredentialFlags(flags)
    const {tokenFlow} = await import('../src/flows/token.js')
    const {trace, token} = await tokenFlow(http, 'token', args.ref, parseActions(flags.actions), {plainHttp: flags['plain-http'], oauth: flags.oauth, credentials, proveActions: ['pull']})
    if (flags['print-token']) {
      process.stderr.write('regprobe: --print-token: the token below is a secret; do not log it\n')
      if (token) process.stdout.write(`${token}\n`)
      else process.stderr.write(`regprobe: no token: ${trace.verdict.headline}\n`)
      process.exitCode = token ? 0 : trace.verdict.code || 1
      return
    }
    await this.emit(trace, flags, http)
  }
}
