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

/** Errno codes as a person reads them. */
export function errnoReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException
  const words: Record<string, string> = {
    ENOENT: 'no such file or directory', EACCES: 'permission denied', EPERM: 'operation not permitted', EISDIR: 'it is a directory',
    ENOTDIR: 'a part of the path is not a directory', ENOSPC: 'no space left on the device', EROFS: 'read-only file system',
    EFBIG: 'file too large', EDQUOT: 'disk quota exceeded', ELOOP: 'too many symbolic links', ENAMETOOLONG: 'file name too long',
    ENXIO: 'no such device or address', ETXTBSY: 'text file busy', EMFILE: 'too many open files',
  }
  return e?.code ? `${words[e.code] ?? e.code.toLowerCase()} (${e.code})` : String(e?.message ?? e)
}
