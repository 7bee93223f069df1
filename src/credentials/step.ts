/** The `credentials` stage of every trace: the lookup table as facts, with the resolution's findings. */
import type {CredentialsFacts, CredentialsStep} from '../trace/types.js'
import type {CredentialResolution} from './types.js'

export function credentialsStep(res: CredentialResolution): CredentialsStep {
  const errors = res.findings.filter((f) => f.severity === 'error')
  const c = res.credential
  const facts: CredentialsFacts = {winner: res.winner ?? null, rows: res.rows}
  if (c) facts.credential = {kind: c.kind, ...(c.kind !== 'registry-token' && c.username ? {username: c.username} : {}), source: c.source}
  let summary: string
  if (c) {
    const who = c.kind === 'basic' ? `user "${c.username}" with a password` : c.kind === 'identity-token' ? `an identity token${c.username ? ` for "${c.username}"` : ''}` : 'a registry token'
    summary = `${who} from ${res.winner}`
  } else {
    summary = `no credentials found (${res.rows.length} places looked at): requests go anonymously`
  }
  if (errors.length) summary = `${errors[0]!.message}${c ? `; using ${summary}` : ''}`
  return {stage: 'credentials', status: errors.length ? 'fail' : c ? 'ok' : 'warn', summary, facts, exchanges: [], findings: res.findings}
}
