/** The standard stages as pipeline steps: each wraps a stage function and records its result on the flow state. */
import {challengeStage, type ChallengeOptions} from '../stages/challenge.js'
import {probe, type ProbeOptions} from '../stages/probe.js'
import {tokenStage, type TokenStageInput} from '../stages/token.js'
import {credentialsFor, type CredentialInput} from '../flows/credentials.js'
import {exchangeToken} from '../auth/token.js'
import {accessStage} from '../stages/access.js'
import {grantOf} from '../stages/token.js'
import {authorized, named, reached, type FlowState, type Need, type StageSpec} from './flow.js'

export function probeSpec(opts: ProbeOptions): StageSpec {
  return {
    stage: 'probe',
    async run(s) {
      const p = await probe(s.ctx, s.registry, opts)
      s.probe = p.result
      return p.step
    },
  }
}

/** The challenge for the flow's repository and actions; the reference's notes go on this step. */
export function challengeSpec(actions: string[], opts?: ChallengeOptions & {needs?: Need[]}): StageSpec {
  return {
    stage: 'challenge',
    needs: opts?.needs,
    async run(s) {
      const c = await challengeStage(s.ctx, s.registry, s.probe!, s.ref, actions, opts)
      c.step.findings.unshift(...s.notes)
      s.challenge = c.result
      return c.step
    },
  }
}

/** The credentials for the flow's repository (tags names one without a reference: `repository`). */
export function credentialsSpec(input: CredentialInput, repository?: string): StageSpec {
  return {
    stage: 'credentials',
    async run(s) {
      const cred = await credentialsFor(s.registry, repository ?? s.ref?.repository, input, s.ctx.http.secrets)
      s.credentials = {credential: cred.credential}
      return cred.step
    },
  }
}

export type TokenOptions = Omit<TokenStageInput, 'registry' | 'challenge' | 'scopes' | 'credential' | 'registryClockSkewS'> & {
  /** Overrides the credential found by the credentials stage (compare's anonymous column). */
  credential?: TokenStageInput['credential'] | null
  /** Prefixes the step's summary (compare runs an anonymous and an authenticated token stage). */
  label?: string
}

export function tokenSpec(opts: TokenOptions, needs: Need[] = [reached]): StageSpec {
  const {label, credential, ...rest} = opts
  return {
    stage: 'token',
    needs,
    async run(s) {
      const t = await tokenStage(s.ctx, {
        ...rest,
        registry: s.registry,
        challenge: s.challenge?.challenge,
        scopes: s.challenge?.scopes ?? [],
        credential: credential === null ? undefined : (credential ?? s.credentials?.credential),
        registryClockSkewS: s.probe?.clockSkewS,
      })
      s.token = t.result
      if (label) t.step.summary = `${label}: ${t.step.summary}`
      return t.step
    },
  }
}


export interface AccessOptions {
  /** The actions to prove (pull by a HEAD of the manifest; push by opening and cancelling an upload). */
  actions: string[]
  oauth?: boolean
  /** doctor --blob: also fetch a blob, following the registry's redirect to its storage. */
  blob?: boolean
}

/** The access stage: the token (or Basic credentials) used as a client would, on the flow's repository. */
export function accessSpec(opts: AccessOptions): StageSpec {
  return {
    stage: 'access',
    needs: [named, reached, authorized],
    async run(s) {
      const ch = s.challenge?.challenge
      const tok = s.token
      const credential = s.credentials?.credential
      const ref = s.ref!
      // distribution checks the cancel of an upload as delete: a token for it is fetched only when the push is proven.
      const cleanup = ch?.scheme === 'bearer' && ch.realm
        ? async () => {
            const ex = await exchangeToken(s.ctx.http, {realm: ch.realm!, service: ch.service, scopes: [`repository:${ref.repository}:delete`], grant: grantOf(credential), oauth: opts.oauth})
            return {authorization: ex.response ? `Bearer ${ex.response.token}` : undefined, exchanges: ex.results.flatMap((r) => r.exchanges)}
          }
        : undefined
      const tokenGrantsAll = tok?.comparison ? tok.comparison.every((x) => x.missing.length === 0) : undefined
      const a = await accessStage(s.ctx, {baseUrl: s.probe!.baseUrl!, ref, actions: opts.actions, authorization: tok?.authorization, anonymous: !credential, scheme: ch?.scheme, cleanup, blob: opts.blob, tokenGrantsAll})
      return a.step
    },
  }
}

export type {FlowState}
