/**
 * The chooser: pure. Takes every source's candidates in order and picks the credential the client would send — the
 * first one found that nothing shadows — marks the others found-but-shadowed with the reason, and adds the findings
 * that need the whole picture (the winner's secret shape, "podman would use another", "no credentials").
 */
import {redactSecret} from '../http/redact.js'
import type {Finding} from '../trace/types.js'
import type {Candidate, SourceOutput} from './candidates.js'
import {secretShapeFindings} from './secret-checks.js'
import type {Credential, CredentialResolution, LookupRow, RegistryKeyInfo} from './types.js'

/** The place of the first candidate that would be used, given the sources so far. */
export function winnerSoFar(outputs: SourceOutput[]): string | undefined {
  for (const o of outputs) for (const c of o.candidates) if (c.credential && !c.passive) return c.row.place
  return undefined
}

export function dockerFailedSoFar(outputs: SourceOutput[]): string | undefined {
  return outputs.find((o) => o.dockerFailed)?.dockerFailed
}

export function chooseCredential(outputs: SourceOutput[], registry: RegistryKeyInfo): CredentialResolution {
  const rows: LookupRow[] = []
  const findings: Finding[] = []
  let credential: Credential | undefined
  let winner: string | undefined
  for (const out of outputs) {
    let shape: Finding[] = []
    for (const c of out.candidates) {
      if (!c.credential) {
        rows.push(c.row)
        continue
      }
      const row: LookupRow = {...c.row, found: foundFacts(c.credential)}
      const why = c.passive ?? (winner ? `${winner} comes first` : undefined)
      if (why) {
        row.outcome = 'found-but-shadowed'
        row.reason = `${row.reason}; not used: ${why}`
        const differ = credential && winner ? podmanDiffers(c, credential, winner, registry.name) : undefined
        if (differ) findings.push(differ)
      } else {
        row.outcome = 'used'
        credential = c.credential
        winner = row.place
        shape = secretShapeFindings(c.credential, registry, row.place)
      }
      rows.push(row)
    }
    findings.push(...out.findings, ...shape)
  }
  if (!credential && !findings.some((f) => f.severity === 'error')) findings.push(noCredentials(registry, rows.length, findings))
  const res: CredentialResolution = {rows, findings}
  if (credential) res.credential = credential
  if (winner) res.winner = winner
  return res
}

function podmanDiffers(c: Candidate, winning: Credential, winner: string, name: string): Finding | undefined {
  if (!c.podmanCompare || winner === 'flags' || !differs(c.credential!, winning)) return undefined
  const cred = c.credential!
  const user = 'username' in cred && cred.username ? ` (user "${cred.username}")` : ''
  return {
    code: 'credentials.podman-differs',
    severity: 'info',
    message: `${c.row.place} has other credentials for ${name}${user}: podman and skopeo read auth.json first and would use them instead of ${winner}`,
    fix: 'Keep one place up to date (log out of the other), or pass --authfile to test what podman would send.',
  }
}

function noCredentials(registry: RegistryKeyInfo, places: number, findings: Finding[]): Finding {
  const login = `docker login${registry.isDockerHub ? '' : ` ${registry.name}`}`
  // A warning-level helper failure (source-helper.ts): docker pull went anonymously, and docker login fails there too.
  const store = findings.some((f) => f.code.startsWith('credentials.helper.') && f.severity === 'warn')
  return {
    code: 'credentials.none',
    severity: 'info',
    message: `no credentials for ${registry.name} in ${places} places looked at: requests go anonymously`,
    fix: store ? `${login} cannot save a login here until the credential helper works (see its finding); or pass -u USER --password-stdin.` : `Log in (${login}) or pass -u USER --password-stdin.`,
  }
}

export function foundFacts(c: Credential): NonNullable<LookupRow['found']> {
  if (c.kind === 'basic') return {username: c.username, kind: 'password', secret: redactSecret(c.password, 'password')}
  if (c.kind === 'registry-token') return {kind: 'registry-token', secret: redactSecret(c.token)}
  return {...(c.username ? {username: c.username} : {}), kind: 'identity-token', secret: redactSecret(c.token)}
}

function differs(a: Credential, b: Credential): boolean {
  const secret = (c: Credential) => (c.kind === 'basic' ? c.password : c.token)
  const user = (c: Credential) => (c.kind === 'registry-token' ? '' : (c.username ?? ''))
  return a.kind !== b.kind || secret(a) !== secret(b) || user(a) !== user(b)
}
