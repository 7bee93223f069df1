import {Args} from '../src/cli/define.js'
import {RegprobeCommand} from '../src/cli/base.js'
import {actionsFlag, outputFlags, transportFlags} from '../src/cli/flags.js'
import {parseActions} from '../src/cli/actions.js'

export default class Challenge extends RegprobeCommand {
  static override summary = 'Stage 2: what exactly does the registry challenge with, for itself and for this repository and action?'
  static override description = `Probes /v2/, then meets the resource challenges a client would: HEAD of the manifest (pull) and the start of a
blob upload (push, cancelled at once if the registry lets it start). Parses every WWW-Authenticate challenge (RFC 7235):
scheme, realm, service, scope (type, name, actions), error; and shows the token URL a client would call next.
Warns about a realm on plain HTTP or on another host (which host receives your password), and a missing service.`
  static override examples = [
    {description: 'Which scope does pulling alpine ask for?', command: '<%= config.bin %> challenge alpine'},
    {description: 'Pull and push on a private registry', command: '<%= config.bin %> challenge registry.corp:5000/team/app:1.0 --actions pull,push'},
  ]
  static override args = {ref: Args.string({required: true, description: 'REF: an image reference (alpine, ghcr.io/org/app:1.0, host:5000/repo@sha256:…)'})}
  static override flags = {...outputFlags, ...transportFlags, ...actionsFlag}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Challenge)
    const http = await this.makeClient(flags)
    const {challengeFlow} = await import('../src/flows/challenge.js')
    await this.emit(await challengeFlow(http, args.ref, parseActions(flags.actions), {plainHttp: flags['plain-http']}), flags, http)
  }
}
