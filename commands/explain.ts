import {Args, Flags} from '../src/cli/define.js'
import {RegprobeCommand} from '../src/cli/base.js'
import {credentialFlags, outputFlags, transportFlags} from '../src/cli/flags.js'
import {UsageError} from '../src/errors.js'
import {pullSecretFlag, readCredentialFlags} from '../src/cli/credential-flags.js'

export default class Explain extends RegprobeCommand {
  static override summary = 'Start from the error: which registry failure a log or a pasted message shows, its likely causes, and the command that decides.'
  static override description = `Reads a whole log or a pasted message (stdin by default, or FILE) — docker CLI and daemon, buildx/BuildKit,
podman/skopeo/buildah, containerd/nerdctl and kubelet events, kaniko, crane, helm, with GitHub Actions or GitLab CI
timestamps, group markers and colours — and finds each registry failure in it. For each: the tool, registry,
repository, tag and operation it can tell; a category (network, tls, credentials, token, authorization, not-found,
rate-limit, other); the possible causes, most likely first, with the lines of the log that speak for or against each;
and the regprobe command that decides between them. Sends nothing over the network unless --check is given, which
runs doctor for the first failure and prints both.

Exit code: the code doctor gives for the first failure's category (3 network, 4 tls, 6 credentials or token, 7
authorization, 8 not-found, 9 rate-limit, 5 other), 0 when the log holds no registry failure, 2 for a usage error;
with --check, doctor's own code. Input is read up to 16 MiB (the rest is left, and the output says so).`
  static override examples = [
    {description: 'A failed GitHub Actions step, log downloaded', command: '<%= config.bin %> explain job-log.txt'},
    {description: 'A pasted message', command: 'echo "denied: requested access to the resource is denied" | <%= config.bin %> explain'},
    {description: 'A kubelet event', command: 'kubectl describe pod web-0 | <%= config.bin %> explain'},
    {description: 'Explain, then check from here', command: '<%= config.bin %> explain build.log --check'},
    {description: 'A kubelet event, checked with the pod\'s pull secret', command: 'kubectl get secret regcred -o yaml > regcred.yaml; kubectl describe pod web-0 | <%= config.bin %> explain --check --pull-secret regcred.yaml'},
  ]
  static override args = {file: Args.string({required: false, description: 'FILE: the log to read; - or nothing reads stdin'})}
  static override flags = {
    json: Flags.boolean({description: 'Print {"schema":"regprobe/explain@1", findings} as one JSON document.', helpGroup: 'OUTPUT'}),
    verbose: outputFlags.verbose,
    check: Flags.boolean({description: 'Also run doctor for the first failure\'s image (network!) and print its trace; the exit code is then doctor\'s.'}),
    ...transportFlags,
    'docker-config': credentialFlags['docker-config'],
    authfile: credentialFlags.authfile,
    ...pullSecretFlag,
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Explain)
    this.jsonMode = flags.json
    if (flags['pull-secret'] !== undefined && !flags.check) throw new UsageError('--pull-secret is what --check uses as the credentials of its doctor run: add --check', 'flag.pull-secret')
    // Read and checked before the log: a malformed secret is exit 2 before anything else happens.
    const credentials = flags.check ? await readCredentialFlags({'docker-config': flags['docker-config'], authfile: flags.authfile, 'pull-secret': flags['pull-secret']}) : undefined
    const {readLogFile, readLogStream} = await import('../src/explain/input.js')
    const fromStdin = args.file === undefined || args.file === '-'
    if (fromStdin && process.stdin.isTTY) process.stderr.write('regprobe explain: paste the log or message, then press Ctrl-D\n')
    const read = fromStdin ? await readLogStream(process.stdin) : readLogFile(args.file!)
    const {explainLog} = await import('../src/explain/index.js')
    const result = explainLog(read.text, {source: fromStdin ? 'stdin' : 'file', bytes: read.bytes, truncated: read.truncated})
    const check = credentials ? await this.check(result.findings[0], flags, credentials) : undefined
    if (flags.json) {
      process.stdout.write(`${JSON.stringify({...result, ...(check ? {check: check.trace} : {})}, null, 2)}\n`)
    } else {
      const {renderExplain} = await import('../src/explain/render.js')
      const {useColor} = await import('../src/render/color.js')
      process.stdout.write(renderExplain(result, {color: useColor(process.stdout), verbose: flags.verbose}))
      if (check) process.stdout.write(`\n${check.text}`)
    }
    process.exitCode = check ? check.trace.verdict.code : result.exitCode
  }

  /** --check: doctor for the first failure's image, with its pull or push, and docker's line as --docker-error. */
  private async check(first: import('../src/explain/types.js').ExplainFinding | undefined, flags: Record<string, unknown>, credentials: Awaited<ReturnType<typeof readCredentialFlags>>) {
    if (!first) return undefined
    if (!first.reference) throw new UsageError(`--check needs an image, and the first failure (line ${first.line}) names ${first.registry ? `only the registry ${first.registry}` : 'none'}: run ${first.next}`, 'explain.check')
    const http = await this.makeClient(flags)
    const {doctorFlow} = await import('../src/flows/doctor.js')
    const {dockerErrorText} = await import('../src/explain/next.js')
    const trace = await doctorFlow(http, first.reference, first.operation === 'push' ? ['pull', 'push'] : ['pull'], {
      plainHttp: flags['plain-http'] as boolean | undefined,
      caCert: flags['ca-cert'] as string | undefined,
      credentials,
      dockerError: dockerErrorText(first.code, first.text),
    })
    const {renderHuman} = await import('../src/render/human.js')
    const {useColor} = await import('../src/render/color.js')
    const text = http.secrets.scrub(renderHuman(trace, {color: useColor(process.stdout), verbose: !!flags.verbose}))
    return {trace: JSON.parse(http.secrets.scrub(JSON.stringify(trace))) as typeof trace, text}
  }
}
