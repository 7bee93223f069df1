import {Args} from '../src/cli/define.js'
import {RegprobeCommand} from '../src/cli/base.js'
import {credentialFlags, outputFlags} from '../src/cli/flags.js'
import {pullSecretFlag, readCredentialFlags} from '../src/cli/credential-flags.js'
import {SecretBox} from '../src/http/redact.js'

export default class Creds extends RegprobeCommand {
  static override summary = 'Which credentials would be used for this registry, found where, and why the others were skipped?'
  static override description = `Looks where docker and podman look, in their order: flags, DOCKER_AUTH_CONFIG, the docker config
($DOCKER_CONFIG/config.json or ~/.docker/config.json: credHelpers, credsStore, auths with docker's key matching),
credential helpers (docker-credential-<name> get), and podman's auth.json (--authfile / REGISTRY_AUTH_FILE, then
$XDG_RUNTIME_DIR/containers/auth.json and ~/.config/containers/auth.json). Prints every place with what it held (user
name and kind, never the secret: its length and a hash prefix), which source wins and why the others were skipped,
and names the usual mistakes: a credsStore helper missing on a CI runner, an empty auths entry, a key that does not
match, a misspelled field, an empty CI secret. When config.json names no credentials (no file, or no auths,
credHelpers or credsStore in it), docker's default store is used as the docker CLI picks it on Linux:
docker-credential-pass if pass is on PATH, else docker-credential-secretservice, when that helper is on PATH (a
server with Debian's golang-docker-credential-helpers and no keyring fails there). Sends nothing over the network.`
  static override examples = [
    '<%= config.bin %> creds docker.io',
    {description: 'What would skopeo/podman use from this file?', command: '<%= config.bin %> creds quay.io/org/app --authfile auth.json'},
  ]
  static override args = {registry: Args.string({required: true, description: 'REGISTRY (host[:port]) or REF (for namespaced auth.json keys)'})}
  static override flags = {...outputFlags, ...credentialFlags, ...pullSecretFlag}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Creds)
    this.jsonMode = flags.json
    const creds = await readCredentialFlags(flags)
    const secrets = new SecretBox(flags['show-secrets'])
    const {credsFlow} = await import('../src/flows/creds.js')
    const trace = await credsFlow(args.registry, creds, secrets)
    await this.emit(trace, flags, {secrets})
  }
}
