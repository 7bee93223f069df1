import {Flags} from '../src/cli/define.js'
import {RegprobeCommand} from '../src/cli/base.js'

export default class Demo extends RegprobeCommand {
  static override summary = 'A guided run of the whole flow against a built-in registry on loopback (no network needed).'
  static override description = `Starts the sandbox registry and its token server in this process (users alice/wonderland and bob/builder,
anonymous pull of library/*) and walks through the flow with real exchanges: probe, challenge, an anonymous token,
alice's push, bob's push diagnosed as denied with the fix, an anonymous pull of a private repository. Each scene
prints the command that shows the same thing against your own registry. Exit 0 when every scene gave the expected
verdict.`
  static override examples = ['<%= config.bin %> demo', '<%= config.bin %> demo --json > demo.json']
  static override flags = {
    json: Flags.boolean({description: 'Print the scenes and their traces as one JSON document.'}),
    verbose: Flags.boolean({char: 'v', description: 'Show every header and body.'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Demo)
    this.jsonMode = flags.json
    const {runDemo} = await import('../src/demo/demo.js')
    const {renderScene, renderDemoSummary} = await import('../src/demo/render.js')
    const {useColor} = await import('../src/render/color.js')
    const color = useColor(process.stdout)
    let n = 0
    const result = await runDemo({onScene: flags.json ? undefined : (s) => void process.stdout.write(renderScene(s, ++n, {color, verbose: flags.verbose}))})
    if (flags.json) process.stdout.write(`${JSON.stringify({schema: 'regprobe/demo@1', ok: result.ok, ms: result.ms, registry: result.registry, scenes: result.scenes}, null, 2)}\n`)
    else process.stdout.write(renderDemoSummary(result, {color}))
    process.exitCode = result.ok ? 0 : 1
  }
}
