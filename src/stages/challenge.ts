import {parseWWWAuthenticate, pickChallenge, type Challenge} from '../auth/challenge.js'
import {parseScopes, repositoryScope, formatScope} from '../auth/scope.js'
import {tokenRequestUrl} from '../auth/token-url.js'
import type {ImageReference, RegistryAddress} from '../reference.js'
import {ExitCode, type ChallengeDescription, type ChallengeFacts, type ChallengeStep, type Exchange, type Finding} from '../trace/types.js'
import {skipped, step, type StageContext} from './context.js'
import type {ProbeResult} from './probe.js'
import {transportFinding} from './transport-finding.js'

export interface ResourceChallenge {
  action: 'pull' | 'push'
  method: string
  url: string
  status?: number
  challenge?: Challenge
}

export interface ChallengeResult {
  /** The challenge to answer: a resource's when there is one (it carries the real scope), else the registry's. */
  challenge?: Challenge
  resources: ResourceChallenge[]
  /** Scopes a client should request, derived from the resource challenges or, failing that, from the reference. */
  scopes: string[]
  /** The token URL a client would call next (Bearer only). */
  tokenUrl?: string
}

export function scopesFor(ref: ImageReference | undefined, actions: string[]): string[] {
  if (!ref) return []
  // distribution asks pull,push for writes: a push token without pull cannot check existing blobs.
  const set = new Set(actions.includes('push') ? ['pull', ...actions] : actions)
  return [formatScope(repositoryScope(ref.repository, [...set]))]
}

/** Where a client meets the challenge for each action: HEAD manifest for pull, blob-upload start for push. */
function resourceRequest(base: string, ref: ImageReference, action: 'pull' | 'push'): {method: string; url: string} {
  const name = ref.repository
  return action === 'pull'
    ? {method: 'HEAD', url: `${base}/v2/${name}/manifests/${ref.reference}`}
    : {method: 'POST', url: `${base}/v2/${name}/blobs/uploads/`}
}

export interface ChallengeOptions {
  /**
   * Meet the resource challenges with requests of their own (the `challenge` command). Clients (docker, skopeo) do
   * not: they derive the scope from the operation and answer the /v2/ challenge, which is one request less per run.
   */
  probeResources?: boolean
}

export async function challengeStage(
  ctx: StageContext,
  registry: RegistryAddress,
  probeResult: ProbeResult,
  ref: ImageReference | undefined,
  actions: string[],
  opts: ChallengeOptions = {probeResources: true},
): Promise<{step: ChallengeStep; result: ChallengeResult}> {
  const result: ChallengeResult = {resources: [], scopes: scopesFor(ref, actions)}
  if (!probeResult.baseUrl || probeResult.failure) return {step: skipped('challenge', 'skipped: the probe did not reach a registry'), result}
  if (!opts.probeResources) return derivedChallenge(registry, probeResult, ref, result)
  const exchanges: Exchange[] = []
  const findings: Finding[] = []
  const base = probeResult.baseUrl
  const facts: ChallengeFacts = {}

  if (probeResult.challenge) facts.registry = describe(probeResult.challenge)

  for (const action of ref ? (actions.filter((a) => a === 'pull' || a === 'push') as Array<'pull' | 'push'>) : []) {
    const {method, url} = resourceRequest(base, ref!, action)
    const r = await ctx.http.send({method, url, headers: method === 'POST' ? {'content-length': '0'} : {}})
    exchanges.push(...r.exchanges)
    const rc: ResourceChallenge = {action, method, url, status: r.status}
    if (r.failure && !r.status) {
      findings.push(transportFinding('challenge', r.failure))
      result.resources.push(rc)
      continue
    }
    // An open registry really starts an upload session for the anonymous POST: cancel it, leave nothing behind.
    if (method === 'POST' && r.status === 202) {
      const loc = r.headers?.get('location')
      if (loc) exchanges.push(...(await ctx.http.send({method: 'DELETE', url: new URL(loc, url).toString()})).exchanges)
    }
    if (r.status === 401) {
      const parsed = parseWWWAuthenticate(r.headers?.get('www-authenticate') ?? undefined)
      rc.challenge = pickChallenge(parsed.challenges)
      for (const p of parsed.problems) findings.push({code: `challenge.${p.code}`, severity: 'warn', message: `${action}: WWW-Authenticate: ${p.message}`})
    }
    result.resources.push(rc)
    facts[action] = rc.challenge ? describe(rc.challenge) : {status: r.status, challenge: null}
  }

  const withScope = result.resources.find((r) => r.challenge?.scope)?.challenge
  result.challenge = withScope ?? result.resources.find((r) => r.challenge)?.challenge ?? probeResult.challenge
  const c = result.challenge
  if (withScope?.scope) {
    // The challenge's own scope is what the registry will check; docker and ggcr use it. Keep every scope it names.
    const fromChallenges = new Set<string>()
    for (const r of result.resources) for (const s of parseScopes(r.challenge?.scope ?? '').scopes) fromChallenges.add(formatScope(s))
    result.scopes = mergeScopes([...fromChallenges])
  }
  facts.scopes = result.scopes
  findings.push(...answerable(result, facts, registry, probeResult, ref))
  const summary = !c
    ? result.resources.every((r) => r.status && r.status < 300) ? 'no challenge: the registry lets this client in without credentials' : 'no challenge on the resource'
    : c.scheme === 'bearer'
      ? `Bearer realm=${c.realm ?? '(none)'} service=${c.service ?? '(none)'} scope=${result.scopes.join(' ') || '(none)'}`
      : `${c.scheme} challenge${c.realm ? ` (realm "${c.realm}")` : ''}`
  return {step: step('challenge', summary, facts, exchanges, findings), result}
}

function mergeScopes(scopes: string[]): string[] {
  // Merge actions per resource: the pull HEAD asks repository:x:pull and the POST asks repository:x:pull,push.
  const byResource = new Map<string, Set<string>>()
  const order: string[] = []
  for (const s of parseScopes(scopes.join(' ')).scopes) {
    const key = `${s.type}:${s.name}`
    if (!byResource.has(key)) {
      byResource.set(key, new Set())
      order.push(key)
    }
    for (const a of s.actions) byResource.get(key)!.add(a)
  }
  return order.map((k) => `${k}:${[...byResource.get(k)!].join(',')}`)
}

function describe(c: Challenge): ChallengeDescription {
  return {scheme: c.scheme, realm: c.realm, service: c.service, scope: c.scope, error: c.error, error_description: c.errorDescription, ...(c.scope ? {scopeParsed: parseScopes(c.scope).scopes} : {})}
}

/** What is risky or broken in a challenge, independent of the request that got it. */
export function challengeWarnings(c: Challenge, registry: RegistryAddress, probeResult: ProbeResult): Finding[] {
  const out: Finding[] = []
  if (c.scheme === 'bearer') {
    if (!c.realm) {
      out.push({code: 'challenge.no-realm', severity: 'error', exitCode: ExitCode.PROTOCOL, message: 'the Bearer challenge has no realm: a client cannot know where to get a token', fix: 'The registry\'s auth.token.realm setting is missing or empty.'})
      return out
    }
    let realm: URL
    try {
      realm = new URL(c.realm)
    } catch {
      out.push({code: 'challenge.realm-invalid', severity: 'error', exitCode: ExitCode.PROTOCOL, message: `the realm "${c.realm}" is not an absolute URL`, fix: 'Set the registry\'s token realm to a full https:// URL.'})
      return out
    }
    const regHost = registry.hostname
    if (realm.protocol !== 'https:') {
      const loopbackRealm = ['127.0.0.1', 'localhost', '[::1]', '::1'].includes(realm.hostname) || realm.hostname.startsWith('127.')
      out.push({
        code: 'challenge.realm-not-https',
        severity: loopbackRealm ? 'info' : 'warn',
        message: `the realm ${realm.origin} is plain HTTP: the password would cross the network unencrypted to ${realm.host}`,
        fix: 'Serve the token endpoint over HTTPS (auth.token.realm: https://…).',
      })
    }
    if (realm.hostname !== regHost) {
      out.push({code: 'challenge.realm-other-host', severity: 'info', message: `the realm is on another host (${realm.host}) than the registry (${registry.host}): your password is sent to ${realm.host}`, fix: 'Normal for Docker Hub (auth.docker.io) and GitLab (gitlab.com); make sure a proxy or firewall lets this host through too.'})
    }
    if (!c.service) out.push({code: 'challenge.no-service', severity: 'info', message: 'the challenge has no service parameter (Artifact Registry omits it on /v2/); the token request is sent without one'})
  }
  if (c.scheme === 'basic' && probeResult.scheme === 'http' && !registry.isLoopback) {
    out.push({code: 'challenge.basic-over-http', severity: 'warn', message: 'Basic auth over plain HTTP: the password would be readable by anyone on the path', fix: 'Serve the registry over HTTPS.'})
  }
  return out
}

/** The challenge as a client answers it: the /v2/ challenge, with the scope derived from the reference and actions. */
function derivedChallenge(registry: RegistryAddress, probeResult: ProbeResult, ref: ImageReference | undefined, result: ChallengeResult): {step: ChallengeStep; result: ChallengeResult} {
  const c = probeResult.challenge
  result.challenge = c
  const findings: Finding[] = []
  const facts: ChallengeFacts = {scopes: result.scopes, derived: true}
  findings.push(...answerable(result, facts, registry, probeResult, ref))
  const summary = !c ? 'no challenge: the registry asks for no credentials' : c.scheme === 'bearer' ? `Bearer realm=${c.realm ?? '(none)'} service=${c.service ?? '(none)'} scope=${result.scopes.join(' ') || '(none)'}` : `${c.scheme} challenge${c.realm ? ` (realm "${c.realm}")` : ''}`
  return {step: step('challenge', summary, facts, [], findings), result}
}

/** The token URL a client would call next, and what is risky about the challenge it answers. */
function answerable(result: ChallengeResult, facts: ChallengeFacts, registry: RegistryAddress, probeResult: ProbeResult, ref: ImageReference | undefined): Finding[] {
  const findings: Finding[] = []
  const c = result.challenge
  if (c?.scheme === 'bearer' && c.realm) {
    try {
      result.tokenUrl = tokenRequestUrl(c.realm, {service: c.service, scopes: result.scopes})
      facts.tokenUrl = result.tokenUrl
    } catch {
      findings.push({code: 'challenge.realm-invalid', severity: 'error', exitCode: ExitCode.PROTOCOL, message: `the realm "${c.realm}" is not a usable URL`})
    }
  }
  if (c) findings.push(...challengeWarnings(c, registry, probeResult))
  const pingScope = probeResult.challenge?.scope
  if (pingScope && ref && !result.scopes.includes(pingScope)) {
    findings.push({code: 'challenge.ping-scope-ignored', severity: 'info', message: `the /v2/ challenge names scope "${pingScope}", which is not this repository's (ghcr.io sends a placeholder): it must not be reused`})
  }
  return findings
}
