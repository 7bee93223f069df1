/** Source 1: the command line (-u with --password-stdin or -p, --identity-token-stdin). Reads nothing itself. */
import {ExitCode, type Finding} from '../trace/types.js'
import {newOutput, note, offer, type SourceContext, type SourceOutput} from './candidates.js'
import {emptySecretCiHint} from './ci.js'
import type {Credential} from './types.js'

const place = 'flags'

export async function flagsSource(ctx: SourceContext): Promise<SourceOutput> {
  const out = newOutput()
  const f = ctx.opts.flags ?? {}
  if (f.identityToken !== undefined) {
    if (f.identityToken === '') {
      note(out, {place, outcome: 'empty', reason: '--identity-token-stdin read an empty token'})
      out.findings.push(await emptySecret(ctx.env, 'credentials.flags.empty-secret', 'the identity token given on stdin is empty', 'Check the variable or secret piped to --identity-token-stdin (its name, and that it is defined for this run).', 'error', ExitCode.AUTHENTICATION))
      return out
    }
    const cred: Credential = {kind: 'identity-token', token: f.identityToken, source: {type: 'flag', location: '--identity-token-stdin'}}
    if (f.username) cred.username = f.username
    offer(out, {place, outcome: 'used', reason: 'an identity token was given with --identity-token-stdin'}, cred)
    return out
  }
  if (f.password === undefined && f.username === undefined) {
    note(out, {place, outcome: 'not-found', reason: 'no -u/--password-stdin or --identity-token-stdin was given'})
    return out
  }
  if (!f.username) {
    note(out, {place, outcome: 'empty', reason: 'a password was given with an empty user name'})
    out.findings.push(await emptySecret(ctx.env, 'credentials.flags.empty-username', 'the user name given with -u is empty', 'Check the variable passed to -u/--username (its name, and that it is defined for this run).', 'error', ExitCode.AUTHENTICATION))
    return out
  }
  if (!f.password) {
    note(out, {place, outcome: 'empty', reason: `-u ${f.username} was given with an empty password`})
    out.findings.push(await emptySecret(ctx.env, 'credentials.flags.empty-secret', `the password for "${f.username}" given on stdin is empty (length 0)`, 'Check the variable or secret piped to --password-stdin (its name, and that it is defined for this run).', 'error', ExitCode.AUTHENTICATION))
    return out
  }
  offer(out, {place, outcome: 'used', reason: `-u ${f.username} with a password from the command line`}, {kind: 'basic', username: f.username, password: f.password, source: {type: 'flag', location: 'flags'}})
  return out
}

/** An empty secret, with what CI says about why (an undefined secret, a pull request from a fork). */
export async function emptySecret(env: NodeJS.ProcessEnv, code: string, message: string, fix: string, severity: Finding['severity'], exitCode?: Finding['exitCode']): Promise<Finding> {
  const hint = await emptySecretCiHint(env)
  const f: Finding = {code, severity, message: hint ? `${message}. ${hint}` : message, fix}
  if (exitCode !== undefined) f.exitCode = exitCode
  return f
}
