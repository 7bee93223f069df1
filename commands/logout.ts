import {Args, Flags} from '../src/cli/define.js'
import {RegprobeCommand} from '../src/cli/base.js'
import {outputFlags} from '../src/cli/flags.js'

export default class Logout extends RegprobeCommand {
  static override summary = 'Remove stored credentials for a registry, as `docker logout` does.'
  static override description = `Removes the registry's entry from docker's config.json (its key and the legacy http:// and https:// forms) and
erases it from the configured credential helper; with --authfile, from that podman auth.json instead. Other entries
and fields of the file are kept. Not being logged in is not an error.`
  static override examples = [
    {description: 'Docker Hub', command: '<%= config.bin %> logout'},
    {description: 'A private registry', command: '<%= config.bin %> logout registry.corp:5000'},
  ]
  static override args = {registry: Args.string({description: 'REGISTRY: host[:port] (default: Docker Hub)', default: 'docker.io'})}
  static override flags = {
    ...outputFlags,
    'docker-config': Flags.string({description: 'Docker config folder (default $DOCKER_CONFIG or ~/.docker).', helpValue: 'DIR'}),
    authfile: Flags.string({description: 'podman/skopeo auth.json to remove the entry from instead.', helpValue: 'FILE'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Logout)
    this.jsonMode = !!flags.json
    const {logoutFlow} = await import('../src/flows/login.js')
    await this.emit(await logoutFlow(args.registry, {dockerConfigDir: flags['docker-config'], authFile: flags.authfile}, performance.now()), flags)
  }
}
