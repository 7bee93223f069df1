import {ExitCode, stepOf, type Finding, type Step} from '../trace/types.js'
import type {DiagnosisInput} from './rules.js'
import {verdictOf} from './verdict.js'

/**
 * Precise causes: when one stage saw the symptom (invalid_token, a rejected password, a refused connection) and
 * another saw why, the why becomes the first cause. Pure: reads the steps' facts and findings, never the network.
 * Each judge names the generic finding it explains; the verdict puts the precise one in its place.
 */
export interface PreciseCause {
  /** Code of the generic finding this explains (it stays among the causes, as evidence). */
  explains: string
  finding: Finding
}

type Judge = (i: DiagnosisInput) => PreciseCause | undefined

const findingsOf = (i: DiagnosisInput, stage: Step['stage']) => i.steps.find((s) => s.stage === stage)?.findings ?? []
const findCode = (i: DiagnosisInput, stage: Step['stage'], code: string) => findingsOf(i, stage).find((f) => f.code === code)

/** Token findings that already explain an invalid_token by the clocks (the clock rule says so). */
const CLOCK_CODES = ['clock.skew.issuer-registry', 'token.not-yet-valid-for-registry', 'token.expired-for-registry', 'token.not-yet-valid', 'token.expired-on-arrival']

/** The registry answered invalid_token and the token's audience is not its service. */
const invalidTokenAudience: Judge = (i) => {
  const aud = findCode(i, 'token', 'token.aud-mismatch')
  if (!findCode(i, 'access', 'access.invalid-token') || !aud) return undefined
  return {
    explains: 'access.invalid-token',
    finding: {code: 'access.invalid-token.audience', severity: 'error', exitCode: ExitCode.AUTHENTICATION, message: `the registry rejected the token as invalid_token because ${aud.message.replace(/: the registry will reject it as invalid_token$/, '')}`, fix: 'Make the token server\'s audience and the registry\'s auth.token.service the same name (the service the registry\'s challenge names).', evidence: 'claim aud, challenge service'},
  }
}

/** invalid_token although exp, nbf and aud check out: what is left is the signature (or the issuer). */
const invalidTokenSignature: Judge = (i) => {
  if (!findCode(i, 'access', 'access.invalid-token')) return undefined
  const token = findingsOf(i, 'token')
  if (token.some((f) => f.code === 'token.aud-mismatch' || CLOCK_CODES.includes(f.code))) return undefined
  const facts = stepOf(i.steps, 'token')?.facts
  if (!facts?.jwtHeader || facts.claims?.exp === undefined) return undefined
  const {alg, kid} = facts.jwtHeader
  const key = `alg=${alg ?? '?'}${kid ? `, kid ${JSON.stringify(kid)}` : ''}`
  const iss = facts.claims.iss === undefined ? '' : ` (or its issuer ${JSON.stringify(facts.claims.iss)} is not the registry's auth.token.issuer)`
  return {
    explains: 'access.invalid-token',
    finding: {code: 'access.invalid-token.signature', severity: 'error', exitCode: ExitCode.AUTHENTICATION, message: `the registry rejected the token as invalid_token although its exp, nbf and aud check out: the registry does not trust the key that signed it (${key}), which is not in its auth.token.rootcertbundle${iss}`, fix: 'Put the token server\'s signing certificate into the file named by auth.token.rootcertbundle in the registry\'s config (or fix auth.token.issuer to the token\'s iss), and restart the registry.', evidence: 'token header alg/kid; exp, nbf and aud valid'},
  }
}

const REALM_DOWN = new Set(['refused', 'dns', 'unreachable'])

/** The registry answered; its realm did not: the token server is down, not the registry. */
const realmUnreachable: Judge = (i) => {
  const probe = i.steps.find((s) => s.stage === 'probe')
  const down = findingsOf(i, 'token').find((f) => f.severity === 'error' && REALM_DOWN.has(f.code.slice('token.'.length)))
  const realm = stepOf(i.steps, 'token')?.facts.realm
  if (!probe || probe.status === 'fail' || !down || typeof realm !== 'string') return undefined
  let host: string
  try {
    host = new URL(realm).host
  } catch {
    return undefined
  }
  return {
    explains: down.code,
    finding: {code: 'token.realm-unreachable', severity: 'error', exitCode: down.exitCode ?? ExitCode.UNREACHABLE, message: `the registry is up; its realm points at a token server that is down: ${host} (${realm}) did not answer (${down.message})`, fix: `Start the token server at ${host}, or point the registry's auth.token.realm at one that runs; docker login, pull and push all fail until then.`, evidence: `realm ${realm}`},
  }
}

/** A password stored by docker login was rejected: the fix is to log in again, naming where it is stored. */
const storedRejected: Judge = (i) => {
  const rejected = [...findingsOf(i, 'token'), ...findingsOf(i, 'access'), ...findingsOf(i, 'login')].find((f) => f.code === 'token.credentials-rejected' || f.code === 'access.credentials-rejected' || f.code === 'login.credentials-rejected')
  const cred = stepOf(i.steps, 'credentials')?.facts.credential
  const src = cred?.source
  if (!rejected || !src || (src.type !== 'docker-config' && src.type !== 'helper' && src.type !== 'auth-file')) return undefined
  const where = src.type === 'helper' ? `the credential helper ${src.helper} (named in ${src.location})` : `${src.location}${src.key ? ` (auths[${JSON.stringify(src.key)}])` : ''}`
  const login = src.type === 'auth-file' ? 'podman login' : 'docker login'
  const name = i.registry.isDockerHub ? '' : ` ${i.registry.name}`
  return {
    explains: rejected.code,
    finding: {code: 'credentials.stored.rejected', severity: 'error', exitCode: ExitCode.AUTHENTICATION, message: `the password stored for ${cred?.username ?? 'this account'} in ${where} was rejected: ${rejected.message}`, fix: `Run ${login}${name} again (the stored password is out of date).`, evidence: rejected.code},
  }
}

/**
 * A credential helper failed (src/credentials/source-helper.ts: a warning, because docker pull and push drop the
 * error and go anonymously), and the registry refused the anonymous request: the helper is why it was anonymous.
 * docker's default store (default-store.ts) keeps a code of its own.
 */
const helperFailed: Judge = (i) => {
  const store = findingsOf(i, 'credentials').find((f) => f.code.startsWith('credentials.helper.') && f.severity === 'warn')
  const credentials = stepOf(i.steps, 'credentials')
  if (!store || credentials?.facts.credential) return undefined
  const decisive = verdictOf(i.steps, '').causes[0]
  const refused = decisive && (decisive.exitCode === ExitCode.AUTHENTICATION || decisive.exitCode === ExitCode.DENIED) && (decisive.code.startsWith('token.') || decisive.code.startsWith('access.'))
  if (!refused) return undefined
  const byDefault = credentials?.facts.rows?.some((r) => r.outcome === 'error' && r.place.startsWith('credsStore (docker\'s default)'))
  const which = byDefault ? 'docker\'s default credential store' : 'the credential helper'
  const said = {severity: 'error' as const, exitCode: decisive.exitCode, message: `the request went anonymously because ${which} failed (${helperWords(store.message)}), and the registry refused it: ${decisive.message}`, fix: store.fix, evidence: `${store.code}, ${decisive.code}`}
  return {
    explains: decisive.code,
    finding: byDefault ? {code: 'credentials.default-store.failed', ...said} : {code: 'credentials.helper.anonymous', ...said},
  }
}

/** What failed, from source-helper.ts's message: the part before what each docker command does about it. */
function helperWords(message: string): string {
  return message.split(/[:;] `?docker (?:login|pull)/)[0]!
}

const JUDGES: Judge[] = [invalidTokenAudience, invalidTokenSignature, realmUnreachable, storedRejected, helperFailed]

export function preciseCauses(input: DiagnosisInput): PreciseCause[] {
  return JUDGES.map((j) => j(input)).filter((c): c is PreciseCause => c !== undefined)
}
