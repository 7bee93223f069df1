import {Help} from '@oclif/core'
import type {Command} from '@oclif/core'
import {sortByFlow} from './command-order.js'

/**
 * Root help lists the commands in flow order, one line each: the list is a map of the flow, and `regprobe help CMD`
 * has the rest. Configured as oclif.helpClass; loaded only when help is shown.
 */
export default class RegprobeHelp extends Help {
  protected override get sortedCommands(): Command.Loadable[] {
    return sortByFlow(super.sortedCommands)
  }

  protected override formatCommands(commands: Command.Loadable[]): string {
    if (commands.length === 0) return ''
    const ids = commands.map((c) => c.id.replaceAll(':', this.config.topicSeparator))
    const width = Math.max(...ids.map((id) => id.length))
    const room = Math.max(20, this.opts.maxWidth - 2 - width - 2)
    const lines = commands.map((c, i) => {
      const summary = this.render(c.summary ?? c.description ?? '').split('\n')[0].trim()
      return `${ids[i].padEnd(width)}  ${oneLine(summary, room)}`.trimEnd()
    })
    return this.section('COMMANDS', lines.join('\n'))
  }
}

/** Cuts at a word boundary and marks the cut, so a narrow terminal still gets one line per command. */
export function oneLine(text: string, max: number): string {
  if (text.length <= max) return text
  const cut = text.slice(0, max - 1)
  const space = text[max - 1] === ' ' ? cut.length : cut.lastIndexOf(' ')
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`
}
