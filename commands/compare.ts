import {Args, Flags} from '../src/cli/define.js'
import {RegprobeCommand} from '../src/cli/base.js'
import {credentialFlags, outputFlags, transportFlags} from '../src/cli/flags.js'
import {readCredentialFlags} from '../src/cli/credential-flags.js'
import {PRESET_NAMES} from '../src/compare/presets.js'

export default class Compare extends RegprobeCommand {
  static override summary = 'Several registries side by side: how each one challenges, issues tokens and lists.'
  static override description = `Runs, for every registry at once, the probe (GET /v2/), the challenge on a repository (--repo, a REGISTRY/REPO
argument, or the preset's), an anonymous token request (and an authenticated one with -u/--password-stdin, the same
account for all), and an anonymous GET /v2/_catalog, then prints one table with a column per registry.

Time: the registries run concurrently, each over its own connections, so the wall time is the slowest registry's, not
the sum: at most about 6 requests × --timeout for one registry (probe, challenge, two tokens, catalog with its token).

Exit code: 0 when every registry answered as a v2 registry (whatever it then refused: that is what is compared);
otherwise the code of the first registry, in the order given, that did not (3 unreachable, 4 TLS, 5 not a registry,
9 rate limited). A registry that fails fills its column with the failure; the others are still compared.
--json prints {"schema":"regprobe/compare@1", rows, registries:[{cells, facts, trace}]}, with each registry's full trace.`
  static override examples = [
    {description: 'The public registries, each with a known public repository', command: '<%= config.bin %> compare --preset public'},
    {description: 'Your registry next to Docker Hub, on the same repository name', command: '<%= config.bin %> compare registry.corp:5000 docker.io --repo library/alpine'},
    {description: 'A repository per registry', command: '<%= config.bin %> compare ghcr.io/acme/app:1.0 quay.io/prometheus/prometheus --json'},
  ]
  static override strict = false
  static override args = {registry: Args.string({required: false, description: 'REGISTRY or REGISTRY/REPOSITORY[:TAG] (several)'})}
  static override flags = {
    json: outputFlags.json,
    ...transportFlags,
    username: credentialFlags.username,
    'password-stdin': credentialFlags['password-stdin'],
    repo: Flags.string({description: 'Repository to challenge and ask a token for, on every registry named without one.', helpValue: 'NAME'}),
    preset: Flags.string({description: 'Add a named set of registries: public = Docker Hub, Quay, ghcr.io, GitLab, ECR Public, GCR, Artifact Registry.', options: PRESET_NAMES}),
  }

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(Compare)
    const credentials = await readCredentialFlags(flags)
    const {compareFlow} = await import('../src/flows/compare.js')
    const {document} = await compareFlow(() => this.makeClient(flags), argv as string[], {
      repo: flags.repo,
      preset: flags.preset,
      plainHttp: flags['plain-http'],
      username: credentials.username,
      password: credentials.password,
    })
    // Each registry's exchanges were redacted where they were recorded: the rendered text is never searched.
    if (flags.json) {
      this.jsonMode = true
      process.stdout.write(`${JSON.stringify(document, null, 2)}\n`)
    } else {
      const {renderCompare} = await import('../src/render/compare.js')
      const {useColor} = await import('../src/render/color.js')
      process.stdout.write(renderCompare(document, {color: useColor(process.stdout)}))
    }
    process.exitCode = document.exitCode
  }
}
