import {Chalk} from 'chalk'
import {renderHuman} from '../render/human.js'
import type {DemoResult, DemoScene} from './demo.js'

export function renderScene(s: DemoScene, n: number, opts: {color: boolean; verbose: boolean}): string {
  const c = new Chalk({level: opts.color ? 1 : 0})
  const rule = c.dim('─'.repeat(78))
  const ok = s.trace.verdict.code === s.expectedExit
  return [
    rule,
    c.bold(`Scene ${n}. ${s.title}`),
    c.dim(`$ ${s.command}`),
    '',
    renderHuman(s.trace, {color: opts.color, verbose: opts.verbose}).trimEnd(),
    '',
    `${c.cyan('What this shows:')} ${s.lesson}${ok ? '' : c.red(` (expected exit ${s.expectedExit}, got ${s.trace.verdict.code})`)}`,
    '',
  ].join('\n')
}

export function renderDemoSummary(r: DemoResult, opts: {color: boolean}): string {
  const c = new Chalk({level: opts.color ? 1 : 0})
  const head = r.ok ? c.green.bold('Demo complete') : c.red.bold('Demo FAILED')
  return `${c.dim('─'.repeat(78))}\n${head}: ${r.scenes.length} scenes against the sandbox at ${r.registry} in ${r.ms} ms.\nNext: \`regprobe sandbox\` keeps it running for your own experiments; \`regprobe doctor IMAGE --push\` on your registry.\n`
}
