import {Args} from '../src/cli/define.js'
import {RegprobeCommand} from '../src/cli/base.js'
import {outputFlags, transportFlags} from '../src/cli/flags.js'

export default class Probe extends RegprobeCommand {
  static override summary = 'Stage 1: is this a v2 registry, reachable, over which scheme and TLS, and which auth does it ask for?'
  static override description = `Sends GET /v2/ (HTTPS; for 127.0.0.0/8, ::1 and localhost also plain HTTP after HTTPS fails, as docker does) and
shows the status, Docker-Distribution-Api-Version, every WWW-Authenticate challenge, rate-limit and Warning headers,
the TLS version and certificate, and timings. A failure is named: DNS, refused or timeout (exit 3), an untrusted,
expired or wrong-host certificate or a TLS/plain-HTTP mismatch (exit 4), not a registry (exit 5). A refused or
unreachable connection also gets the network path: the host's IPv4 and IPv6 addresses, and a connect over each.`
  static override examples = [
    {description: 'Docker Hub (the token realm is auth.docker.io)', command: '<%= config.bin %> probe docker.io'},
    {description: 'A registry with a private CA', command: '<%= config.bin %> probe registry.corp:5000 --ca-cert ca.pem'},
    {description: 'The result as JSON', command: '<%= config.bin %> probe ghcr.io --json'},
  ]
  static override args = {registry: Args.string({required: true, description: 'REGISTRY: host[:port], or http(s)://host[:port]'})}
  static override flags = {...outputFlags, ...transportFlags}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Probe)
    const http = await this.makeClient(flags)
    const {probeFlow} = await import('../src/flows/probe.js')
    await this.emit(await probeFlow(http, args.registry, {plainHttp: flags['plain-http']}), flags, http)
  }
}
