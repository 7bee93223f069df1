import {UsageError} from '../errors.js'
import type {ArgDef, ArgValues, FlagDef, FlagValues, OptionFlag} from './define.js'
import {SEE_HELP, validate} from './validate.js'

export {withoutValue} from './validate.js'

/**
 * The command-line parser a command run uses: the rules of @oclif/core 4's parser (lib/parser/parse.js and
 * validate.js) for what regprobe's commands define — long and short flags, `--flag=value`, `-uvalue`, bundled short
 * booleans, `--no-` for allowNo, `--`, options, integers with min/max, multiple, exclusive, required, defaults,
 * strict — with oclif's messages, so a user sees the same thing whichever path runs. oclif's parser cannot be loaded
 * alone (its errors import help, ux and config), and loading all of oclif costs more than the rest of a diagnosis.
 * test/cli/parse-differential.test.ts runs both parsers over every command's definitions and many argvs.
 *
 * The steps follow oclif's: the argv is read into tokens (Tokenizer, oclif's parse()), arguments and flags get their
 * values (argValues and flagValues, oclif's _args and _flags), then src/cli/validate.ts checks the result.
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

type FlagToken = {type: 'flag'; flag: string; input: string}
type ArgToken = {type: 'arg'; arg: string | undefined; input: string}
type Token = FlagToken | ArgToken

/** A command's flags and arguments, each knowing its name. */
interface Definitions {
  flags: Record<string, FlagDef>
  args: Record<string, ArgDef<unknown>>
  argNames: string[]
}

export async function parseArgv<F extends Record<string, FlagDef>, A extends Record<string, ArgDef<unknown>>>(input: string[], spec: CommandSpec<F, A>): Promise<Parsed<F, A>> {
  const defs = namedDefinitions(spec)
  const {tokens, nonExistent} = new Tokenizer(defs, input).run()
  const {args, argv} = await argValues(defs.args, tokens)
  const {flags, fromDefault} = await flagValues(defs.flags, tokens)
  const sortedArgv = [...argv, ...nonExistent].sort((a, b) => input.indexOf(a as string) - input.indexOf(b as string))
  validate({flagDefs: defs.flags, argDefs: defs.args, strict: spec.strict, nonExistent, argv: sortedArgv, args, flags, fromDefault})
  return {flags: flags as FlagValues<F>, args: args as ArgValues<A>, argv: sortedArgv}
}

/** oclif's _setNames: each definition learns its key. */
function namedDefinitions(spec: CommandSpec<Record<string, FlagDef>, Record<string, ArgDef<unknown>>>): Definitions {
  // Own properties only: a user typing --constructor or --__proto__ must not find Object.prototype's members.
  const flags = Object.assign(Object.create(null) as Record<string, FlagDef>, spec.flags)
  const args = spec.args ?? {}
  for (const [k, f] of Object.entries(flags)) f.name = k
  for (const [k, a] of Object.entries(args)) a.name = k
  return {flags, args, argNames: Object.keys(args)}
}

/** The flag a token names, if any: `--name`, `--no-name` (allowNo), or `-c` (its first short character). */
function findFlag(flags: Record<string, FlagDef>, arg: string): {isLong: boolean; name?: string} {
  if (arg.startsWith('--')) return {isLong: true, name: findLongFlag(flags, arg)}
  if (arg.startsWith('-')) return {isLong: false, name: findShortFlag(flags, arg)}
  return {isLong: false}
}

function findLongFlag(flags: Record<string, FlagDef>, arg: string): string | undefined {
  const name = arg.slice(2)
  if (flags[name]) return name
  if (!arg.startsWith(NEGATION)) return undefined
  const negated = flags[arg.slice(NEGATION.length)]
  return negated?.type === 'boolean' && negated.allowNo ? arg.slice(NEGATION.length) : undefined
}

function findShortFlag(flags: Record<string, FlagDef>, arg: string): string | undefined {
  const char = arg[1]
  return char === undefined ? undefined : Object.keys(flags).find((k) => flags[k]!.char === char)
}

/** `-1`: an argument that looks like a short flag. */
const isNegativeNumber = (token: string) => /^-\d/.test(token)

/**
 * Reads the argv into flag and argument tokens, as oclif's parse() does: a queue of what is left, where a flag takes
 * its value from the next entry, and `--name=value` or bundled short flags (`-vx`) put their rest back at the front.
 */
class Tokenizer {
  private readonly defs: Definitions
  private readonly queue: string[]
  private readonly tokens: Token[] = []
  private readonly nonExistent: string[] = []
  /** The last option flag read: a multiple one takes the plain words after its value too. */
  private current: FlagDef | undefined
  /** False after `--`: everything after it is an argument. */
  private parsingFlags = true

  constructor(defs: Definitions, input: string[]) {
    this.defs = defs
    this.queue = [...input]
  }

  run(): {tokens: Token[]; nonExistent: string[]} {
    while (this.queue.length > 0) this.classify(this.queue.shift()!)
    return {tokens: this.tokens, nonExistent: this.nonExistent}
  }

  /** One entry of the argv: `--`, a flag (with the value it takes), an unknown flag, a multiple option's value, or an argument. */
  private classify(token: string): void {
    if (this.parsingFlags && token.startsWith('-') && token !== '-') {
      if (token === '--') {
        this.parsingFlags = false
        return
      }
      if (this.readFlag(token)) return
      if (!isNegativeNumber(token)) {
        this.nonExistent.push(token)
        return
      }
    }
    if (this.parsingFlags && this.current?.type === 'option' && this.current.multiple) {
      this.tokens.push({type: 'flag', flag: this.current.name!, input: token})
      return
    }
    const position = this.tokens.filter((t) => t.type === 'arg').length
    this.tokens.push({type: 'arg', arg: this.defs.argNames[position], input: token})
  }

  /** A known flag and what it takes; false when `arg` names no flag of this command. */
  private readFlag(arg: string): boolean {
    const {isLong, name} = findFlag(this.defs.flags, arg)
    if (!name) return this.readAssignment(arg)
    const flag = this.defs.flags[name]!
    if (flag.type === 'option') {
      this.readOptionValue(flag, arg, isLong)
      return true
    }
    this.tokens.push({type: 'flag', flag: name, input: arg})
    // -vx: the rest of the short characters go back on the queue
    if (!isLong && arg.length > 2) this.queue.unshift(`-${arg.slice(2)}`)
    return true
  }

  /** `--name=value` (or `-c=value`): the value goes back on the queue for the flag before the `=`, if there is one. */
  private readAssignment(arg: string): boolean {
    const i = arg.indexOf('=')
    if (i === -1) return false
    this.queue.unshift(arg.slice(i + 1))
    const parsed = this.readFlag(arg.slice(0, i))
    if (!parsed) this.queue.shift()
    return parsed
  }

  /** An option's value: the next entry after a long flag or a lone `-c`, else what follows `-c` (or `-c=`). */
  private readOptionValue(flag: OptionFlag<unknown>, arg: string, isLong: boolean): void {
    const name = flag.name!
    if (!flag.multiple && this.tokens.some((t) => t.type === 'flag' && t.flag === name)) throw new UsageError(`Flag --${name} can only be specified once`)
    this.current = flag
    const value = isLong || arg.length < 3 ? this.queue.shift() : arg.slice(arg[2] === '=' ? 3 : 2)
    if (typeof value !== 'string' || findFlag(this.defs.flags, value).name) {
      throw new UsageError(flag.options ? `Flag --${name} expects one of these values: ${flag.options.join(', ')}` : `Flag --${name} expects a value`)
    }
    this.tokens.push({type: 'flag', flag: name, input: value})
  }
}

/** oclif's _args: each named argument in order, else its default; the rest stay in argv (strict: false). */
async function argValues(defs: Record<string, ArgDef<unknown>>, tokens: Token[]): Promise<{args: Record<string, unknown>; argv: unknown[]}> {
  const args: Record<string, unknown> = {}
  const argv: unknown[] = []
  const argTokens = tokens.filter((t): t is ArgToken => t.type === 'arg')
  for (const [name, def] of Object.entries(defs)) {
    const token = argTokens.find((t) => t.arg === name)
    if (token) {
      if (def.options && !def.options.includes(token.input)) throw new UsageError(`Expected ${token.input} to be one of: ${def.options.join(', ')}${SEE_HELP}`)
      const value = await def.parse(token.input, undefined, def)
      argv.push(value)
      args[name] = value
    }
    if (args[name] === undefined && def.default !== undefined) {
      argv.push(def.default)
      args[name] = def.default
    }
  }
  for (const token of argTokens) if (args[token.arg!] === undefined) argv.push(token.input)
  return {args, argv}
}

/** oclif's _flags: the last token wins for a boolean (--no-NAME gives false); option values go through options and parse. */
async function flagValues(defs: Record<string, FlagDef>, tokens: Token[]): Promise<{flags: Record<string, unknown>; fromDefault: Set<string>}> {
  const flags: Record<string, unknown> = {}
  const fromDefault = new Set<string>()
  const tokensOf = (name: string) => tokens.filter((t): t is FlagToken => t.type === 'flag' && t.flag === name)
  rejectValuesNotInOptions(defs, tokensOf)
  for (const [name, flag] of Object.entries(defs)) {
    const given = tokensOf(name)
    if (given.length > 0) {
      flags[name] = await flagValue(flag, given)
    } else if (flag.default !== undefined) {
      flags[name] = flag.default
      fromDefault.add(name)
    }
  }
  return {flags, fromDefault}
}

/** oclif checks every value against its flag's options before it parses any value: that error comes first. */
function rejectValuesNotInOptions(defs: Record<string, FlagDef>, tokensOf: (name: string) => FlagToken[]): void {
  for (const [name, flag] of Object.entries(defs)) {
    if (flag.type !== 'option' || !flag.options) continue
    const given = flag.multiple ? tokensOf(name) : tokensOf(name).slice(-1)
    const bad = given.find((t) => !flag.options!.includes(t.input))
    if (bad) throw new UsageError(`Expected --${name}=${bad.input} to be one of: ${flag.options.join(', ')}${SEE_HELP}`)
  }
}

/** A given flag's value from its tokens (at least one). */
async function flagValue(flag: FlagDef, given: FlagToken[]): Promise<unknown> {
  const last = given.at(-1)!.input
  if (flag.type === 'boolean') return flag.parse(last !== `${NEGATION}${flag.name}`)
  if (flag.multiple) return Promise.all(given.map((t) => parseOption(flag, t.input)))
  return parseOption(flag, last)
}

async function parseOption(flag: OptionFlag<unknown>, input: string): Promise<unknown> {
  try {
    return await flag.parse(input, undefined, flag)
  } catch (error) {
    throw new UsageError(`Parsing --${flag.name} \n\t${(error as Error).message}${SEE_HELP}`)
  }
}
