import {isIP} from 'node:net'
import {join} from 'node:path'
import type {DaemonInfo} from '../daemon/info.js'
import {daemonSecurity, type DaemonSecurity} from '../daemon/secure-index.js'
import {unbracket} from '../http/hosts.js'
import type {RegistryAddress} from '../reference.js'
import {readCertsDir} from './certs-dir.js'
import {DEFAULT_INSECURE_CIDR, readDaemonJson} from './daemon-json.js'
import {daemonJsonPath, daemonPlace, dockerCertsRoot, etcRoot, userConfigRoot} from './paths.js'
import {matchRegistriesConf, registriesConfFiles} from './registries-conf.js'
import type {ClientKind, HostView, SchemeDecision} from './types.js'

export interface HostViewInput {
  registry: RegistryAddress
  client?: ClientKind
  env?: NodeJS.ProcessEnv
  /** --docker-host, when the command has it. */
  dockerHost?: string
  /** The daemon's own answer to GET /info (--via-daemon): its insecure list wins over daemon.json. */
  daemonInfo?: DaemonInfo
  /** The registry host's addresses, for insecure CIDRs (moby resolves the name); the system resolver by default. */
  lookup?: (hostname: string) => Promise<string[]>
  flags?: {caCert?: string; insecure?: boolean; plainHttp?: boolean}
}

/** The registry as its client names it: the index name, host[:port] as written ('docker.io' for Docker Hub). */
export function registryName(r: RegistryAddress): string {
  return r.isDockerHub ? 'docker.io' : r.name
}

export async function buildHostView(input: HostViewInput): Promise<HostView> {
  const env = input.env ?? process.env
  const client = input.client ?? 'docker'
  const view = client === 'docker' ? await dockerView(input, env) : containersView(input, env, client)
  if (input.registry.scheme) view.explicitScheme = input.registry.scheme
  view.overrides = overrides(view, input.flags ?? {})
  return view
}

async function dockerView(input: HostViewInput, env: NodeJS.ProcessEnv): Promise<HostView> {
  const r = input.registry
  const name = registryName(r)
  const daemon = daemonPlace(env, input.dockerHost)
  const rootless = daemon.kind === 'rootless'
  const problems: string[] = []
  const path = daemonJsonPath(env, rootless)
  const dj = input.daemonInfo ? undefined : readDaemonJson(path)
  if (dj?.problem) problems.push(dj.problem)
  const info = input.daemonInfo ?? dj!.info
  let scheme: SchemeDecision
  if (r.isDockerHub) {
    scheme = {insecure: false, why: 'Docker Hub is always secure'}
  } else if (input.daemonInfo) {
    scheme = decision(await security(info, r, input.lookup), 'the daemon\'s GET /info', 'in the daemon\'s insecure registries (GET /info)')
  } else {
    scheme = decision(await security(info, r, input.lookup), path, dj!.exists ? `in insecure-registries in ${path}` : `in insecure-registries (${path} does not exist)`)
  }
  const mirrors = info.mirrors
  // moby's newTLSConfig reads certs.d only for a secure registry; an insecure one skips verification altogether.
  const dir = join(dockerCertsRoot(env, rootless), name)
  const certs = scheme.insecure || r.isDockerHub ? undefined : readCertsDir(dir)
  return {client: 'docker', registry: name, daemon, certs, certsSearched: certs ? [dir] : [], scheme, mirrors: r.isDockerHub ? mirrors : [], overrides: [], problems}
}

/** podman, skopeo, buildah: containers/image's certs.d search and registries.conf. */
function containersView(input: HostViewInput, env: NodeJS.ProcessEnv, client: ClientKind): HostView {
  const name = registryName(input.registry)
  const roots = [join(userConfigRoot(env), 'containers', 'certs.d'), join(etcRoot(env), 'containers', 'certs.d'), dockerCertsRoot(env, false)]
  const dirs = roots.map((root) => join(root, name))
  const found = dirs.map(readCertsDir).find((c) => c.exists)
  const files = registriesConfFiles(env)
  const m = matchRegistriesConf(files, name)
  const scheme: SchemeDecision = m?.insecure
    ? {insecure: true, why: `insecure = true for "${m.entry}" in ${m.file}`, source: m.file}
    : {insecure: false, why: m ? `"${m.entry}" in ${m.file} is not insecure` : `not marked insecure in registries.conf (${files[0]})`, source: m?.file}
  return {client, registry: name, certs: found ?? readCertsDir(dirs[1]!), certsSearched: dirs, scheme, mirrors: [], overrides: [], problems: []}
}

async function security(info: DaemonInfo, r: RegistryAddress, lookup?: HostViewInput['lookup']): Promise<DaemonSecurity> {
  const bare = unbracket(r.hostname)
  const named = info.indexConfigs[registryName(r)]
  let addresses: string[] | undefined
  if (!named && !isIP(bare) && bare.toLowerCase() !== 'localhost') addresses = await (lookup ?? systemLookup)(bare).catch(() => [])
  return daemonSecurity(info, registryName(r), r.hostname, addresses)
}

function decision(sec: DaemonSecurity, source: string, listedWhere: string): SchemeDecision {
  if (sec.basis === 'index') return {insecure: sec.insecure, why: sec.insecure ? `listed ${listedWhere}` : `listed as secure ${listedWhere}`, source}
  if (sec.basis === 'cidr') {
    return sec.match === DEFAULT_INSECURE_CIDR
      ? {insecure: true, why: `${DEFAULT_INSECURE_CIDR} is insecure by default`, source, byDefault: true}
      : {insecure: true, why: `its address is in ${sec.match}, listed ${listedWhere}`, source}
  }
  return {insecure: false, why: `not listed ${listedWhere}`, source}
}

function overrides(view: HostView, flags: NonNullable<HostViewInput['flags']>): string[] {
  const out: string[] = []
  const c = view.client
  if (flags.caCert) {
    const replaced = view.certs?.cas.length ? ` instead of ${view.certs.cas.map((x) => x.file).join(', ')}` : ''
    out.push(`--ca-cert ${flags.caCert}: regprobe verifies the certificate with it${replaced}${view.scheme.insecure ? ` (${c} would not verify it: ${view.scheme.why})` : ''}`)
  }
  if (view.explicitScheme === 'https' && view.scheme.insecure && !flags.insecure) out.push(`https:// named: regprobe verifies the certificate and does not fall back to HTTP; ${c} would not verify it (${view.scheme.why})`)
  if (flags.insecure && !view.scheme.insecure) out.push(`--insecure: regprobe does not verify the certificate; ${c} would (${view.scheme.why})`)
  if (flags.plainHttp && !view.scheme.insecure) out.push(`--plain-http: regprobe speaks plain HTTP; ${c} would not (${view.scheme.why})`)
  return out
}

/** getaddrinfo, bounded: a slow resolver must not hold the diagnosis (moby treats a failed lookup as "no address"). */
async function systemLookup(hostname: string): Promise<string[]> {
  const {lookup} = await import('node:dns/promises')
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('lookup timeout')), 2000).unref())
  const found = await Promise.race([lookup(hostname, {all: true}), timeout])
  return found.map((a) => a.address)
}
