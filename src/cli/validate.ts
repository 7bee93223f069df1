import {UsageError} from '../errors.js'
import type {ArgDef, FlagDef} from './define.js'

/**
 * The checks that follow parsing, in the order of @oclif/core 4's lib/parser/validate.js: unknown flags, extra
 * arguments, missing arguments, then the flag rules (exclusive, required) — with oclif's messages, except that a
 * value the user typed is never repeated where it may be a password (see src/cli/parse.ts).
 */
export const SEE_HELP = '\nSee more help with --help'

/** What parsing produced, for validation. */
export interface ParseOutput {
  flagDefs: Record<string, FlagDef>
  argDefs: Record<string, ArgDef<unknown>>
  strict?: boolean
  /** Flags the command does not define, as typed. */
  nonExistent: string[]
  /** Arguments in the order typed, unknown flags among them. */
  argv: unknown[]
  args: Record<string, unknown>
  flags: Record<string, unknown>
  /** Flags whose value is their default (never given). */
  fromDefault: Set<string>
}

export function validate(out: ParseOutput): void {
  rejectNonexistentFlags(out.nonExistent)
  if (out.strict !== false) rejectUnexpectedArguments(out.argv, Object.keys(out.argDefs))
  rejectMissingArguments(out.argDefs, out.args)
  rejectBrokenFlagRules(out.flagDefs, out.flags, out.fromDefault)
}

/** An unknown flag as a message names it: `--pasword=…`, `-p…`; never the value typed with it. */
export function withoutValue(flag: string): string {
  return flag.replace(/^(-[^=]*=).+$/s, '$1…').replace(/^(-[^-=])[^=].*$/s, '$1…')
}

function rejectNonexistentFlags(nonExistent: string[]): void {
  if (nonExistent.length === 0) return
  // A mistyped --pasword=hunter2 must not print the password: the value of an unknown flag is left out, and so is
  // a value glued to a short flag (-pPASSWORD on a command without -p).
  const named = nonExistent.map(withoutValue)
  throw new UsageError(`Nonexistent flag${nonExistent.length === 1 ? '' : 's'}: ${named.join(', ')}${SEE_HELP}`)
}

function rejectUnexpectedArguments(argv: unknown[], argNames: string[]): void {
  if (argv.length <= argNames.length) return
  // `login HOST alice PASSWORD` (a -u forgotten): the extra values are counted, never repeated (oclif lists them).
  const extras = argv.slice(argNames.length)
  const takes = argNames.length === 0 ? 'no arguments' : argNames.map((n) => n.toUpperCase()).join(' ')
  throw new UsageError(`Unexpected argument${extras.length === 1 ? '' : 's'}: ${extras.length} more than this command takes (${takes}); not repeated here, as one may be a password${SEE_HELP}`)
}

function rejectMissingArguments(argDefs: Record<string, ArgDef<unknown>>, args: Record<string, unknown>): void {
  const missing = Object.values(argDefs).filter((a) => a.required && args[a.name!] === undefined)
  if (missing.length === 0) return
  const width = Math.max(...missing.map((a) => a.name!.length))
  const list = missing.map((a) => {
    const description = a.options ? `(${a.options.join('|')}) ${a.description}` : a.description
    return description ? `${a.name!.padEnd(width)}  ${description}` : a.name!
  })
  throw new UsageError(`Missing ${missing.length} required arg${missing.length === 1 ? '' : 's'}:\n${list.join('\n')}${SEE_HELP}`)
}

/** Exclusive flags given together (a default never conflicts) and required flags not given: all reported at once. */
function rejectBrokenFlagRules(flagDefs: Record<string, FlagDef>, flags: Record<string, unknown>, fromDefault: Set<string>): void {
  const reasons: string[] = []
  for (const [name, flag] of Object.entries(flagDefs)) {
    if (flags[name] !== undefined) {
      const conflict = (flag.exclusive ?? []).find((other) => !fromDefault.has(other) && !fromDefault.has(name) && flags[other] !== undefined)
      if (conflict !== undefined) reasons.push(`--${conflict}=${String(flags[conflict])} cannot also be provided when using --${name}`)
    } else if (flag.type === 'option' && flag.required) {
      reasons.push(`Missing required flag ${name}`)
    }
  }
  if (reasons.length === 0) return
  const unique = [...new Set(reasons)].sort()
  throw new UsageError(`The following ${unique.length === 1 ? 'error' : 'errors'} occurred:\n  ${unique.join('\n  ')}${SEE_HELP}`)
}
