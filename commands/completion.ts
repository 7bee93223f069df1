import type {Command} from '@oclif/core'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {RegprobeCommand} from '../src/cli/base.js'
import {Args} from '../src/cli/define.js'
import type {CompletionCommand} from '../src/cli/completion.js'

export default class Completion extends RegprobeCommand {
  static override summary = 'Print a bash or zsh completion script for commands, flags and flag values.'
  static override description = `The script is generated from the installed commands (their flags, and the values a flag accepts), so it matches
this version. Load it from your shell's start-up file; it costs nothing at regprobe's start-up.`
  static override examples = [
    {description: 'bash: add to ~/.bashrc', command: 'eval "$(<%= config.bin %> completion bash)"'},
    {description: 'zsh: add to ~/.zshrc, after compinit', command: 'eval "$(<%= config.bin %> completion zsh)"'},
    {description: 'zsh: or install it on $fpath', command: '<%= config.bin %> completion zsh > "${fpath[1]}/_regprobe"'},
  ]
  static override args = {shell: Args.string({required: true, options: ['bash', 'zsh'], description: 'SHELL: bash or zsh'})}

  async run(): Promise<void> {
    const {args} = await this.parse(Completion)
    const {completionScript} = await import('../src/cli/completion.js')
    process.stdout.write(completionScript(args.shell as 'bash' | 'zsh', this.config.bin ?? 'regprobe', await this.commandList()))
  }

  /**
   * bin/run.js runs a command with a minimal config that has no command list. Installed, oclif.manifest.json has it
   * (no command file is imported); in a checkout, oclif's Config builds it. The specifier is a variable so a bundler
   * leaves @oclif/core's full index to Node instead of a partial copy.
   */
  private async commandList(): Promise<CompletionCommand[]> {
    const own = (this.config as {commands?: Command.Loadable[]}).commands
    if (own) return own as unknown as CompletionCommand[]
    const root = fileURLToPath(new URL('../..', import.meta.url))
    try {
      const manifest = JSON.parse(readFileSync(join(root, 'oclif.manifest.json'), 'utf8')) as {commands: Record<string, CompletionCommand>}
      return Object.entries(manifest.commands).map(([id, c]) => ({...c, id}))
    } catch {
      const core = '@oclif/core'
      const {Config} = (await import(core)) as typeof import('@oclif/core')
      return (await Config.load({root})).commands as unknown as CompletionCommand[]
    }
  }
}
