import {RegprobeError} from '../errors.js'
import {verdictOf} from '../diagnosis/verdict.js'
import type {SecretBox} from '../http/redact.js'
import type {RegistryAddress} from '../reference.js'
import {parseRegistry} from '../reference.js'
import {step} from '../stages/context.js'
import {makeTrace} from '../trace/trace.js'
import {ExitCode, type DaemonFacts, type DaemonStep, type DockerErrorFacts, type DockerErrorStep, type ExitCodeValue, type Finding, type Step, type Trace} from '../trace/types.js'
import {unbracket} from '../http/hosts.js'
import type {DockerErrorMapping} from '../daemon/index.js'

/**
 * docker login, pull and push do their registry work inside the daemon, with the daemon's proxy, CA files and
 * insecure list. These flows ask the daemon (Engine API /info and /auth) and set its answer beside regprobe's.
 */

export interface DaemonOptions {
  /** --host, else DOCKER_HOST, else the default socket. */
  host?: string
  env?: NodeJS.ProcessEnv
  timeoutMs: number
  /** How the registry answered regprobe directly (from a probe), for the insecure-list and CA checks. */
  registry?: {address: RegistryAddress; speaksPlainHttp?: boolean; usesCustomCa?: boolean}
  /** Where docker reads extra CAs; overridable for tests. */
  certsDir?: string
}

/** The daemon's registry view as a Step; a daemon that cannot be reached is a failed step, never a crash. */
export async function daemonViewStep(opts: DaemonOptions): Promise<DaemonStep> {
  const d = await import('../daemon/index.js')
  const env = opts.env ?? process.env
  const ep = d.parseDockerHost(opts.host ?? env.DOCKER_HOST)
  try {
    const info = await d.fetchDaemonInfo(ep, opts.timeoutMs)
    const r = opts.registry
    const findings = d.compareDaemonWithShell(info, env, r ? {host: r.address.host, hostname: r.address.hostname, speaksPlainHttp: r.speaksPlainHttp, usesCustomCa: r.usesCustomCa} : undefined, opts.certsDir)
    const s = d.daemonStep(info, findings)
    s.facts.endpoint = ep.host
    return s
  } catch (e) {
    if (e instanceof RegprobeError) return d.daemonStep(undefined, [], {code: e.code, message: e.message, hint: e.hint})
    throw e
  }
}

/** `regprobe daemon [REGISTRY]`. */
export async function daemonFlow(opts: DaemonOptions & {registryInput?: string}): Promise<Trace> {
  const startedAt = new Date()
  const t0 = performance.now()
  const registry = opts.registryInput ? {address: parseRegistry(opts.registryInput)} : opts.registry
  const s = await daemonViewStep({...opts, registry})
  const headline = s.status === 'fail' ? s.summary : `the daemon's registry view${registry ? ` for ${registry.address.host}` : ''}: ${s.summary}`
  return makeTrace('daemon', opts.registryInput ?? (opts.host ?? opts.env?.DOCKER_HOST ?? 'default daemon'), startedAt, [s], verdictOf([s], headline), t0)
}

/** Which exit code docker's own error text stands for, by the stage it belongs to (design.md's table). */
export function exitCodeForStage(stage: string, code?: string): ExitCodeValue {
  if (code === 'docker.rate-limited') return ExitCode.RATE_LIMITED
  if (code?.endsWith('manifest-unknown') || code?.endsWith('name-unknown')) return ExitCode.NOT_FOUND
  switch (stage) {
    case 'network':
      return ExitCode.UNREACHABLE
    case 'tls':
      return ExitCode.TLS
    case 'probe':
    case 'challenge':
      return ExitCode.PROTOCOL
    case 'access':
      return ExitCode.DENIED
    default:
      return ExitCode.AUTHENTICATION
  }
}

/**
 * `login --via-daemon`: the same login through POST /auth, the endpoint `docker login` itself calls. The password
 * goes to the daemon only; the answer is redacted. Returns a 'daemon' step whose finding says whether the daemon
 * agrees with regprobe's own login, and why they may differ.
 */
export async function daemonLoginStep(opts: DaemonOptions & {username: string; password: string; serverAddress: string; directOk: boolean; secrets: SecretBox}): Promise<DaemonStep> {
  const d = await import('../daemon/index.js')
  const env = opts.env ?? process.env
  const ep = d.parseDockerHost(opts.host ?? env.DOCKER_HOST)
  opts.secrets.addBasic(opts.username, opts.password)
  let result
  try {
    result = await d.daemonLogin(ep, {username: opts.username, password: opts.password, serveraddress: opts.serverAddress}, opts.timeoutMs)
  } catch (e) {
    if (e instanceof RegprobeError) return d.daemonStep(undefined, [], {code: e.code, message: e.message, hint: e.hint})
    throw e
  }
  const facts: DaemonFacts = {endpoint: ep.host, request: {method: 'POST', path: '/auth', username: opts.username, serveraddress: opts.serverAddress}, httpStatus: result.httpStatus}
  if (result.status) facts.status = result.status
  if (result.message) facts.message = opts.secrets.scrub(result.message)
  if (result.identityToken) facts.identityToken = result.identityToken
  const findings: Finding[] = []
  if (result.ok) {
    if (!opts.directOk) {
      findings.push({code: 'daemon.login.disagrees', severity: 'warn', message: 'the daemon logged in, but regprobe\'s direct login from this shell failed: the daemon uses its own CA files (/etc/docker/certs.d), insecure-registries and proxy', fix: 'Compare with `regprobe daemon`: the difference is in those settings, not in the credentials.'})
    }
    return step('daemon', `daemon: ${result.status ?? 'Login Succeeded'}`, facts, [], findings)
  }
  const mapped = result.message ? d.mapDockerError(result.message) : undefined
  const message = `the daemon refused the login: ${opts.secrets.scrub(result.message ?? `HTTP ${result.httpStatus}`)}`
  findings.push({
    code: mapped ? `daemon.login.${mapped.code.replace(/^docker\./, '')}` : 'daemon.login.failed',
    severity: 'error',
    exitCode: mapped ? exitCodeForStage(mapped.stage, mapped.code) : ExitCode.AUTHENTICATION,
    message,
    fix: mapped?.cause,
    evidence: `POST /auth → ${result.httpStatus}`,
  })
  if (opts.directOk) {
    findings.push({code: 'daemon.login.disagrees', severity: 'warn', message: 'regprobe\'s direct login from this shell succeeded, but the daemon\'s failed: the daemon has its own CA files, insecure-registries list and proxy', fix: 'Run `regprobe daemon REGISTRY` to see how its settings differ from this shell\'s.'})
  }
  return step('daemon', message, facts, [], findings)
}

/** `doctor --docker-error TEXT` as a step: which stage docker's message belongs to, whether regprobe saw the same, and docker's dial. */
export async function dockerErrorStep(text: string, steps: Step[], registryHost: string, timeoutMs: number): Promise<DockerErrorStep> {
  const {mapDockerError} = await import('../daemon/index.js')
  const m = mapDockerError(text)
  const said = dockerErrorFinding(m, text, steps)
  const dial = await dockerDialFindings(text, steps, registryHost, timeoutMs)
  const facts: DockerErrorFacts = {mapped: m ? {stage: m.stage, code: m.code} : null, reproduced: said.code === 'docker-error.reproduced'}
  const summary = m ? `docker's error belongs to the ${m.stage} stage: ${m.cause}` : 'docker\'s error is not one regprobe knows'
  return step('docker-error', summary, facts, [], [said, ...dial])
}

function dockerErrorFinding(m: DockerErrorMapping | undefined, text: string, steps: Step[]): Finding {
  const quoted = JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text)
  if (!m) return {code: 'docker-error.unknown', severity: 'info', message: `docker's error ${quoted} is not one regprobe knows; compare it with the stages above`}
  const failed = steps.find((s) => s.status === 'fail')
  const same = failed && (failed.stage === m.stage || (m.stage === 'tls' && failed.stage === 'probe') || (m.stage === 'network' && failed.stage === 'probe') || (m.stage === 'token' && failed.stage === 'access') || (m.stage === 'access' && failed.stage === 'token'))
  return {
    code: same ? 'docker-error.reproduced' : 'docker-error.not-reproduced',
    severity: same ? 'info' : 'warn',
    message: `docker's error ${quoted} belongs to the ${m.stage} stage: ${m.cause}.${same ? ' regprobe sees the same failure.' : !failed ? ' regprobe did not reproduce it from this shell.' : ` regprobe stopped at the ${failed?.stage ?? 'other'} stage instead.`}`,
    fix: same ? undefined : 'docker works inside the daemon with its own proxy, CA files, insecure list and credentials (the CLI\'s config.json): rerun with --via-daemon, and run regprobe where docker ran (same user, same DOCKER_CONFIG).',
    evidence: m.code,
  }
}

/**
 * docker's "dial tcp ADDR:PORT: connect: …" names the address the daemon tried. Try that address from here, and each
 * address family of the registry's host, to tell a broken family (failure-stories.md §17: AAAA records without a
 * working IPv6 path) from a daemon whose own network differs from this shell's.
 */
async function dockerDialFindings(text: string, steps: Step[], registryHost: string, timeoutMs: number): Promise<Finding[]> {
  const m = /dial tcp (\[[0-9A-Fa-f:.]+\]|\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5}): connect: ([^\n"]{1,120})/.exec(text)
  if (!m) return []
  const [, shown, portText, said] = m
  const address = unbracket(shown!)
  const port = Number(portText)
  const {checkNetworkPath, connectOnce, networkPathFacts, networkPathFindings} = await import('../http/network-path.js')
  const probe = steps.find((s) => s.stage === 'probe')
  // When the probe already looked at the registry's families (its connection failed), that stays the one account.
  const checked = probe?.facts.network !== undefined
  const [here, path] = await Promise.all([connectOnce(address, port, timeoutMs), checked ? undefined : checkNetworkPath(registryHost, port, {timeoutMs})])
  if (probe && path) probe.facts.network = networkPathFacts(path)
  const family = address.includes(':') ? 'IPv6' : 'IPv4'
  // Where regprobe's own requests went: when that is the other family, the family is the whole difference.
  const used = probe?.exchanges.find((x) => x.connection?.remoteAddress)?.connection?.remoteAddress
  const usedOther = used !== undefined && used.includes(':') !== address.includes(':')
  const dial: Finding = {
    code: 'docker-error.dial',
    severity: here.ok ? 'info' : 'warn',
    message: `docker's daemon dialled ${shown}:${port} over ${family} and got "${said!.trim()}"; from here that address ${here.ok ? `connects (${here.ms} ms), so the failure is in the daemon's own network (its namespace, routes or source addresses)` : `fails too (${here.code})`}${usedOther ? `, while regprobe's own requests went to ${used} over ${family === 'IPv6' ? 'IPv4' : 'IPv6'}` : ''}`,
    fix: here.ok ? 'Compare the daemon\'s network with this shell\'s (rootless docker and containers have their own); rerun with --via-daemon.' : `${family} to ${shown} does not work from this machine either: fix that path, or make docker use the other address family.`,
    evidence: `connect ${shown}:${port}: ${here.ok ? 'ok' : here.code}`,
  }
  return [dial, ...(path ? networkPathFindings(path, 'network') : [])]
}
