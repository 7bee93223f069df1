import assert from 'node:assert/strict'
import type {CliResult} from '../helpers/cli.js'

/**
 * Independent cases run this many at a time: each is a Node start (about half a CPU-second), and the suite has a
 * budget of well under a minute on a two-core runner. Timing bounds below leave room for the contention.
 */
export const CONCURRENCY = 4

/** A stack frame in any output means an exception escaped to the user. */
const STACK_FRAME = /^\s+at .+[(:]\d+/m
/** Node's start plus oclif's on a busy two-core runner: what a run may add beyond the engine's own time. */
export const STARTUP_ALLOWANCE_MS = 4000

/**
 * The verdict within --timeout plus a second (issue 10). The promise is about the engine, so it is checked on the
 * trace's own durationMs when there is one; the wall-clock bound only catches a hang.
 */
export function assertWithin(r: CliResult, timeoutMs: number, trace?: {durationMs: number}): void {
  if (trace) assert.ok(trace.durationMs < timeoutMs + 1000, `the engine took ${trace.durationMs} ms with --timeout ${timeoutMs}ms`)
  assert.ok(r.ms < timeoutMs + 1000 + STARTUP_ALLOWANCE_MS, `took ${Math.round(r.ms)} ms with --timeout ${timeoutMs}ms`)
}

/** The four things every hostile case owes the user, minus the exit code (asserted where it is named). */
export function assertClean(r: CliResult): void {
  assert.doesNotMatch(r.stdout, STACK_FRAME, `stack trace on stdout:\n${r.stdout}`)
  assert.doesNotMatch(r.stderr, STACK_FRAME, `stack trace on stderr:\n${r.stderr}`)
  assert.doesNotMatch(r.stderr, /internal error/, r.stderr)
}

export function codes(findings: Array<{code: string}>): string[] {
  return findings.map((f) => f.code)
}

/** Every finding of a trace, in order. */
export function allFindings(trace: {steps: Array<{findings: Array<{code: string}>}>}): string[] {
  return trace.steps.flatMap((s) => codes(s.findings))
}

/** The human verdict line, e.g. "FAIL (exit 5)  the token server answered 200 without a token …". */
export function verdictLine(stdout: string): string {
  return stdout.split('\n').find((l) => /^(OK|FAIL|WARN)\b.*\(exit \d+\)/.test(l)) ?? ''
}

export async function waitFor(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 20))
}
