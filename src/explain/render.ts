/**
 * Human output of `explain`: the answer first (the most likely cause and its fix), then what else the text allows, then
 * the command that decides. Every quoted log text was sanitised when the finding was made; colour marks status only.
 */
import {Chalk} from 'chalk'
import {CATEGORY_EXIT, type Candidate, type Evidence, type ExplainFinding, type ExplainResult} from './types.js'

export interface RenderOptions {
  color: boolean
  verbose: boolean
}

const PAD = '  '

export function renderExplain(result: ExplainResult, opts: RenderOptions): string {
  const c = new Chalk({level: opts.color ? 1 : 0})
  const {input, findings} = result
  const where = `${input.lines} line${input.lines === 1 ? '' : 's'} of ${input.source}`
  const cut = input.cut === 'lines' ? ` (only the first ${input.lines} lines were read)` : input.truncated ? ` (input cut at ${input.bytes} bytes: only the first part was read)` : ''
  if (findings.length === 0) return `${c.green('✔')} No registry failure found in ${where}${cut}.\n`
  const out = [c.bold(`${findings.length} registry failure${findings.length === 1 ? '' : 's'} in ${where}${cut}`), '']
  findings.forEach((f, i) => {
    out.push(...renderFinding(f, i === 0 ? opts : {...opts, verbose: false}, c))
    out.push('')
  })
  const first = findings[0]!
  out.push(c.dim(`exit ${result.exitCode}: ${first.category}, from the first failure${opts.verbose ? '' : '; -v shows every candidate\'s fix, --json all of it'}`))
  return `${out.join('\n')}\n`
}

function renderFinding(f: ExplainFinding, opts: RenderOptions, c: InstanceType<typeof Chalk>): string[] {
  const [top, ...rest] = f.candidates
  const subject = [f.tool !== 'unknown' ? f.tool : '', f.operation ?? '', f.reference ?? f.registry ?? ''].filter(Boolean).join(' ')
  const seen = [f.occurrences > 1 ? `seen ${f.occurrences} times` : '', f.ci ?? ''].filter(Boolean).join(', ')
  const lines = [
    `${c.red('✖')} ${c.bold(`line ${f.line}`)}${subject ? ` · ${subject}` : ''} · ${f.category} (exit ${CATEGORY_EXIT[f.category]})`,
    `${PAD}${c.bold(f.decided ? 'Cause:' : 'Most likely:')} ${top!.summary}`,
    ...evidence(top!, f.line, c),
    `${PAD}${c.bold('Fix:')}   ${top!.fix}`,
    `${PAD}${c.bold('Log:')}   ${f.text}${seen ? c.dim(` (${seen})`) : ''}`,
  ]
  if (rest.length) {
    lines.push(`${PAD}${f.decided ? 'Less likely here:' : 'Also possible (the text alone cannot decide):'}`)
    rest.forEach((cand, i) => {
      lines.push(`${PAD}${PAD}${i + 2}. ${cand.summary} ${c.dim(`[${cand.cause}]`)}`)
      lines.push(...evidence(cand, f.line, c).map((l) => `${PAD}${l}`))
      if (opts.verbose) lines.push(`${PAD}${PAD}   fix: ${cand.fix}`)
    })
  }
  lines.push(`${PAD}${c.bold(f.decided || rest.length === 0 ? 'Check:' : 'Decide:')} ${f.next}`)
  return lines
}

/** A candidate's evidence; the failure line itself is shown once, under Log. */
function evidence(cand: Candidate, failureLine: number, c: InstanceType<typeof Chalk>): string[] {
  const show = (e: Evidence, sign: string) => `${PAD}${PAD} ${sign} line ${e.line}: ${e.says}${e.line === failureLine ? '' : ` ${c.dim(`(${e.text})`)}`}`
  return [...cand.for.map((e) => show(e, '+')), ...cand.against.map((e) => show(e, '−'))]
}
