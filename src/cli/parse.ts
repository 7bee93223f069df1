import {UsageError} from '../errors.js'
import type {ArgDef, ArgValues, FlagDef, FlagValues, OptionFlag} from './define.js'

/**
 * The command-line parser a command run uses: the rules of @oclif/core 4's parser (lib/parser/parse.js and
 * validate.js) for what regprobe's commands define — long and short flags, `--flag=value`, `-uvalue`, bundled short
 * booleans, `--no-` for allowNo, `--`, options, integers with min/max, multiple, exclusive, required, defaults,
 * strict — with oclif's messages, so a user sees the same thing whichever path runs. oclif's parser cannot be loaded
 * alone (its errors import help, ux and config), and loading all of oclif costs more than the rest of a diagnosis.
 * test/cli/parse-differential.test.ts runs both parsers over every command's definitions and many argvs.
 *
 * Two deliberate differences. An unknown flag's value is not repeated in the error (--pasword=hunter2 is a
 * password). And oclif reads a missing argument from piped stdin. regprobe never does — stdin carries
 * passwords (`--password-stdin`), and `echo $PW | regprobe login -u me --password-stdin` must not take the password
 * for the registry name (with oclif's parser it did, and then waited for a stdin that had already ended).
 */
export interface CommandSpec<F, A> {
  flags?: F
  args?: A
  strict?: boolean
}

export interface Parsed<F, A> {
  flags: FlagValues<F>
  args: ArgValues<A>
  /** Arguments in order, with any extra ones (strict: false). */
  argv: unknown[]
}

const NEGATION = '--no-'
const SEE_HELP = '\nSee more help with --help'

export async function parseArgv<F extends Record<string, FlagDef>, A extends Record<string, ArgDef<unknown>>>(input: string[], spec: CommandSpec<F, A>): Promise<Parsed<F, A>> {
  // Own properties only: a user typing --constructor or --__proto__ must not find Object.prototype's members.
  const flags = Object.assign(Object.create(null) as Record<string, FlagDef>, spec.flags)
  const args = (spec.args ?? {}) as Record<string, ArgDef<unknown>>
  for (const [k, f] of Object.entries(flags)) f.name = k
  for (const [k, a] of Object.entries(args)) a.name = k
  const argNames = Object.keys(args)

  const findFlag = (arg: string): {isLong: boolean; name?: string} => {
    const isLong = arg.startsWith('--')
    if (isLong) {
      const name = arg.slice(2)
      if (flags[name]) return {isLong, name}
      if (arg.startsWith(NEGATION)) {
        const negated = flags[arg.slice(NEGATION.length)]
        if (negated?.type === 'boolean' && negated.allowNo) return {isLong, name: arg.slice(NEGATION.length)}
      }
      return {isLong}
    }
    if (arg.startsWith('-')) {
      const char = arg[1]
      return {isLong, name: char === undefined ? undefined : Object.keys(flags).find((k) => flags[k]!.char === char)}
    }
    return {isLong}
  }

  type Token = {type: 'flag'; flag: string; input: string} | {type: 'arg'; arg: string | undefined; input: string}
  const raw: Token[] = []
  const argv = [...input]
  let current: FlagDef | undefined

  const parseFlag = (arg: string): boolean => {
    const {isLong, name} = findFlag(arg)
    if (!name) {
      const i = arg.indexOf('=')
      if (i === -1) return false
      argv.unshift(arg.slice(i + 1))
      const parsed = parseFlag(arg.slice(0, i))
      if (!parsed) argv.shift()
      return parsed
    }
    const flag = flags[name]!
    if (flag.type === 'option') {
      if (!flag.multiple && raw.some((t) => t.type === 'flag' && t.flag === name)) throw new UsageError(`Flag --${name} can only be specified once`)
      current = flag
      const value = isLong || arg.length < 3 ? argv.shift() : arg.slice(arg[2] === '=' ? 3 : 2)
      if (typeof value !== 'string' || findFlag(value).name) {
        throw new UsageError(flag.options ? `Flag --${name} expects one of these values: ${flag.options.join(', ')}` : `Flag --${name} expects a value`)
      }
      raw.push({type: 'flag', flag: name, input: value})
    } else {
      raw.push({type: 'flag', flag: name, input: arg})
      // -vx: the rest of the short characters go back on the stack
      if (!isLong && arg.length > 2) argv.unshift(`-${arg.slice(2)}`)
    }
    return true
  }

  let parsingFlags = true
  const nonExistent: string[] = []
  const original = [...argv]
  while (argv.length > 0) {
    const token = argv.shift()!
    if (parsingFlags && token.startsWith('-') && token !== '-') {
      if (token === '--') {
        parsingFlags = false
        continue
      }
      if (parseFlag(token)) continue
      if (!/^-\d/.test(token)) {
        nonExistent.push(token)
        continue
      }
    }
    if (parsingFlags && current?.type === 'option' && current.multiple) {
      raw.push({type: 'flag', flag: current.name!, input: token})
      continue
    }
    raw.push({type: 'arg', arg: argNames[raw.filter((t) => t.type === 'arg').length], input: token})
  }

  // Arguments: each named one in order, then defaults; the rest stay in argv (strict: false).
  const outArgs: Record<string, unknown> = {}
  const outArgv: unknown[] = []
  const argTokens = raw.filter((t): t is Extract<Token, {type: 'arg'}> => t.type === 'arg')
  for (const [name, def] of Object.entries(args)) {
    const token = argTokens.find((t) => t.arg === name)
    if (token) {
      if (def.options && !def.options.includes(token.input)) throw new UsageError(`Expected ${token.input} to be one of: ${def.options.join(', ')}${SEE_HELP}`)
      const value = await def.parse(token.input, undefined, def)
      outArgv.push(value)
      outArgs[name] = value
    }
    if (outArgs[name] === undefined && def.default !== undefined) {
      outArgv.push(def.default)
      outArgs[name] = def.default
    }
  }
  for (const token of argTokens) if (outArgs[token.arg!] === undefined) outArgv.push(token.input)

  // Flags: the last token wins for a boolean (--no-NAME gives false); option values go through options and parse.
  const outFlags: Record<string, unknown> = {}
  const fromDefault = new Set<string>()
  const tokensOf = (name: string) => raw.filter((t): t is Extract<Token, {type: 'flag'}> => t.type === 'flag' && t.flag === name)
  // oclif checks every value against its flag's options before it parses any value: that error comes first.
  for (const [name, flag] of Object.entries(flags)) {
    if (flag.type === 'option' && flag.options) {
      const given = flag.multiple ? tokensOf(name) : tokensOf(name).slice(-1)
      const bad = given.find((t) => !flag.options!.includes(t.input))
      if (bad) throw new UsageError(`Expected --${name}=${bad.input} to be one of: ${flag.options.join(', ')}${SEE_HELP}`)
    }
  }
  for (const [name, flag] of Object.entries(flags)) {
    const tokens = tokensOf(name)
    if (tokens.length === 0) {
      if (flag.default !== undefined) {
        outFlags[name] = flag.default
        fromDefault.add(name)
      }
      continue
    }
    if (flag.type === 'boolean') {
      outFlags[name] = await flag.parse(tokens.at(-1)!.input !== `${NEGATION}${name}`)
    } else if (flag.multiple) {
      outFlags[name] = await Promise.all(tokens.map((t) => parseOption(flag, t.input)))
    } else {
      outFlags[name] = await parseOption(flag, tokens.at(-1)!.input)
    }
  }

  const sortedArgv = [...outArgv, ...nonExistent].sort((a, b) => original.indexOf(a as string) - original.indexOf(b as string))

  // Validation, in oclif's order: unknown flags, extra arguments, missing arguments, then flag rules.
  if (nonExistent.length > 0) {
    // A mistyped --pasword=hunter2 must not print the password: the value of an unknown flag is left out, and so is
    // a value glued to a short flag (-pPASSWORD on a command without -p).
    const named = nonExistent.map(withoutValue)
    throw new UsageError(`Nonexistent flag${nonExistent.length === 1 ? '' : 's'}: ${named.join(', ')}${SEE_HELP}`)
  }
  if (spec.strict !== false && sortedArgv.length > argNames.length) {
    // `login HOST alice PASSWORD` (a -u forgotten): the extra values are counted, never repeated (oclif lists them).
    const extras = sortedArgv.slice(argNames.length)
    const takes = argNames.length === 0 ? 'no arguments' : argNames.map((n) => n.toUpperCase()).join(' ')
    throw new UsageError(`Unexpected argument${extras.length === 1 ? '' : 's'}: ${extras.length} more than this command takes (${takes}); not repeated here, as one may be a password${SEE_HELP}`)
  }
  const missing = Object.values(args).filter((a) => a.required && outArgs[a.name!] === undefined)
  if (missing.length > 0) {
    const width = Math.max(...missing.map((a) => a.name!.length))
    const list = missing.map((a) => {
      const description = a.options ? `(${a.options.join('|')}) ${a.description}` : a.description
      return description ? `${a.name!.padEnd(width)}  ${description}` : a.name!
    })
    throw new UsageError(`Missing ${missing.length} required arg${missing.length === 1 ? '' : 's'}:\n${list.join('\n')}${SEE_HELP}`)
  }
  const reasons: string[] = []
  for (const [name, flag] of Object.entries(flags)) {
    if (outFlags[name] !== undefined) {
      for (const other of flag.exclusive ?? []) {
        if (fromDefault.has(other) || fromDefault.has(name)) continue
        if (outFlags[other] !== undefined) {
          reasons.push(`--${other}=${String(outFlags[other])} cannot also be provided when using --${name}`)
          break
        }
      }
    } else if (flag.type === 'option' && flag.required) {
      reasons.push(`Missing required flag ${name}`)
    }
  }
  if (reasons.length > 0) {
    const unique = [...new Set(reasons)].sort()
    throw new UsageError(`The following ${unique.length === 1 ? 'error' : 'errors'} occurred:\n  ${unique.join('\n  ')}${SEE_HELP}`)
  }
  return {flags: outFlags as FlagValues<F>, args: outArgs as ArgValues<A>, argv: sortedArgv}
}

/** An unknown flag as a message names it: `--pasword=…`, `-p…`; never the value typed with it. */
export function withoutValue(flag: string): string {
  return flag.replace(/^(-[^=]*=).+$/s, '$1…').replace(/^(-[^-=])[^=].*$/s, '$1…')
}

async function parseOption(flag: OptionFlag<unknown>, input: string): Promise<unknown> {
  try {
    return await flag.parse(input, undefined, flag)
  } catch (error) {
    throw new UsageError(`Parsing --${flag.name} \n\t${(error as Error).message}${SEE_HELP}`)
  }
}
