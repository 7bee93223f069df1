/** How a refused listing page is read: unsupported (10), denied (7), credentials required (6), or what else it says. */
import {parseWWWAuthenticate, pickChallenge, type Challenge} from '../auth/challenge.js'
import {isGhcr, isGitlab} from '../diagnosis/rules.js'
import type {HttpResult} from '../http/client.js'
import type {RegistryAddress} from '../reference.js'
import {ExitCode, type Finding} from '../trace/types.js'
import type {ListStageInput} from './catalog.js'
import {CATALOG_SCOPE, listPath} from './listing.js'
import {dockerStyle, registryErrors} from './context.js'

/** catalog.unsupported, with the advice to list another way unless the registry is known never to offer it. */
export function unsupportedFinding(known: string | undefined, why: string, evidence?: string): Finding {
  return {code: 'catalog.unsupported', severity: 'error', exitCode: ExitCode.UNSUPPORTED, message: `catalog unsupported on this registry${known ? ' (known)' : ''}: ${why}`, ...(known ? {} : {fix: 'List what you need another way: `regprobe tags REGISTRY/REPOSITORY` for a repository you know, or the registry\'s own API.'}), ...(evidence ? {evidence} : {})}
}

export function isBasicChallenge(r: HttpResult): boolean {
  return pickChallenge(parseWWWAuthenticate(r.headers?.get('www-authenticate') ?? undefined).challenges)?.scheme === 'basic'
}

export function judgeRefusal(r: HttpResult, input: ListStageInput, known: string | undefined, basicOnBearer: boolean, page: number): Finding {
  const {target} = input
  const stage = target.kind
  const status = r.status!
  const said = dockerStyle(registryErrors(r))
  const wa = r.headers?.get('www-authenticate') ?? undefined
  const challenge = pickChallenge(parseWWWAuthenticate(wa).challenges)
  const where = `${listPath(target)}${page > 1 ? ` (page ${page}, after ${page - 1} read)` : ''}`
  const evidence = wa ? `WWW-Authenticate: ${wa}` : undefined
  const answer = `${status}${challenge?.error ? ` ${challenge.error}` : ''}${said ? `: ${said}` : ''}`
  const unsupported = (why: string): Finding => unsupportedFinding(known, why, evidence)

  if (target.kind === 'catalog' && (status === 404 || status === 405)) return unsupported(`${where} answered ${answer}`)
  if (status === 404) return {code: 'tags.not-found', severity: 'error', exitCode: ExitCode.NOT_FOUND, message: `repository ${target.kind === 'tags' ? target.repository : ''} not found (${answer})`, fix: 'Check the repository name (docker.io official images live under library/).'}
  if (status === 401 || status === 403) {
    if (target.kind === 'catalog' && basicOnBearer) return unsupported(known ?? `the registry speaks Bearer but answers ${where} with a Basic challenge: ${answer}`)
    if (target.kind === 'catalog' && known && challenge?.error !== 'invalid_token') return unsupported(`${known}; ${where} answered ${answer} (${CATALOG_SCOPE} was requested)`)
    if (challenge?.error === 'invalid_token') {
      return {code: `${stage}.invalid-token`, severity: 'error', exitCode: ExitCode.AUTHENTICATION, message: `the registry rejected the token on ${where} as invalid_token${said ? ` (${said})` : ''}`, fix: 'Compare the token\'s exp/nbf with the clocks and its aud/iss with the registry\'s auth.token settings (see the token step).', ...(evidence ? {evidence} : {})}
    }
    if (input.anonymous) {
      return {code: `${stage}.credentials-required`, severity: 'error', exitCode: ExitCode.AUTHENTICATION, message: `listing ${where} anonymously was refused (${answer})`, fix: 'Pass credentials of an account that may list: -u USER --password-stdin (or log in with docker login).', ...(evidence ? {evidence} : {})}
    }
    return {
      code: `${stage}.denied`,
      severity: 'error',
      exitCode: ExitCode.DENIED,
      message: `this account may not list ${where} (${answer})`,
      fix: target.kind === 'catalog'
        ? `The token server did not grant ${CATALOG_SCOPE} to this account (see the token step's access): ask the registry's administrator for catalog rights, or list a known repository with \`regprobe tags\`. Some registries do not offer the catalog at all.`
        : 'This account may not pull this repository: ask for read access, and check the name.',
      ...(evidence ? {evidence} : {}),
    }
  }
  if (status === 400 && registryErrors(r).some((e) => e.code === 'PAGINATION_NUMBER_INVALID')) {
    return {code: `${stage}.page-size-invalid`, severity: 'error', exitCode: ExitCode.PROTOCOL, message: `the registry refused the page size (${answer})`, fix: 'Use a smaller --page-size (distribution accepts at most 1000 unless catalog.maxentries says otherwise).'}
  }
  if (status === 429) return {code: `${stage}.rate-limited`, severity: 'error', exitCode: ExitCode.RATE_LIMITED, message: `rate limited on ${where} (${answer})`, fix: 'Wait for the window to reset and retry.'}
  return {code: `${stage}.unexpected`, severity: 'error', exitCode: ExitCode.PROTOCOL, message: `${where} answered ${answer}`}
}

/**
 * Registries known not to offer the catalog to their users (registry-auth.md §12, failure-stories.md 18), recognised
 * by host or by the shape of their challenge, so that self-managed GitLab and Harbor are known too.
 */
export function knownCatalogUnsupported(registry: RegistryAddress, challenge?: Challenge): string | undefined {
  const host = registry.hostname.toLowerCase()
  let realmPath = ''
  try {
    realmPath = challenge?.realm ? new URL(challenge.realm).pathname : ''
  } catch {}
  if (registry.isDockerHub) return 'Docker Hub does not offer /v2/_catalog to users: its token server never grants registry:catalog:* (search Hub instead)'
  if (isGhcr(host)) return 'ghcr.io does not offer /v2/_catalog (list packages with the GitHub API instead)'
  if (isGitlab(host) || (challenge?.service === 'container_registry' && realmPath.endsWith('/jwt/auth'))) {
    return 'GitLab\'s registry never grants registry:catalog:* to users (list repositories with the GitLab API: /api/v4/projects/:id/registry/repositories)'
  }
  if (challenge?.service === 'harbor-registry' || realmPath.endsWith('/service/token')) {
    return 'Harbor does not offer /v2/_catalog to token clients (it answers with a Basic challenge by design): list repositories with its API, /api/v2.0/repositories'
  }
  return undefined
}
