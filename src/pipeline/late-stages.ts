/**
 * Stages judged after the flow: they ask somebody other than the registry (the docker daemon), or read what docker
 * itself printed, and their steps join the verdict the registry's own stages made (StageSpec.joinVerdict). Their code
 * is loaded only when a flag asks for them.
 */
import {verdictOf, withStep} from '../diagnosis/verdict.js'
import type {RegistryAddress} from '../reference.js'
import type {Step, Verdict} from '../trace/types.js'
import type {Need, StageSpec} from './flow.js'

export interface ViaDaemon {
  host?: string
  env?: NodeJS.ProcessEnv
  timeoutMs: number
}

/**
 * `doctor --via-daemon`: the daemon's registry view (proxy, CA files, insecure list) beside what the probe saw. A
 * finding that means docker will fail counts (an x509, plain HTTP not in insecure-registries); a daemon this shell
 * cannot reach says nothing about the registry, so that stays a warning.
 */
export function daemonViewSpec(via: ViaDaemon, opts: {usesCustomCa: boolean}): StageSpec {
  return {
    stage: 'daemon',
    async run(s) {
      const {daemonViewStep} = await import('../flows/daemon.js')
      const step = await daemonViewStep({...via, registry: {address: s.registry, speaksPlainHttp: s.probe?.scheme === 'http', usesCustomCa: opts.usesCustomCa}})
      if (step.status === 'fail' && !step.facts.serverVersion) {
        for (const f of step.findings) if (f.severity === 'error') f.severity = 'warn'
        step.status = 'warn'
      }
      return step
    },
    joinVerdict: (v, step) => withStep(v, step),
  }
}

/** `doctor --docker-error TEXT`: the stage docker's message belongs to, whether regprobe saw the same, and its dial. */
export function dockerErrorSpec(text: string, timeoutMs: number): StageSpec {
  return {
    stage: 'docker-error',
    async run(s) {
      const {dockerErrorStep} = await import('../flows/daemon.js')
      return dockerErrorStep(text, s.steps, s.registry.hostname, timeoutMs)
    },
    // docker's own words explain the verdict; they never decide it, and they are never dropped from it.
    joinVerdict: (v, step) => ({...v, causes: [...v.causes, ...step.findings], fixes: [...new Set([...v.fixes, ...step.findings.map((f) => f.fix).filter((f): f is string => !!f)])]}),
  }
}

/**
 * `login --via-daemon`: the same login through the daemon's POST /auth, the endpoint `docker login` calls. docker
 * login is the daemon's login, so its answer decides and regprobe's direct login stays as evidence; when both
 * failed, regprobe's stages saw why (e.g. the token server accepted the password and the registry rejected its
 * token), so that precise cause stays first and the daemon's generic answer joins the causes.
 */
export function daemonLoginSpec(via: ViaDaemon, registry: RegistryAddress, directOk: () => boolean): StageSpec {
  const basic: Need = (s) => (s.credentials?.credential?.kind === 'basic' ? undefined : 'skipped: the daemon\'s /auth takes a user name and password, and none were found')
  return {
    stage: 'daemon',
    needs: [basic],
    async run(s) {
      const c = s.credentials!.credential!
      if (c.kind !== 'basic') throw new Error('unreachable: the need checks for a user name and password')
      const {daemonLoginStep} = await import('../flows/daemon.js')
      return daemonLoginStep({...via, username: c.username, password: c.password, serverAddress: registry.configKey, directOk: directOk(), secrets: s.ctx.http.secrets})
    },
    joinVerdict: (v, d) => daemonDecides(v, d, registry),
  }
}

function daemonDecides(direct: Verdict, d: Step, registry: RegistryAddress): Verdict {
  const directFailed = direct.status === 'fail'
  if (directFailed && d.status === 'fail') return withStep(direct, d)
  const v = verdictOf([d], d.status === 'ok' ? `the daemon says ${(d.stage === 'daemon' ? d.facts.status : undefined) ?? 'Login Succeeded'} for ${registry.configKey}` : d.summary)
  if (directFailed) return {...v, status: 'warn', causes: [...d.findings, ...direct.causes]}
  if (d.status === 'fail') return {...v, causes: [...v.causes, ...d.findings.filter((f) => f.code === 'daemon.login.disagrees')]}
  return v
}
