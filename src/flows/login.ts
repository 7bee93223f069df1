import {RegprobeError} from '../errors.js'
import type {HttpClient} from '../http/client.js'
import type {SecretBox} from '../http/redact.js'
import {isEnvironmentError} from '../cli/environment-error.js'
import {verdictOf, withStep} from '../diagnosis/verdict.js'
import {finish, reached, runStages, startFlow, usernameOf, type Need} from '../pipeline/flow.js'
import {judge} from '../pipeline/judge.js'
import {challengeSpec, credentialsSpec, probeSpec, tokenSpec} from '../pipeline/stages.js'
import {parseRegistry} from '../reference.js'
import {loginStage, LOGIN_SUCCEEDED, type LoginResult} from '../stages/login.js'
import {skipped} from '../stages/context.js'
import {makeTrace} from '../trace/trace.js'
import {ExitCode, type CredentialsFacts, type DaemonStep, type Finding, type Step, type Trace} from '../trace/types.js'
import type {Credential} from '../credentials/types.js'
import type {RegistryAddress} from '../reference.js'
import type {TokenStageResult} from '../stages/token.js'
import type {CredentialInput} from './credentials.js'
import type {FlowOptions} from './probe.js'

export interface LoginFlowOptions extends FlowOptions {
  credentials: CredentialInput
  /** --oauth: POST grant_type=password instead of GET with Basic. */
  oauth?: boolean
  /** --save: after a successful login, write the credentials where docker would (config.json or its helper). */
  save?: boolean
  /** --via-daemon: also log in through the daemon's POST /auth, and let the daemon's answer decide. */
  viaDaemon?: {host?: string; env?: NodeJS.ProcessEnv; timeoutMs: number}
}

export interface LoginFlowResult {
  trace: Trace
  login: LoginResult
}

/** probe → challenge → credentials → token (scope-less, as docker login asks) → login: the `login` command. */
export async function loginFlow(http: HttpClient, registryInput: string, opts: LoginFlowOptions): Promise<LoginFlowResult> {
  const startedAt = new Date()
  const registry = parseRegistry(registryInput)
  let login: LoginResult | undefined
  const s = await runStages(startFlow(http, {registry}, opts.now), [
    probeSpec({plainHttp: opts.plainHttp}),
    // No repository: the challenge stage only reads the registry's challenge (no request) and checks where the password goes.
    challengeSpec([]),
    credentialsSpec(opts.credentials),
    tokenSpec({oauth: opts.oauth, plainHttp: opts.plainHttp, login: true}, [reached, bearerChallenge, hasCredential]),
    {
      stage: 'login',
      async run(st) {
        const l = await loginStage(st.ctx, {registry, probe: st.probe!, challenge: st.probe!.challenge, credential: st.credentials?.credential, token: st.token})
        login = l.result
        return l.step
      },
    },
  ])
  const steps = s.steps
  const l = {step: steps.at(-1)!, result: login!}
  const c0 = s.credentials?.credential
  if (opts.save && l.result.succeeded && c0) {
    const f = await save(registry, c0, s.token, opts.credentials)
    l.step.findings.push(f)
    if (f.severity === 'error') l.step.status = 'fail'
  }
  const user = usernameOf(c0)
  const okHeadline = `${LOGIN_SUCCEEDED}${user ? ` for "${user}"` : ''} at ${registry.host}; docker would store it under "${registry.configKey}". This proves the credentials, not pull or push rights: run regprobe doctor on a repository for that.`
  let verdict = judge(s, {okHeadline, actions: [], judge: 'login'})
  if (opts.viaDaemon) {
    const d = await daemonLogin(registry, c0, l.result.succeeded, opts.viaDaemon, http.secrets)
    steps.push(d)
    // docker login is the daemon's login: its answer decides; regprobe's direct login stays as evidence.
    // When both failed, regprobe's own stages saw why (e.g. the token server accepted the password and the registry
    // rejected its token): that precise cause stays first, the daemon's generic answer joins the causes.
    const directFailed = verdict.status === 'fail' ? verdict : undefined
    if (directFailed && d.status === 'fail') verdict = withStep(directFailed, d)
    else {
      verdict = verdictOf([d], d.status === 'ok' ? `the daemon says ${d.facts.status ?? 'Login Succeeded'} for ${registry.configKey}` : d.summary)
      if (directFailed && d.status !== 'fail') verdict = {...verdict, status: 'warn', causes: [...d.findings, ...directFailed.causes]}
      if (d.status === 'fail' && !directFailed) verdict = {...verdict, causes: [...verdict.causes, ...d.findings.filter((f) => f.code === 'daemon.login.disagrees')]}
    }
  }
  return {trace: finish(s, 'login', registry.input, startedAt, verdict), login: l.result}
}

/** docker login asks a token with no scope, and only of a Bearer registry, with credentials to exchange. */
const bearerChallenge: Need = (s) => {
  const c = s.probe?.challenge
  return c?.scheme === 'bearer' ? undefined : c ? `skipped: ${c.scheme} auth has no token exchange` : 'skipped: the registry asks for no credentials'
}
const hasCredential: Need = (s) => (s.credentials?.credential ? undefined : 'skipped: no credentials to exchange')

/** docker login's write (docker/cli login.go): with an identity token back, it is stored instead of the password. */
async function save(registry: RegistryAddress, credential: Credential, token: TokenStageResult | undefined, where: CredentialInput): Promise<Finding> {
  const {saveCredentials} = await import('../credentials/index.js')
  const identityToken = token?.exchange?.response?.refreshToken ?? (credential.kind === 'identity-token' ? credential.token : undefined)
  const username = 'username' in credential && credential.username ? credential.username : identityToken ? '<token>' : ''
  try {
    const r = await saveCredentials({
      registry,
      credential: {username, ...(identityToken ? {identityToken} : credential.kind === 'basic' ? {password: credential.password} : {})},
      dockerConfigDir: where.dockerConfigDir,
      authFile: where.authFile,
      env: where.env,
      homeDir: where.homeDir,
    })
    return {code: 'login.saved', severity: 'info', message: `saved ${identityToken ? 'the identity token' : 'the credentials'} under "${r.key}" ${r.helper ? `with ${r.helper} (${r.path} keeps an empty entry)` : `in ${r.path}`}`}
  } catch (e) {
    const err = e as Error
    // A full disk or a read-only folder is the user's to fix (exit 2), not a bug (issue 15).
    const env = !(e instanceof RegprobeError) && isEnvironmentError(e)
    const said = env ? (await import('../cli/read-input.js')).describeEnvironmentError(e) : err.message
    return {code: 'login.save-failed', severity: 'error', exitCode: e instanceof RegprobeError ? e.exitCode : env ? ExitCode.USAGE : ExitCode.INTERNAL, message: `the login succeeded, but the credentials could not be saved: ${said}`, fix: e instanceof RegprobeError ? e.hint : undefined}
  }
}

/** `regprobe logout [REGISTRY]`: docker logout's removal (the key, its legacy http(s):// forms, and the helper entry). */
export async function logoutFlow(registryInput: string, where: CredentialInput, t0: number): Promise<Trace> {
  const startedAt = new Date()
  const registry = parseRegistry(registryInput)
  const {removeCredentials} = await import('../credentials/index.js')
  const r = await removeCredentials({registry, dockerConfigDir: where.dockerConfigDir, authFile: where.authFile, env: where.env, homeDir: where.homeDir})
  // docker's own words (cli/command/registry/logout.go); not being logged in is not an error there either.
  const summary = r.removed ? `Removing login credentials for ${r.key}` : `Not logged in to ${r.key}`
  const facts: CredentialsFacts = {key: r.key, path: r.path, where: r.where, removed: r.removed, ...(r.helper ? {helper: r.helper} : {})}
  const s: Step = {stage: 'credentials', status: 'ok', summary, facts, exchanges: [], findings: []}
  return makeTrace('logout', registry.input, startedAt, [s], verdictOf([s], summary), t0)
}

async function daemonLogin(registry: RegistryAddress, credential: Credential | undefined, directOk: boolean, via: NonNullable<LoginFlowOptions['viaDaemon']>, secrets: SecretBox): Promise<DaemonStep> {
  if (credential?.kind !== 'basic') {
    return skipped('daemon', 'skipped: the daemon\'s /auth takes a user name and password, and none were found')
  }
  const {daemonLoginStep} = await import('./daemon.js')
  return daemonLoginStep({host: via.host, env: via.env, timeoutMs: via.timeoutMs, username: credential.username, password: credential.password, serverAddress: registry.configKey, directOk, secrets})
}
