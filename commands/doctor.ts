import {Args, Flags} from '../src/cli/define.js'
import {RegprobeCommand} from '../src/cli/base.js'
import {credentialFlags, outputFlags, transportFlags} from '../src/cli/flags.js'
import {parseActions} from '../src/cli/actions.js'
import {pullSecretFlag, readCredentialFlags} from '../src/cli/credential-flags.js'

export default class Doctor extends RegprobeCommand {
  static override summary = 'Can I pull (and push) this image? If not, exactly why, and what to do.'
  static override description = `Runs the whole flow — probe, challenge, credentials, token, access — and ends with a verdict: the cause, the
evidence (which exchange, header or claim) and the fix. Access is proven without changing anything: pull is a HEAD of
the manifest (which does not count against Docker Hub's pull limit), push opens a blob upload and cancels it at once.
Run it where docker failed (same machine, same environment) when docker says "denied: requested access to the resource
is denied", "unauthorized: authentication required", "toomanyrequests" or an x509 error.`
  static override examples = [
    {description: 'Why does docker pull fail?', command: '<%= config.bin %> doctor ghcr.io/acme/app:1.0'},
    {description: 'Why does docker push say denied? (credentials from docker\'s config)', command: '<%= config.bin %> doctor registry.corp:5000/team/app --push'},
    {description: 'Explain docker\'s own message', command: '<%= config.bin %> doctor registry.corp/team/app --push --docker-error "denied: requested access to the resource is denied"'},
    {description: 'In CI, with the secret on stdin', command: 'echo "$REGISTRY_PASSWORD" | <%= config.bin %> doctor $IMAGE --push -u "$REGISTRY_USER" --password-stdin'},
  ]
  static override args = {ref: Args.string({required: true, description: 'REF: an image reference'})}
  static override flags = {
    ...outputFlags,
    ...transportFlags,
    ...credentialFlags,
    ...pullSecretFlag,
    push: Flags.boolean({description: 'Also prove push (opens a blob upload session and cancels it).'}),
    actions: Flags.string({description: 'Actions to prove, comma-separated (pull, push); --push adds push.', helpValue: 'pull,push'}),
    oauth: Flags.boolean({description: 'Use the OAuth2 POST (grant_type=password) even with a password.'}),
    blob: Flags.boolean({description: 'Also fetch one blob as a pull does, following the registry\'s redirect to its storage host by host (a manifest GET: on Docker Hub it counts as a pull).'}),
    'via-daemon': Flags.boolean({description: 'Add the Docker daemon\'s view (its proxy, CA files, insecure registries, mirrors) as a stage: docker pulls and pushes from the daemon, not this shell.'}),
    'docker-host': Flags.string({description: 'Docker daemon for --via-daemon (default $DOCKER_HOST or unix:///var/run/docker.sock).', helpValue: 'unix://PATH|tcp://HOST:PORT'}),
    'docker-error': Flags.string({description: 'Paste docker\'s error message: regprobe names its stage and cause, and says whether it sees the same (a "dial tcp ADDR" is tried from here, with each address family of the registry).', helpValue: 'TEXT'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Doctor)
    const http = await this.makeClient(flags)
    const actions = parseActions(flags.actions ?? (flags.push ? 'pull,push' : 'pull'))
    if (flags.push && !actions.includes('push')) actions.push('push')
    const credentials = await readCredentialFlags(flags)
    const {doctorFlow} = await import('../src/flows/doctor.js')
    await this.emit(await doctorFlow(http, args.ref, actions, {
      plainHttp: flags['plain-http'],
      oauth: flags.oauth,
      blob: flags.blob,
      credentials,
      caCert: flags['ca-cert'],
      viaDaemon: flags['via-daemon'] ? {host: flags['docker-host'], timeoutMs: http.timeoutMs} : undefined,
      dockerError: flags['docker-error'],
    }), flags, http)
  }
}
