import type {Credential} from '../credentials/types.js'
import {buildComparison, type CompareDocument} from '../compare/document.js'
import type {RegistryRun} from '../compare/facts.js'
import {runRegistry} from '../compare/run.js'
import {expandTargets, type CompareTarget} from '../compare/targets.js'
import type {HttpClient} from '../http/client.js'
import {makeTrace} from '../trace/trace.js'
import {ExitCode, type Finding} from '../trace/types.js'

export interface CompareFlowOptions {
  repo?: string
  preset?: string
  plainHttp?: boolean
  /** -u/--password-stdin: tried on every registry. */
  username?: string
  password?: string
  now?: () => number
}

/**
 * `regprobe compare REG…`: every registry at once, each with its own HttpClient (so one slow or dead registry costs
 * its own time only: the wall time is the slowest registry's, bounded by stages × --timeout), never aborting the others.
 * `newClient` is called once per registry.
 */
export async function compareFlow(newClient: () => HttpClient | Promise<HttpClient>, args: readonly string[], opts: CompareFlowOptions = {}): Promise<{document: CompareDocument; clients: HttpClient[]}> {
  const targets = expandTargets(args, {repo: opts.repo, preset: opts.preset})
  const credential: Credential | undefined =
    opts.username !== undefined && opts.password !== undefined
      ? {kind: 'basic', username: opts.username, password: opts.password, source: {type: 'flag', location: '--username/--password-stdin'}}
      : undefined
  const clients = await Promise.all(targets.map(() => newClient()))
  const startedAt = new Date()
  const t0 = performance.now()
  if (credential?.kind === 'basic') for (const c of clients) c.secrets.addBasic(credential.username, credential.password)
  const runs = await Promise.all(targets.map((t, i) => runIsolated(clients[i]!, t, {plainHttp: opts.plainHttp, credential, now: opts.now})))
  const document = buildComparison(runs, {startedAt, durationMs: Math.round(performance.now() - t0), authenticated: !!credential})
  return {document, clients}
}

/** A bug in one column must not take the table down: it becomes that column's failure, exit 1. */
async function runIsolated(http: HttpClient, target: CompareTarget, opts: Parameters<typeof runRegistry>[2]): Promise<RegistryRun> {
  const startedAt = new Date()
  try {
    return await runRegistry(http, target, opts)
  } catch (err) {
    const message = http.secrets.scrub(`internal error while comparing ${target.registry.host}: ${(err as Error).message}`)
    const finding: Finding = {code: 'compare.internal', severity: 'error', exitCode: ExitCode.INTERNAL, message}
    const trace = makeTrace('compare', target.input, startedAt, [], {status: 'fail', code: ExitCode.INTERNAL, headline: message, causes: [finding], fixes: []}, http.t0)
    return {
      target,
      trace,
      exitCode: ExitCode.INTERNAL,
      facts: {reachable: false, failure: message, scopes: [], anonymousToken: {outcome: 'not-applicable'}, catalog: {outcome: 'not-tried'}, rateLimit: {}, warnings: [], durationMs: trace.durationMs},
    }
  }
}
