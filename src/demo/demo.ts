import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {HttpClient} from '../http/client.js'
import {SecretBox} from '../http/redact.js'
import type {CredentialInput} from '../flows/credentials.js'
import type {Trace} from '../trace/types.js'

export interface DemoScene {
  title: string
  /** What a user would type to see the same thing. */
  command: string
  /** Why this scene matters, in a sentence. */
  lesson: string
  trace: Trace
  /** The exit code this scene is meant to show (the demo fails if it differs: it is also a smoke test). */
  expectedExit: number
}

export interface DemoResult {
  scenes: DemoScene[]
  registry: string
  ms: number
  ok: boolean
}

/**
 * The guided tour: a sandbox registry with token auth on loopback, and the flow against it with real exchanges.
 * Each scene says what it is meant to show; a scene whose verdict differs from that makes the demo fail.
 */
export async function runDemo(opts: {onScene?: (s: DemoScene) => void | Promise<void>; timeoutMs?: number} = {}): Promise<DemoResult> {
  const start = performance.now()
  const {startSandbox} = await import('../sandbox/index.js')
  const sandbox = await startSandbox({})
  // Hermetic: the demo never reads the user's docker or podman credentials.
  const home = await mkdtemp(join(tmpdir(), 'regprobe-demo-'))
  const scenes: DemoScene[] = []
  const reg = sandbox.registryHost
  const creds = (username?: string, password?: string): CredentialInput => ({username, password, env: {}, homeDir: home})
  const client = () => new HttpClient({timeoutMs: opts.timeoutMs ?? 5000, secrets: new SecretBox()})
  const add = async (s: DemoScene) => {
    scenes.push(s)
    await opts.onScene?.(s)
  }
  try {
    const {probeFlow} = await import('../flows/probe.js')
    const {challengeFlow} = await import('../flows/challenge.js')
    const {tokenFlow} = await import('../flows/token.js')
    const {doctorFlow} = await import('../flows/doctor.js')
    await add({title: 'Probe: is this a registry, and how does it want clients to authenticate?', command: `regprobe probe ${reg}`, lesson: 'GET /v2/ answers 401 with a Bearer challenge: the realm is the token server, the service names this registry. Docker tries HTTPS first, then plain HTTP for loopback hosts.', expectedExit: 0, trace: await probeFlow(client(), reg)})
    await add({title: 'Challenge: which scope does pushing team/app ask for?', command: `regprobe challenge ${reg}/team/app --actions pull,push`, lesson: 'The registry names the exact scope it will check: a push needs repository:team/app:pull,push.', expectedExit: 0, trace: await challengeFlow(client(), `${reg}/team/app`, ['pull', 'push'])})
    await add({title: 'Token: an anonymous pull token for library/hello', command: `regprobe token ${reg}/library/hello`, lesson: 'Anonymous users may pull library/*: the JWT\'s "access" claim grants pull, and the manifest HEAD succeeds with it.', expectedExit: 0, trace: (await tokenFlow(client(), 'token', `${reg}/library/hello`, ['pull'], {credentials: creds()})).trace})
    const {loginFlow} = await import('../flows/login.js')
    const {catalogFlow} = await import('../flows/catalog.js')
    await add({title: 'Login: what `docker login` does, as alice', command: `echo wonderland | regprobe login ${reg} -u alice --password-stdin`, lesson: 'docker login asks for a token with no scope (account, client_id, offline_token) and checks /v2/ with it: "Login Succeeded" proves the password, not any right on a repository.', expectedExit: 0, trace: (await loginFlow(client(), reg, {credentials: creds('alice', 'wonderland')})).trace})
    await add({title: 'Doctor: alice pushes team/app', command: `echo wonderland | regprobe doctor ${reg}/team/app --push -u alice --password-stdin`, lesson: 'alice may push: the token grants pull,push and a blob upload opens (and is cancelled at once, leaving nothing behind).', expectedExit: 0, trace: await doctorFlow(client(), `${reg}/team/app`, ['pull', 'push'], {credentials: creds('alice', 'wonderland')})})
    await add({title: 'Doctor: bob pushes team/app — "denied: requested access to the resource is denied"', command: `echo builder | regprobe doctor ${reg}/team/app --push -u bob --password-stdin`, lesson: 'bob\'s password is right and the token server says 200 — but the token grants only pull. That is the cause behind docker\'s "denied".', expectedExit: 7, trace: await doctorFlow(client(), `${reg}/team/app`, ['pull', 'push'], {credentials: creds('bob', 'builder')})})
    await add({title: 'Doctor: an anonymous pull of a private repository', command: `regprobe doctor ${reg}/team/app`, lesson: 'Without credentials the token server still answers 200, with an empty "access": docker says "pull access denied … may require \'docker login\'".', expectedExit: 6, trace: await doctorFlow(client(), `${reg}/team/app`, ['pull'], {credentials: creds()})})
    await add({title: 'Catalog: what can alice list, page by page?', command: `echo wonderland | regprobe catalog ${reg} -u alice --password-stdin --page-size 1 --all`, lesson: 'The catalog needs a registry:catalog:* token; pages follow the Link header (n and last).', expectedExit: 0, trace: await catalogFlow(client(), reg, {credentials: creds('alice', 'wonderland'), pageSize: 1, all: true})})
  } finally {
    await sandbox.close()
    await rm(home, {recursive: true, force: true})
  }
  const ok = scenes.every((s) => s.trace.verdict.code === s.expectedExit)
  return {scenes, registry: reg, ms: Math.round(performance.now() - start), ok}
}
