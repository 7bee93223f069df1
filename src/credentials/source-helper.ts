/**
 * A credential helper's `get`, run as docker (native_store.go) or podman runs it, turned into a row: what it
 * answered, or why it failed (docker stops with an error there). Shared by the docker config and auth.json sources.
 */
import {ExitCode} from '../trace/types.js'
import {note, offer, type SourceContext, type SourceOutput} from './candidates.js'
import {findOnPath, runHelper} from './helper.js'
import {interpretGet, type HelperRun} from './helper-protocol.js'
import type {Credential, CredentialSource, HelperRunFacts, LookupRow} from './types.js'

export interface HelperState {
  onPath: boolean
  /** True when the helper returned a credential. */
  gave: boolean
  failed: boolean
}

export interface HelperWords {
  source: CredentialSource
  missingMessage: string
  missingFix: string
  notFoundReason: string
  failVerb: string
  /**
   * docker's default store (default-store.ts): docker pull and run ignore its failure and go anonymously
   * (docker/cli cli/command/registry.go ResolveAuthConfig drops GetAuthConfig's error), so a failure is a warning,
   * with this fix when the helper ran and failed, and docker does not stop there; a helper that hangs stays an error.
   */
  defaultStoreFix?: string
  /** docker pull and push go on anonymously when this helper fails: a failure is a warning (a hang stays an error). */
  lenient?: boolean
}

/** A helper that is not run (its source is shadowed): the row says whether it could run here. */
export async function helperNotRun(ctx: SourceContext, out: SourceOutput, base: LookupRow, program: string, passive: string): Promise<HelperState> {
  const onPath = !!(await findOnPath(program, ctx.env))
  note(out, {...base, helper: {program, onPath}, reason: `not run: ${passive}`})
  return {onPath, gave: false, failed: false}
}

export async function runHelperSource(ctx: SourceContext, out: SourceOutput, base: LookupRow, program: string, key: string, words: HelperWords): Promise<HelperState> {
  const run = await runHelper(program, 'get', key, {env: ctx.env, timeoutMs: ctx.timeoutMs})
  const row: LookupRow = {...base, helper: helperFacts(run)}
  const outcome = interpretGet(run)
  // A failure docker pull ignores is a warning (words.lenient); a hang stays an error (docker waits on it).
  const fail = (code: string, message: string, fix: string, lenient = words.lenient === true): HelperState => {
    note(out, {...row, outcome: 'error', reason: message})
    if (lenient) out.findings.push({code, severity: 'warn', message, fix})
    else {
      out.findings.push({code, severity: 'error', exitCode: ExitCode.AUTHENTICATION, message, fix})
      out.dockerFailed ??= base.place
    }
    return {onPath: run.onPath, gave: false, failed: true}
  }
  const by = `Run \`echo ${key} | ${run.program} get\` by hand`
  switch (outcome.kind) {
    case 'missing':
      return fail('credentials.helper.not-on-path', words.missingMessage, words.missingFix)
    case 'spawn-error':
      return fail('credentials.helper.failed', `${run.program} could not be started (${outcome.message}): ${words.failVerb}`, `Check that ${run.path ?? run.program} is an executable for this system.`)
    case 'timeout':
      return fail('credentials.helper.timeout', `${run.program} get did not answer within ${ctx.timeoutMs} ms and was killed: docker would wait on it`, `${by}: it may be waiting for a keychain unlock or a network call that never returns here.`, false)
    case 'failed':
      return fail('credentials.helper.failed', `${run.program} get exited with ${run.exitCode ?? run.signal}: "${outcome.message}"; ${words.failVerb}`, words.defaultStoreFix ?? `${by} to see the failure; log in again if its store is locked or broken.`)
    case 'non-json':
      return fail('credentials.helper.non-json', `${run.program} get exited 0 but printed ${outcome.bytes} bytes that are not the JSON {"ServerURL","Username","Secret"}; ${words.failVerb}`, `Check that ${run.program} implements the docker-credential-helpers protocol (its output is not shown: it may hold the secret).`)
    case 'not-found':
      note(out, {...row, outcome: 'not-found', reason: words.notFoundReason})
      return {onPath: true, gave: false, failed: false}
    case 'empty':
      note(out, {...row, outcome: 'empty', reason: `${run.program} answered with an empty secret`})
      return {onPath: true, gave: false, failed: false}
    case 'found': {
      const cred: Credential = outcome.identityToken
        ? {kind: 'identity-token', token: outcome.secret, source: words.source}
        : {kind: 'basic', username: outcome.username, password: outcome.secret, source: words.source}
      if (cred.kind === 'basic' && !cred.username) {
        note(out, {...row, outcome: 'empty', reason: `${run.program} returned a secret without a user name`})
        return {onPath: true, gave: false, failed: false}
      }
      const reason = `${run.program} get returned ${outcome.identityToken ? 'an identity token (user name "<token>")' : `a password for "${outcome.username}"`}`
      offer(out, {...row, reason}, cred)
      return {onPath: true, gave: true, failed: false}
    }
  }
}

function helperFacts(run: HelperRun): HelperRunFacts {
  const facts: HelperRunFacts = {program: run.program, onPath: run.onPath}
  if (run.onPath) {
    facts.exitCode = run.exitCode ?? null
    facts.durationMs = run.durationMs
    if (run.timedOut) facts.timedOut = true
    // stderr is the helper's diagnostics; the protocol puts secrets only on stdout, which is never copied here.
    const err = run.stderr.trim()
    if (err) facts.stderr = err.length > 300 ? `${err.slice(0, 300)}…` : err
  }
  return facts
}
