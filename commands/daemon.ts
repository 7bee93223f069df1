import {Args, Flags} from '../src/cli/define.js'
import {RegprobeCommand} from '../src/cli/base.js'
import {outputFlags} from '../src/cli/flags.js'
import {SecretBox} from '../src/http/redact.js'

export default class Daemon extends RegprobeCommand {
  static override summary = 'How does the Docker daemon see registries, and how does that differ from this shell?'
  static override description = `docker login, pull and push do their registry work inside the daemon, with the daemon's proxy, CA files
(/etc/docker/certs.d/<host>/), insecure-registry list and mirrors — not this shell's. Reads them from the Engine API
(GET /info) and names the differences that explain "it works with curl but not with docker": a proxy set here but not
in the daemon (or the reverse), a plain-HTTP registry missing from the insecure list, a CA the daemon does not have.`
  static override examples = [
    '<%= config.bin %> daemon',
    {description: 'Against one registry: is it in the insecure list, does the daemon have its CA, which proxy does the daemon use for it?', command: '<%= config.bin %> daemon registry.corp:5000'},
    {description: 'A remote daemon', command: '<%= config.bin %> daemon --host tcp://10.0.0.5:2375'},
  ]
  static override args = {registry: Args.string({description: 'REGISTRY to check against the daemon\'s settings (host[:port])'})}
  static override flags = {
    ...outputFlags,
    host: Flags.string({char: 'H', description: 'Daemon socket (default $DOCKER_HOST or unix:///var/run/docker.sock).', helpValue: 'unix://PATH|tcp://HOST:PORT'}),
    timeout: Flags.string({description: 'Timeout for the daemon\'s answer: 10, 10s, 1500ms.', default: '10s'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Daemon)
    this.jsonMode = flags.json
    const {parseDuration} = await import('../src/cli/flags.js')
    const {daemonFlow} = await import('../src/flows/daemon.js')
    const trace = await daemonFlow({host: flags.host, timeoutMs: parseDuration(flags.timeout), registryInput: args.registry})
    await this.emit(trace, flags, {secrets: new SecretBox(flags['show-secrets'])})
  }
}
