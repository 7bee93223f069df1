import {ExitCode, type ExitCodeValue} from './trace/types.js'

/**
 * "The tool could not do its job" (bad usage, unreadable file, internal failure) is a typed error;
 * "the registry said no" is a verdict in a normal Trace, never an exception.
 */
export class RegprobeError extends Error {
  readonly exitCode: ExitCodeValue
  readonly code: string
  readonly hint?: string

  constructor(message: string, opts: {exitCode: ExitCodeValue; code: string; hint?: string; cause?: unknown}) {
    super(message, opts.cause === undefined ? undefined : {cause: opts.cause})
    this.name = 'RegprobeError'
    this.exitCode = opts.exitCode
    this.code = opts.code
    this.hint = opts.hint
  }
}

/** Exit 2: a bad flag or argument. `code` is stable (e.g. "reference.invalid-tag"). */
export class UsageError extends RegprobeError {
  constructor(message: string, code = 'usage', hint?: string) {
    super(message, {exitCode: ExitCode.USAGE, code, hint})
    this.name = 'UsageError'
  }
}
