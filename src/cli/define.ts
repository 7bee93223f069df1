/**
 * Flag and argument definitions in the shapes @oclif/core's own `Flags.*` and `Args.*` return, without loading
 * @oclif/core: its flags module pulls in help, ux, config and errors (about 600 KB bundled, ~0.3× a bare Node start),
 * which running a command does not need. oclif reads these objects for help, the manifest, the README and completion;
 * src/cli/parse.ts reads them to run a command. test/cli/parse-differential.test.ts holds the two parsers to the same
 * results over every command's definitions.
 */

interface Common {
  /** Set by the parser from the key, as oclif does. */
  name?: string
  char?: string
  description?: string
  summary?: string
  helpGroup?: string
  helpValue?: string
  hidden?: boolean
  /** Flags that may not be given together with this one. */
  exclusive?: string[]
}

/**
 * The parsed value's type rides along, for this.parse()'s result; it is never set at run time. Wrapped in an object:
 * reading `V` back from an optional property itself would drop the `| undefined` of an optional flag.
 */
declare const valueType: unique symbol

export interface BooleanFlag<V = boolean> extends Common {
  type: 'boolean'
  allowNo: boolean
  default?: boolean
  parse(input: boolean, ctx?: unknown, opts?: unknown): Promise<boolean>
  readonly [valueType]?: {value: V}
}

export interface OptionFlag<V = string | undefined, T = unknown> extends Common {
  type: 'option'
  multiple: boolean
  required?: boolean
  default?: T
  options?: readonly string[]
  min?: number
  max?: number
  input: string[]
  parse(input: string, ctx?: unknown, opts?: {min?: number; max?: number}): Promise<T>
  readonly [valueType]?: {value: V}
}

export type FlagDef = BooleanFlag<unknown> | OptionFlag<unknown>

export interface ArgDef<V = string | undefined> {
  type?: 'option'
  name?: string
  description?: string
  required?: boolean
  default?: string
  options?: readonly string[]
  input: string[]
  parse(input: string, ctx?: unknown, opts?: unknown): Promise<string>
  readonly [valueType]?: {value: V}
}

export type ValueOf<D> = D extends {readonly [valueType]?: {value: infer V}} ? V : never
export type FlagValues<F> = {[K in keyof F]: ValueOf<F[K]>}
export type ArgValues<A> = {[K in keyof A]: ValueOf<A[K]>}

type CommonOptions = Common
type Given<O, T> = O extends {multiple: true} ? (O extends {required: true} | {default: unknown} ? T[] : T[] | undefined) : O extends {required: true} | {default: T} ? T : T | undefined

export class FlagError extends Error {}

/** Flags.boolean: absent unless given or defaulted; `allowNo` accepts --no-NAME. */
function boolean<O extends CommonOptions & {default?: boolean; allowNo?: boolean}>(options: O = {} as O): BooleanFlag<O extends {default: boolean} ? boolean : boolean> {
  return {parse: async (b: boolean) => b, ...options, allowNo: Boolean(options.allowNo), type: 'boolean'}
}

type StringOptions = CommonOptions & {default?: string | string[]; required?: boolean; multiple?: boolean; options?: readonly string[]}

/** Flags.string */
function string<O extends StringOptions>(options: O = {} as O): OptionFlag<Given<O, string>, string | string[]> {
  return {parse: async (input: string) => input, ...options, input: [], multiple: Boolean(options.multiple), type: 'option'}
}

type IntegerOptions = CommonOptions & {default?: number; required?: boolean; min?: number; max?: number}

/** Flags.integer, with oclif's messages for a non-integer and for min/max. */
function integer<O extends IntegerOptions>(options: O = {} as O): OptionFlag<Given<O, number>, number> {
  return {
    async parse(input: string, _ctx?: unknown, opts?: {min?: number; max?: number}) {
      if (!/^-?\d+$/.test(input)) throw new FlagError(`Expected an integer but received: ${input}`)
      const num = Number.parseInt(input, 10)
      if (opts?.min !== undefined && num < opts.min) throw new FlagError(`Expected an integer greater than or equal to ${opts.min} but received: ${input}`)
      if (opts?.max !== undefined && num > opts.max) throw new FlagError(`Expected an integer less than or equal to ${opts.max} but received: ${input}`)
      return num
    },
    ...options,
    input: [],
    multiple: false,
    type: 'option',
  }
}

export const Flags = {boolean, string, integer}

type ArgOptions = {description?: string; required?: boolean; default?: string; options?: readonly string[]}

/** Args.string */
function argString<O extends ArgOptions>(options: O = {} as O): ArgDef<O extends {required: true} | {default: string} ? string : string | undefined> {
  return {parse: async (input: string) => input, ...options, input: [], type: 'option'}
}

export const Args = {string: argString}
