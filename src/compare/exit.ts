import {ExitCode, type Trace} from '../trace/types.js'

/**
 * compare's exit code. What `compare` checks is that every registry answered as a v2 registry; refusals after that
 * (an anonymous token refused, a catalog not offered) are what is being compared, not failures of the run.
 * So: a registry's code is its probe's (0 when it spoke v2, else 3/4/5/9…); the command's is 0 when every registry's
 * is 0, else the first failing registry's in the order they were named.
 */
export function exitCodeOf(trace: Trace): number {
  const probe = trace.steps.find((s) => s.stage === 'probe')
  if (!probe) return ExitCode.INTERNAL
  const errors = probe.findings.filter((f) => f.severity === 'error')
  if (errors.length === 0) return ExitCode.OK
  return Math.min(...errors.map((f) => f.exitCode ?? ExitCode.INTERNAL))
}

export function overallExitCode(codes: readonly number[]): number {
  return codes.find((c) => c !== ExitCode.OK) ?? ExitCode.OK
}
