/** The standard stages as pipeline steps: each wraps a stage function and records its result on the flow state. */
import {challengeStage, type ChallengeOptions} from '../stages/challenge.js'
import {probe, type ProbeOptions} from '../stages/probe.js'
import {tokenStage, type TokenStageInput} from '../stages/token.js'
import {credentialsFor, type CredentialInput} from '../flows/credentials.js'
import {reached, type FlowState, type Need, type StageSpec} from './flow.js'

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

export function credentialsSpec(input: CredentialInput): StageSpec {
  return {
    stage: 'credentials',
    async run(s) {
      const cred = await credentialsFor(s.registry, s.ref?.repository, input, s.ctx.http.secrets)
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

export type {FlowState}
