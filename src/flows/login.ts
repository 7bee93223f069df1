import {RegprobeError} from '../errors.js'
import type {HttpClient} from '../http/client.js'
import {isEnvironmentError} from '../cli/environment-error.js'
import {verdictOf} from '../diagnosis/verdict.js'
import {finish, reached, runStages, startFlow, usernameOf, type Need} from '../pipeline/flow.js'
import {judge} from '../pipeline/judge.js'
import {daemonLoginSpec, type ViaDaemon} from '../pipeline/late-stages.js'
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
  viaDaemon?: ViaDaemon
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
    credentialsSpec({...opts.credentials, helperErrorsFatal: true}),
    tokenSpec({oauth: opts.oauth, plainHttp: opts.plainHttp, login: true}, [reached, bearerChallenge, hasCredential]),
    {
      stage: 'login',
      async run(st) {
        const l = await loginStage(st.ctx, {registry, probe: st.probe!, challenge: st.probe!.challenge, credential: st.credentials?.credential, token: st.token})
        login = l.result
        const c = st.credentials?.credential
        if (opts.save && l.result.succeeded && c) {
          const f = await save(registry, c, st.token, opts.credentials)
          l.step.findings.push(f)
          if (f.severity === 'error') l.step.status = 'fail'
        }
        return l.step
      },
    },
    ...(opts.viaDaemon ? [daemonLoginSpec(opts.viaDaemon, registry, () => login?.succeeded === true)] : []),
  ])
  const c0 = s.credentials?.credential
  const user = usernameOf(c0)
  const okHeadline = `${LOGIN_SUCCEEDED}${user ? ` for "${user}"` : ''} at ${registry.host}; docker would store it under "${registry.configKey}". This proves the credentials, not pull or push rights: run regprobe doctor on a repository for that.`
  const verdict = judge(s, {okHeadline, actions: [], judge: 'login'})
  return {trace: finish(s, 'login', registry.input, startedAt, verdict), login: login!}
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
