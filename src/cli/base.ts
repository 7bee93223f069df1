import {Command} from '@oclif/core/command'
import {readFileSync} from 'node:fs'
import {RegprobeError, UsageError} from '../errors.js'
import type {HttpClient} from '../http/client.js'
import {SecretBox} from '../http/redact.js'
import {ExitCode, type Step, type Trace} from '../trace/types.js'
import {parseDuration} from './flags.js'

export interface CommonFlags {
  json?: boolean
  verbose?: boolean
  har?: string
  'show-secrets'?: boolean
  timeout?: string
  'ca-cert'?: string
  insecure?: boolean
  'plain-http'?: boolean
  'ci-annotations'?: boolean
}

/**
 * Shared shape of every regprobe command: parse, call the engine, hand the Trace to a renderer, exit with the
 * verdict's code. Errors of ours carry their exit code in both modes (style.md: oclif's --json trap).
 */
export abstract class RegprobeCommand extends Command {
  protected jsonMode = false

  protected async makeClient(flags: CommonFlags): Promise<HttpClient> {
    this.jsonMode = !!flags.json
    let timeoutMs: number
    try {
      timeoutMs = parseDuration(flags.timeout ?? '10s')
    } catch (e) {
      throw new UsageError((e as Error).message, 'flag.timeout')
    }
    let caCertPem: string | undefined
    if (flags['ca-cert']) {
      try {
        caCertPem = readFileSync(flags['ca-cert'], 'utf8')
      } catch (e) {
        throw new UsageError(`cannot read --ca-cert ${flags['ca-cert']}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'flag.ca-cert')
      }
      if (!caCertPem.includes('-----BEGIN CERTIFICATE-----')) throw new UsageError(`--ca-cert ${flags['ca-cert']} holds no PEM certificate`, 'flag.ca-cert')
    }
    if (flags['show-secrets']) process.stderr.write('regprobe: --show-secrets: passwords and tokens are shown unredacted in this output\n')
    const {HttpClient} = await import('../http/client.js')
    return new HttpClient({timeoutMs, caCertPem, insecure: flags.insecure, secrets: new SecretBox(!!flags['show-secrets']), userAgent: `regprobe/${this.config.version}`})
  }

  /** Render the trace the way the flags ask and set the exit code from the verdict. */
  /** `source` is what holds the run's secrets (an HttpClient, or {secrets} for a command without network). */
  protected async emit(trace: Trace, flags: CommonFlags, source?: {secrets: SecretBox}): Promise<Trace> {
    const box = source?.secrets
    if (flags.har) {
      const {writeHar} = await import('../render/har.js')
      await writeHar(flags.har, trace)
    }
    if (flags.json) {
      const text = JSON.stringify(trace, null, 2)
      process.stdout.write(`${box ? box.scrub(text) : text}\n`)
    } else {
      const {renderHuman} = await import('../render/human.js')
      const {useColor} = await import('../render/color.js')
      let text = renderHuman(trace, {color: useColor(process.stdout), verbose: !!flags.verbose})
      if (process.env.GITHUB_ACTIONS === 'true' && flags['ci-annotations'] !== false) {
        const gh = await import('../render/github.js')
        const note = gh.annotation(trace)
        text = `${gh.groupStages(text)}${note ? `${note}\n` : ''}`
      }
      process.stdout.write(box ? box.scrub(text) : text)
    }
    process.exitCode = trace.verdict.code
    return trace
  }

  override async catch(err: Error & {exitCode?: number; oclif?: {exit?: number}; code?: string}): Promise<void> {
    let exitCode: number
    let code: string
    let message = err.message
    let hint: string | undefined
    if (err instanceof RegprobeError) {
      exitCode = err.exitCode
      code = err.code
      hint = err.hint
    } else if (err.oclif?.exit !== undefined && err.oclif.exit !== 1) {
      // oclif's own parse errors (unknown flag, missing argument) are usage errors.
      exitCode = err.oclif.exit === 0 ? 0 : ExitCode.USAGE
      code = 'usage'
      if (exitCode === 0) return
    } else if (err.constructor?.name === 'CLIError' || /^(Unexpected argument|Missing \d+ required arg|Nonexistent flag|Expected --)/.test(message)) {
      exitCode = ExitCode.USAGE
      code = 'usage'
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

export function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    if (process.stdin.isTTY) {
      reject(new UsageError('--password-stdin / --identity-token-stdin read from stdin, but stdin is a terminal: pipe the secret in (echo "$TOKEN" | regprobe …)', 'flag.stdin'))
      return
    }
    const chunks: Buffer[] = []
    process.stdin.on('data', (c: Buffer) => chunks.push(c))
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    process.stdin.on('error', reject)
  })
}

export type {Step}
