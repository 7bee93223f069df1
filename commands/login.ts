import {Args, Flags} from '../src/cli/define.js'
import {RegprobeCommand} from '../src/cli/base.js'
import {credentialFlags, outputFlags, transportFlags} from '../src/cli/flags.js'
import {pullSecretFlag, readCredentialFlags} from '../src/cli/credential-flags.js'

export default class Login extends RegprobeCommand {
  static override summary = 'Would `docker login` succeed, with which credentials from where?'
  static override description = `Does what docker login does and judges it as docker would: ping /v2/; for Basic, GET /v2/ with the credentials;
for Bearer, the token request docker sends (account, client_id=docker, offline_token=true and no scope), then GET /v2/
with the token. "Login Succeeded" exactly when docker would say it, with the config.json key docker would store the
credentials under and whether an identity token came back. A successful login proves the credentials, not pull or
push rights on any repository: use doctor for that. Nothing is written unless --save is given.`
  static override examples = [
    {description: 'Docker Hub, password on stdin', command: 'echo "$HUB_TOKEN" | <%= config.bin %> login -u alice --password-stdin'},
    {description: 'A private registry, credentials from docker\'s config', command: '<%= config.bin %> login registry.corp:5000'},
    {description: 'ECR', command: 'aws ecr get-login-password | <%= config.bin %> login 123456789012.dkr.ecr.eu-west-1.amazonaws.com -u AWS --password-stdin'},
  ]
  static override args = {registry: Args.string({description: 'REGISTRY: host[:port] (default: Docker Hub, as docker login)', default: 'docker.io'})}
  static override flags = {
    ...outputFlags,
    ...transportFlags,
    ...credentialFlags,
    ...pullSecretFlag,
    oauth: Flags.boolean({description: 'Use the OAuth2 POST (grant_type=password) even with a password.'}),
    'via-daemon': Flags.boolean({description: 'Also log in through the Docker daemon (POST /auth, what `docker login` itself calls) and show its answer beside regprobe\'s; the daemon\'s answer decides.'}),
    'docker-host': Flags.string({description: 'Docker daemon for --via-daemon (default $DOCKER_HOST or unix:///var/run/docker.sock).', helpValue: 'unix://PATH|tcp://HOST:PORT'}),
    save: Flags.boolean({description: 'After a successful login, store the credentials where docker would (config.json or its credential helper; --authfile: that auth.json).'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Login)
    const http = await this.makeClient(flags)
    const credentials = await readCredentialFlags(flags)
    const {loginFlow} = await import('../src/flows/login.js')
    const {trace} = await loginFlow(http, args.registry, {plainHttp: flags['plain-http'], oauth: flags.oauth, credentials, save: flags.save, viaDaemon: flags['via-daemon'] ? {host: flags['docker-host'], timeoutMs: Math.max(http.timeoutMs, 30_000)} : undefined})
    await this.emit(trace, flags, http)
  }
}
