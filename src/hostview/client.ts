import {readFileSync} from 'node:fs'
import {UsageError} from '../errors.js'
import type {ClientOptions, HttpClient} from '../http/client.js'
import {SecretBox} from '../http/redact.js'
import type {RegistryAddress} from '../reference.js'
import {attachHostView} from './attach.js'
import type {ClientKind, HostView} from './types.js'

/** The connection flags every network command shares (src/cli/flags.ts), plus --via-daemon where a command has it. */
export interface ConnectionFlags {
  timeoutMs: number
  'ca-cert'?: string
  insecure?: boolean
  'plain-http'?: boolean
  'follow-redirects'?: boolean
  'show-secrets'?: boolean
  as?: string
  'via-daemon'?: boolean
  'docker-host'?: string
}

/** The command's positional argument: an image reference or a registry, as the command reads it. */
export interface ClientTarget {
  input: string
  kind: 'ref' | 'registry'
}

/** TLS options as the transport takes them: PEM roots added to the default ones, one client pair, no verification. */
export interface TlsOptions {
  caCertPem?: string
  clientCert?: {cert: string; key: string}
  insecure?: boolean
}

/**
 * The run's HttpClient, built as the failing client would connect to the registry: the CA and client certificate of
 * its certs.d, no verification for an insecure registry, unless a flag says otherwise. The view goes with the client
 * (attach.ts) for the probe to state and act on.
 */
export async function clientFor(flags: ConnectionFlags, opts: {userAgent: string; target?: ClientTarget; env?: NodeJS.ProcessEnv}): Promise<HttpClient> {
  const env = opts.env ?? process.env
  const flagCa = flags['ca-cert'] ? await (await import('../cli/read-input.js')).readCaCert(flags['ca-cert']) : undefined
  const view = opts.target ? await viewFor(opts.target, flags, env) : undefined
  const {HttpClient} = await import('../http/client.js')
  const tls = tlsOptions(view, flagCa, flags.insecure)
  // clientCert: taken by the transport's new client; the current one ignores it (see the report of this change).
  const options = {timeoutMs: flags.timeoutMs, ...tls, followRedirects: flags['follow-redirects'], secrets: new SecretBox(!!flags['show-secrets']), userAgent: opts.userAgent} as ClientOptions
  const http = new HttpClient(options)
  if (view) attachHostView(http, view)
  return http
}

export function tlsOptions(view: HostView | undefined, flagCaPem: string | undefined, insecureFlag?: boolean): TlsOptions {
  const cas = flagCaPem !== undefined ? [flagCaPem] : view?.certs?.cas.map((c) => c.pem) ?? []
  const pair = view?.certs?.clientPairs[0]
  // --ca-cert asks for verification with that CA, even where the client would not verify (an insecure registry).
  // So does a URL with https:// (the user names what to check, as with curl).
  // Interim, until the transport pushes through a client of its own TLS setup on Node 20 (issue 17 part 1): docker's
  // built-in 127.0.0.0/8 does not turn the client unverified, so loopback registries keep the runtime's own client.
  const unverified = view?.scheme.insecure === true && !view.scheme.byDefault
  const insecure = insecureFlag || (unverified && flagCaPem === undefined && view.explicitScheme === undefined)
  return {
    ...(cas.length ? {caCertPem: cas.join('\n')} : {}),
    ...(pair ? {clientCert: {cert: pair.certPem, key: pair.keyPem}} : {}),
    ...(insecure ? {insecure: true} : {}),
  }
}

async function viewFor(target: ClientTarget, flags: ConnectionFlags, env: NodeJS.ProcessEnv): Promise<HostView | undefined> {
  const registry = await registryOf(target)
  // A target that does not parse gets its usage error from the flow, with the flow's words.
  if (!registry) return undefined
  const client = (flags.as ?? 'docker') as ClientKind
  const {buildHostView} = await import('./view.js')
  const daemonInfo = client === 'docker' && flags['via-daemon'] ? await daemonInfoOrNothing(flags, env) : undefined
  return buildHostView({registry, client, env, dockerHost: flags['docker-host'], daemonInfo, flags: {caCert: flags['ca-cert'], insecure: flags.insecure, plainHttp: flags['plain-http']}})
}

async function registryOf(target: ClientTarget): Promise<RegistryAddress | undefined> {
  try {
    if (target.kind === 'registry') return (await import('../reference.js')).parseRegistry(target.input)
    return (await import('../flows/target.js')).resolveTarget(target.input).registry
  } catch {
    return undefined
  }
}

/** --via-daemon: the daemon's own insecure list. A daemon that does not answer is the daemon step's to report. */
async function daemonInfoOrNothing(flags: ConnectionFlags, env: NodeJS.ProcessEnv) {
  try {
    const d = await import('../daemon/index.js')
    return await d.fetchDaemonInfo(d.parseDockerHost(flags['docker-host'] ?? env.DOCKER_HOST), Math.min(flags.timeoutMs, 5000))
  } catch {
    return undefined
  }
}
