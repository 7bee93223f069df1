import {Flags} from '../src/cli/define.js'
import {RegprobeCommand} from '../src/cli/base.js'

export default class Sandbox extends RegprobeCommand {
  static override summary = 'Run a local registry with token auth and known users, in the foreground, for experiments.'
  static override description = `A registry (distribution API: manifests, blobs, uploads, tags, catalog with Link pagination) and a token server
(GET with Basic or anonymous, OAuth2 POST with password and refresh-token grants, JWTs with iss, aud, exp, nbf, iat,
jti, access) on loopback. Users: alice/wonderland may pull and push everything and list the catalog; bob/builder may
pull team/* only; anonymous may pull library/*. Seeded with library/hello and team/app. Switches reproduce the
failures users meet. Stop it with Ctrl-C.`
  static override examples = [
    '<%= config.bin %> sandbox',
    {description: 'HTTPS with a generated CA (its path is printed)', command: '<%= config.bin %> sandbox --tls --port 5000'},
    {description: 'A token server that grants nothing', command: '<%= config.bin %> sandbox --mode no-access'},
  ]
  static override flags = {
    port: Flags.integer({description: 'Registry port (default: any free port).', default: 0, min: 0, max: 65535}),
    'token-port': Flags.integer({description: 'Token server port (default: any free port).', default: 0, min: 0, max: 65535}),
    host: Flags.string({description: 'Listen address (loopback only by default).', default: '127.0.0.1'}),
    tls: Flags.boolean({description: 'Serve HTTPS with a CA generated at start.'}),
    mode: Flags.string({
      description: 'Failure to reproduce.',
      multiple: true,
      options: ['token', 'basic', 'open', 'expired-tokens', 'no-access', 'wrong-audience', 'realm-localhost', 'realm-plain-http', 'rate-limit', 'slow-token', 'clock-ahead'],
      default: ['token'],
    }),
    json: Flags.boolean({description: 'Print the URLs and users as JSON once listening.'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Sandbox)
    const {startSandbox} = await import('../src/sandbox/index.js')
    const modes = new Set(flags.mode)
    const sandbox = await startSandbox({
      host: flags.host,
      port: flags.port,
      tokenPort: flags['token-port'],
      tls: flags.tls,
      switches: {
        basicOnly: modes.has('basic'),
        open: modes.has('open'),
        expiredTokens: modes.has('expired-tokens'),
        noAccess: modes.has('no-access'),
        wrongAudience: modes.has('wrong-audience'),
        realmHost: modes.has('realm-localhost') ? 'localhost' : undefined,
        realmPlainHttp: modes.has('realm-plain-http'),
        rateLimit: modes.has('rate-limit'),
        slowTokenMs: modes.has('slow-token') ? 3000 : undefined,
        clockAheadSeconds: modes.has('clock-ahead') ? 300 : undefined,
      },
    })
    const info = {registry: sandbox.registryUrl, host: sandbox.registryHost, realm: sandbox.tokenUrl || null, service: sandbox.service, issuer: sandbox.issuer, caPath: sandbox.caPath ?? null, users: sandbox.users.map((u) => ({name: u.name, password: u.password})), rules: sandbox.rules, modes: [...modes]}
    if (flags.json) process.stdout.write(`${JSON.stringify(info, null, 2)}\n`)
    else {
      const lines = [
        `regprobe sandbox listening (${[...modes].join(', ')})`,
        `  registry  ${sandbox.registryUrl}   (docker: ${sandbox.registryHost})`,
        `  realm     ${sandbox.tokenUrl || '(none: no token server in this mode)'}`,
        `  service   ${sandbox.service}`,
        ...(sandbox.caPath ? [`  CA        ${sandbox.caPath}   (regprobe … --ca-cert ${sandbox.caPath})`] : []),
        '  users     (demo passwords, loopback only)',
        ...sandbox.users.map((u) => `            ${u.name} / ${u.password}`),
        '  rules',
        ...sandbox.rules.map((r) => `            ${r.who === '*' ? 'anyone' : r.who} may ${r.actions.join(',')} ${r.repo}`),
        '',
        `Try:  regprobe doctor ${sandbox.registryHost}/team/app --push -u bob --password-stdin <<< builder`,
        'Stop with Ctrl-C.',
      ]
      process.stdout.write(`${lines.join('\n')}\n`)
    }
    await new Promise<void>((resolve) => {
      const stop = () => resolve()
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
    })
    await sandbox.close()
  }
}
