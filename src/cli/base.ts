import {readFileSync} from 'node:fs'
import {RegprobeError, UsageError} from '../errors.js'
import type {HttpClient} from '../http/client.js'
import type {SecretBox} from '../http/redact.js'
import {ExitCode, type Step, type Trace} from '../trace/types.js'
import type {ArgDef, FlagDef} from './define.js'
import {parseDuration} from './flags.js'
import {parseArgv, type Parsed} from './parse.js'
import {isEnvironmentError} from './environment-error.js'

export interface CommonFlags {
  json?: boolean
  verbose?: boolean
  har?: string
  'show-secrets'?: boolean
  timeout?: string
  'ca-cert'?: string
  insecure?: boolean
  'plain-http'?: boolean
  'follow-redirects'?: boolean
  as?: string
  'via-daemon'?: boolean
  'docker-host'?: string
  'ci-annotations'?: boolean
}

/** What a command uses of oclif's Config: oclif passes its Config, bin/run.js a minimal object with these. */
export interface CommandConfig {
  bin: string
  version: string
}

type Example = string | {description: string; command: string}

/**
 * Shared shape of every regprobe command: parse, call the engine, hand the Trace to a renderer, exit with the
 * verdict's code. Errors of ours carry their exit code in both modes (style.md: oclif's --json trap).
 *
 * Not a subclass of oclif's Command, but the same contract (static metadata, static run(argv, config), _run): oclif
 * finds, documents and runs it like any command (help, manifest, README, `execute`), while a run loads neither oclif's
 * Command nor its parser, which cost more than the rest of a diagnosis (npm run bench). src/cli/parse.ts parses, with
 * oclif's rules and messages.
 */
export abstract class RegprobeCommand {
  // oclif's command metadata, with oclif's defaults (read by its help, manifest and README).
  static id: string
  static summary?: string
  static description?: string
  static examples: Example[] = []
  static usage?: string | string[]
  static hidden = false
  static aliases: string[] = []
  static hiddenAliases: string[] = []
  static strict = true
  static enableJsonFlag = false
  static hasDynamicHelp = false
  static flags: Record<string, FlagDef> = {}
  static baseFlags: Record<string, FlagDef> = {}
  static args: Record<string, ArgDef<unknown>> = {}

  /** oclif's entry point: `Cmd.run(argv, config)`. */
  static async run<T extends RegprobeCommand>(this: new (argv: string[], config: CommandConfig) => T, argv: string[] = process.argv.slice(2), config?: CommandConfig): Promise<void> {
    const cmd = new this(argv, config ?? {bin: 'regprobe', version: readOwnVersion()})
    await cmd._run()
  }

  id: string | undefined
  protected jsonMode = false

  constructor(
    public argv: string[],
    public config: CommandConfig,
  ) {
    this.id = (this.constructor as typeof RegprobeCommand).id
  }

  abstract run(): Promise<unknown>

  /** Runs the command; every error ends in catch(), which prints it and sets the exit code. */
  async _run(): Promise<void> {
    try {
      await this.run()
    } catch (error) {
      await this.catch(error as Error)
    }
  }

  protected async parse<F extends Record<string, FlagDef>, A extends Record<string, ArgDef<unknown>>>(
    spec: {flags?: F; baseFlags?: Record<string, FlagDef>; args?: A; strict?: boolean},
    argv: string[] = this.argv,
  ): Promise<Parsed<F, A>> {
    const parsed = await parseArgv(argv, {flags: {...spec.baseFlags, ...spec.flags} as F, args: spec.args, strict: spec.strict})
    // One registry per run: its host view shapes the client. compare (not strict) names several, and gets none.
    const a = parsed.args as Record<string, unknown>
    if (spec.strict !== false && typeof (a.ref ?? a.registry) === 'string') this.target = {input: String(a.ref ?? a.registry), kind: a.ref === undefined ? 'registry' : 'ref'}
    return parsed
  }

  /** The positional argument that names the registry (set by parse()), for the client's host view. */
  private target?: {input: string; kind: 'ref' | 'registry'}

  protected async makeClient(flags: CommonFlags): Promise<HttpClient> {
    this.jsonMode = !!flags.json
    let timeoutMs: number
    try {
      timeoutMs = parseDuration(flags.timeout ?? '10s')
    } catch (e) {
      throw new UsageError((e as Error).message, 'flag.timeout')
    }
    // A --har that can never be written fails now, not after the whole run (a FIFO or /dev/null are fine outputs).
    if (flags.har && (await import('node:fs')).statSync(flags.har, {throwIfNoEntry: false})?.isDirectory()) {
      throw new UsageError(`cannot write --har ${flags.har}: it is a directory; give a file name (trace.har)`, 'flag.har')
    }
    if (flags['show-secrets']) process.stderr.write('regprobe: --show-secrets: passwords and tokens are shown unredacted in this output\n')
    const {clientFor} = await import('../hostview/client.js')
    return clientFor({...flags, timeoutMs}, {userAgent: `regprobe/${this.config.version}`, target: this.target})
  }

  /**
   * Render the trace the way the flags ask and set the exit code from the verdict. Nothing here searches the rendered
   * text for secrets: every value was redacted where it was recorded (src/http/redact.ts), and a search over a
   * rendered document corrupts it (a password `true` would rewrite every JSON boolean).
   */
  protected async emit(trace: Trace, flags: CommonFlags, _source?: {secrets: SecretBox}): Promise<Trace> {
    if (flags.har) {
      const {writeHar} = await import('../render/har.js')
      await writeHar(flags.har, trace)
    }
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(trace, null, 2)}\n`)
    } else {
      const {renderHuman} = await import('../render/human.js')
      const {useColor} = await import('../render/color.js')
      let text = renderHuman(trace, {color: useColor(process.stdout), verbose: !!flags.verbose})
      if (process.env.GITHUB_ACTIONS === 'true' && flags['ci-annotations'] !== false) {
        const gh = await import('../render/github.js')
        const note = gh.annotation(trace)
        text = `${gh.groupStages(text)}${note ? `${note}\n` : ''}`
      }
      process.stdout.write(text)
    }
    process.exitCode = trace.verdict.code
    return trace
  }

  async catch(err: Error): Promise<void> {
    let exitCode: number
    let code: string
    let message = err.message
    let hint: string | undefined
    if (err instanceof RegprobeError) {
      exitCode = err.exitCode
      code = err.code
      hint = err.hint
    } else if (isEnvironmentError(err)) {
      // The user's environment, not a bug: a --har at a directory or /dev/full, a full disk, a read-only folder.
      const {describeEnvironmentError} = await import('./read-input.js')
      exitCode = ExitCode.USAGE
      code = `file.${(err as NodeJS.ErrnoException).code!.toLowerCase()}`
      message = describeEnvironmentError(err)
    } else {
      exitCode = ExitCode.INTERNAL
      code = 'internal'
      message = `internal error: ${message} (this is a bug in regprobe; please report it with the output of -v)`
      if (process.env.DEBUG) process.stderr.write(`${err.stack}\n`)
    }
    if (this.jsonMode || process.argv.includes('--json')) {
      process.stdout.write(`${JSON.stringify({schema: 'regprobe/error@1', error: {code, message, exitCode, ...(hint ? {hint} : {})}}, null, 2)}\n`)
    }
    process.stderr.write(`regprobe: ${message}\n${hint ? `hint: ${hint}\n` : ''}`)
    process.exitCode = exitCode
  }
}

/**
 * --ca-cert: a regular file of PEM certificates, every one of which parses. A file with none, or with a block that is
 * not a certificate, is exit 2 here: TLS would otherwise ignore it and the verdict would advise passing the CA.
 */
/** regprobe's version from its package.json: the nearest one up from this file (dist/src/cli or dist/bundle). */
function readOwnVersion(): string {
  for (const up of ['../../', '../../../']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(`${up}package.json`, import.meta.url), 'utf8')) as {name?: string; version?: string}
      if (pkg.name === 'regprobe' && pkg.version) return pkg.version
    } catch {
      // not there: try one folder up
    }
  }
  return 'unknown'
}

export type {Step}
