import type {Trace} from '../trace/types.js'
import {serverLine} from './sanitize.js'

/**
 * GitHub Actions workflow commands: https://docs.github.com/actions/reference/workflow-commands-for-github-actions
 * (and the runner's ActionCommand escaping: data %25 %0D %0A; properties also %3A %2C).
 */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}
function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

/** Wraps each numbered stage block of the human output in a collapsible group. */
export function groupStages(human: string): string {
  const lines = human.split('\n')
  const out: string[] = []
  let open = false
  for (const line of lines) {
    const stageStart = /^\S+\s+\d+\. /.test(line)
    const verdictStart = /^(OK|FAIL|OK, with warnings)\b/.test(line.replace(/\x1b\[[0-9;]*m/g, ''))
    if ((stageStart || verdictStart) && open) {
      out.push('::endgroup::')
      open = false
    }
    if (stageStart) {
      out.push(`::group::${line.replace(/\x1b\[[0-9;]*m/g, '').trim()}`)
      open = true
      continue
    }
    out.push(line)
  }
  if (open) out.push('::endgroup::')
  return out.join('\n')
}

/** The verdict as an annotation: an error for a failure, a warning for warnings, nothing when all is well. */
export function annotation(trace: Trace): string | undefined {
  const v = trace.verdict
  if (v.status === 'ok') return undefined
  const kind = v.status === 'fail' ? 'error' : 'warning'
  // Each part may quote a server: sanitized (no control character, no command of its own), then escaped as data.
  const body = [serverLine(v.headline), ...v.fixes.slice(0, 2).map((f) => `fix: ${serverLine(f)}`)].join('\n')
  return `::${kind} title=${escapeProperty(serverLine(`regprobe ${trace.command} ${trace.target} (exit ${v.code})`, 300))}::${escapeData(body)}`
}
