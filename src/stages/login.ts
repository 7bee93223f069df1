import type {HttpResult} from '../http/client.js'
import {parseWWWAuthenticate, pickChallenge, type Challenge} from '../auth/challenge.js'
import type {Credential} from '../credentials/types.js'
import {describeRedacted, redactSecret} from '../http/redact.js'
import type {RegistryAddress} from '../reference.js'
import {ExitCode, type Exchange, type Finding, type LoginFacts, type LoginStep} from '../trace/types.js'
import {dockerStyle, registryErrors, skipped, step, type StageContext} from './context.js'
import type {ProbeResult} from './probe.js'
import type {TokenStageResult} from './token.js'
import {transportFinding} from './transport-finding.js'

/** What docker prints, byte for byte, when its /v2/ retry answers 200 (docker/cli cli/command/registry/login.go). */
export const LOGIN_SUCCEEDED = 'Login Succeeded'

export interface LoginStageInput {
  registry: RegistryAddress
  probe: ProbeResult
  /** The registry-level challenge (docker login never meets a resource challenge). */
  challenge?: Challenge
  credential?: Credential
  /** The token stage's outcome when the challenge was Bearer (asked with login: true). */
  token?: TokenStageResult
}

export interface LoginResult {
  /** True exactly when docker would print "Login Succeeded". */
  succeeded: boolean
  /** docker's config.json key for this registry ('https://index.docker.io/v1/' for Docker Hub). */
  configKey: string
  /** The token server sent a refresh_token, which docker stores as the identity token in place of the password. */
  identityToken: boolean
  /** Status of the /v2/ retry, when it was made. */
  status?: number
}

/**
 * docker login's judgement (moby daemon/pkg/registry/auth.go loginV2): after the ping, a GET /v2/ with the
 * credentials — Basic as they are, Bearer through a scope-less token — and "Login Succeeded" only on a 200.
 * A 200 proves the credentials, nothing more: the token asked for no scope.
 */
export async function loginStage(ctx: StageContext, input: LoginStageInput): Promise<{step: LoginStep; result: LoginResult}> {
  const {registry, probe, challenge: c, credential} = input
  const result: LoginResult = {succeeded: false, configKey: registry.configKey, identityToken: false}
  if (!probe.baseUrl || probe.failure) return {step: skipped('login', 'skipped: the probe did not reach a registry'), result}
  const facts: LoginFacts = {configKey: registry.configKey}
  const v2 = `${probe.baseUrl}/v2/`
  const auth = authorizationFor(ctx, input, facts, result)
  if ('step' in auth) return {step: auth.step, result}
  const r = await ctx.http.send({method: 'GET', url: v2, headers: auth.authorization ? {authorization: auth.authorization} : {}})
  const exchanges: Exchange[] = [...r.exchanges]
  const findings: Finding[] = []
  if (r.failure && !r.status) {
    findings.push(transportFinding('login', r.failure))
    return {step: step('login', r.failure.message, facts, exchanges, findings), result}
  }
  result.status = r.status!
  if (r.status === 200) {
    result.succeeded = true
    facts.result = LOGIN_SUCCEEDED
    facts.dockerWouldStore = wouldStore(registry, credential!, result.identityToken)
    facts.dockerStores = result.identityToken ? 'identity-token' : credential!.kind === 'basic' ? 'password' : 'as-found'
    if (!c) findings.push({code: 'login.open-registry', severity: 'info', message: 'the registry asks for no credentials, so docker login succeeds without checking them (docker stores them anyway)'})
    findings.push({
      code: 'login.proves-credentials-only',
      severity: 'info',
      message: 'a successful login proves only that the credentials are valid: docker login asks for no scope, so it says nothing about pull or push rights on any repository',
      fix: `Prove access with: regprobe doctor ${registry.name === 'docker.io' ? '' : `${registry.name}/`}REPOSITORY [--push]`,
    })
    return {step: step('login', `${LOGIN_SUCCEEDED} (as docker would say): ${describeUser(credential!)} at ${registry.host}`, facts, exchanges, findings), result}
  }
  // docker's own words for every other answer (moby loginV2).
  const said = `login attempt to ${v2} failed with status: ${r.status} ${r.exchange.response?.statusText ?? ''}`.trim()
  facts.docker = said
  const f = loginRefused(r, input, said)
  findings.push(f)
  return {step: step('login', f.message, facts, exchanges, findings), result}
}

/** The Authorization docker login would send on /v2/ (the token's, or Basic), or the step that ends the stage before it. */
function authorizationFor(ctx: StageContext, input: LoginStageInput, facts: LoginFacts, result: LoginResult): {authorization?: string} | {step: LoginStep} {
  const {registry, challenge: c, credential} = input
  if (!credential) {
    const f: Finding = {
      code: 'login.credentials-missing',
      severity: 'error',
      exitCode: ExitCode.AUTHENTICATION,
      message: `no credentials for ${registry.name}: none were given and none were found under "${registry.configKey}" (docker login would ask for a user name, and fail without a terminal)`,
      fix: `Pass them: echo "$PASSWORD" | regprobe login ${registry.name === 'docker.io' ? '' : `${registry.name} `}-u USER --password-stdin (see the credentials step for where regprobe looked).`,
    }
    return {step: step('login', f.message, facts, [], [f])}
  }
  if (c?.scheme === 'bearer') {
    const t = input.token
    if (t?.refused) {
      const f = judgeRefusal(t.refused, registry)
      // Other refusals (a protocol error, rate limiting, a realm over plain HTTP) keep the token step's own verdict.
      return {step: f ? step('login', f.message, facts, [], [f]) : skipped('login', `skipped: no token (${t.refused.message})`)}
    }
    if (!t?.authorization) return {step: skipped('login', 'skipped: the token stage did not produce a token')}
    const refresh = t.exchange?.response?.refreshToken
    result.identityToken = !!refresh
    // null: the token server sent no refresh token, so docker stores the password.
    facts.identityToken = refresh ? describeRedacted(redactSecret(refresh)) : null
    return {authorization: t.authorization}
  }
  if (c?.scheme === 'basic') {
    if (credential.kind !== 'basic') {
      const f: Finding = {code: 'login.credentials-unusable', severity: 'error', exitCode: ExitCode.AUTHENTICATION, message: `the registry asks for Basic credentials, and the credential found is ${credential.kind === 'identity-token' ? 'an identity token' : 'a registry token'}, which Basic cannot carry`, fix: 'Log in with a user name and password (or access token) for this registry.'}
      return {step: step('login', f.message, facts, [], [f])}
    }
    ctx.http.secrets.addBasic(credential.username, credential.password)
    return {authorization: `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}`}
  }
  if (c) return {step: skipped('login', `skipped: docker login knows Bearer and Basic, not "${c.scheme}"`)}
  return {}
}

/** Why /v2/ refused the login: a token the registry rejects is not a password it rejects. */
function loginRefused(r: HttpResult, input: LoginStageInput, said: string): Finding {
  const status = r.status!
  const wire = dockerStyle(registryErrors(r))
  const retry = pickChallenge(parseWWWAuthenticate(r.headers?.get('www-authenticate') ?? undefined).challenges)
  if (status === 401 && input.challenge?.scheme === 'bearer') {
    return {code: 'login.token-rejected', severity: 'error', exitCode: ExitCode.AUTHENTICATION, message: `the token server accepted the credentials, but the registry rejected its token on /v2/ (401${retry?.error ? ` ${retry.error}` : ''}${wire ? `: ${wire}` : ''}): ${said}`, fix: 'The token server and the registry disagree (service/audience, issuer, signing certificate, or clocks): compare the token step\'s claims with the registry\'s auth.token settings.', evidence: `WWW-Authenticate: ${r.headers?.get('www-authenticate') ?? '(none)'}`}
  }
  if (status === 401) {
    return {code: 'login.credentials-rejected', severity: 'error', exitCode: ExitCode.AUTHENTICATION, message: `the registry rejected the credentials of ${describeUser(input.credential!)} (401${wire ? `: ${wire}` : ''}): ${said}`, fix: 'Check the user name and password or access token (for ECR the password comes from `aws ecr get-login-password` and lasts 12 hours).'}
  }
  if (status === 403) return {code: 'login.forbidden', severity: 'error', exitCode: ExitCode.AUTHENTICATION, message: `the registry refuses this login (403${wire ? `: ${wire}` : ''}): ${said}`, fix: 'The account may be locked or lack registry access, or a proxy or IP allow-list blocks it.'}
  if (status === 429) return {code: 'login.rate-limited', severity: 'error', exitCode: ExitCode.RATE_LIMITED, message: `rate limited (429${wire ? `: ${wire}` : ''}): ${said}`, fix: 'Wait and retry.'}
  return {code: 'login.failed', severity: 'error', exitCode: ExitCode.PROTOCOL, message: said + (wire ? ` (${wire})` : ''), fix: status === 400 ? 'A 400 on login usually means a malformed password (on ECR: paste the output of `aws ecr get-login-password` unchanged).' : undefined}
}

/**
 * The token server's refusal, judged as docker login would: a 401 is wrong credentials, a 403 is a realm that refuses
 * this account even without any scope. Anything else (protocol, rate limit) is left to the token step's finding.
 */
function judgeRefusal(refused: Finding, registry: RegistryAddress): Finding | undefined {
  if (refused.code === 'token.credentials-rejected' || refused.code === 'token.credentials-required') {
    return {code: 'login.credentials-rejected', severity: 'error', exitCode: ExitCode.AUTHENTICATION, message: `docker login would fail: ${refused.message}`, fix: registry.isDockerHub ? 'Use your Docker ID (not the e-mail address) and a personal access token if the account has two-factor authentication.' : refused.fix, evidence: refused.code}
  }
  if (refused.code === 'token.denied' || refused.code === 'token.anonymous-denied') {
    return {code: 'login.realm-refused', severity: 'error', exitCode: ExitCode.AUTHENTICATION, message: `the token server refuses these credentials even for a scope-less login token (403): ${refused.message}`, fix: 'The account may be disabled, need an access token instead of a password (two-factor), or lack the right to use the registry at all.', evidence: refused.code}
  }
  return undefined
}

/** What docker writes to config.json (docker/cli configfile/file.go): with an identity token, the password is dropped. */
function wouldStore(registry: RegistryAddress, credential: Credential, identityToken: boolean): string {
  const user = 'username' in credential && credential.username ? credential.username : ''
  if (identityToken) return `"auths": {"${registry.configKey}": {"auth": base64("${user}:"), "identitytoken": <redacted>}} (or in the credential helper)`
  if (credential.kind === 'basic') return `"auths": {"${registry.configKey}": {"auth": base64("${user}:<password>")}} (or in the credential helper)`
  return `"auths": {"${registry.configKey}": {…}} (as found)`
}

function describeUser(c: Credential): string {
  return 'username' in c && c.username ? `"${c.username}"` : c.kind
}
