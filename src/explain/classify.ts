/**
 * Which causes a matched text can have, most common first, before the log's own evidence reorders them (rank.ts).
 * Keyed by the stable code of src/daemon/docker-error.ts; a text whose causes differ by operation lists them per
 * operation. Pure data: the corpus test (test/explain/corpus.test.ts) measures how often the first one is right.
 */
import type {Operation} from './types.js'

type Causes = readonly string[]
type Entry = Causes | {push?: Causes; pull?: Causes; login?: Causes; other: Causes}

const AUTH_PUSH = ['credentials-missing', 'credentials-expired', 'namespace-missing', 'action-not-granted', 'sudo-other-config', 'credentials-not-read', 'credentials-other-host']
const AUTH_PULL = ['credentials-missing', 'credentials-expired', 'repository-missing', 'sudo-other-config', 'credentials-not-read', 'credentials-other-host']
const LOGIN = ['credentials-wrong', 'credentials-expired', 'token-scope']
const authRequired: Entry = {push: AUTH_PUSH, pull: AUTH_PULL, login: LOGIN, other: AUTH_PULL}

export const CLASSIFICATION: Record<string, Entry> = {
  'docker.credentials.helper-missing': ['helper-missing'],
  'docker.credentials.helper-no-keyring': ['helper-no-keyring', 'helper-failed'],
  'docker.credentials.helper-failed': ['helper-failed', 'sudo-other-config'],
  'docker.credentials.ecr-expired': ['credentials-expired', 'credentials-other-host'],
  'docker.credentials.none-basic': ['credentials-missing', 'credentials-other-host', 'credentials-expired', 'sudo-other-config', 'credentials-not-read'],
  'docker.credentials.gcp-unauthenticated': ['credentials-missing', 'credentials-other-host', 'sudo-other-config'],
  'docker.tls.unknown-ca': ['ca-untrusted', 'tls-interception'],
  'docker.tls.expired': ['cert-expired'],
  'docker.tls.hostname': ['cert-hostname'],
  'docker.tls.plain-http': ['plain-http-registry'],
  'docker.tls.not-tls': ['plain-http-registry'],
  'docker.login.bad-credentials': LOGIN,
  'docker.login.refused': LOGIN,
  'docker.login.gitlab-basic-denied': ['credentials-wrong', 'token-scope', 'credentials-expired'],
  'docker.login.not-a-registry': ['not-a-registry'],
  'docker.access.pull-denied': ['repository-missing', 'credentials-missing', 'action-not-granted', 'sudo-other-config'],
  'docker.rate-limited': ['pull-rate-limit', 'rate-limited'],
  'docker.token.insufficient-scope': {push: ['action-not-granted', 'namespace-missing', 'namespace-other', 'credentials-missing'], other: ['action-not-granted', 'repository-missing', 'credentials-missing']},
  'docker.token.refused': {push: ['credentials-wrong', 'token-scope', 'namespace-missing', 'credentials-not-read'], other: ['credentials-wrong', 'credentials-missing', 'repository-missing', 'credentials-not-read']},
  'docker.token.failed': ['token-server-error', 'reference-invalid'],
  'docker.access.ghcr-denied': ['ghcr-package-access', 'token-scope', 'credentials-missing'],
  'docker.access.ghcr-installation': ['ghcr-workflow-permission', 'ghcr-package-access'],
  'docker.access.ghcr-write-package': ['ghcr-package-access', 'ghcr-workflow-permission', 'token-scope'],
  'docker.access.gcp-permission': ['action-not-granted', 'repository-missing', 'credentials-other-host'],
  'docker.access.acr-firewall': ['ip-not-allowed'],
  'docker.access.harbor-unauthorized': ['action-not-granted', 'namespace-missing', 'credentials-missing'],
  'docker.access.denied': {
    push: ['credentials-missing', 'namespace-other', 'action-not-granted', 'namespace-missing', 'credentials-expired', 'sudo-other-config', 'token-scope'],
    pull: ['repository-missing', 'credentials-missing', 'action-not-granted', 'sudo-other-config'],
    other: ['credentials-missing', 'action-not-granted', 'repository-missing', 'namespace-other'],
  },
  'docker.access.denied-other': {push: ['action-not-granted', 'credentials-missing', 'namespace-missing'], other: ['action-not-granted', 'credentials-missing', 'repository-missing']},
  'docker.access.manifest-unknown': ['tag-missing', 'repository-missing'],
  'docker.access.tag-not-found': ['tag-missing', 'repository-missing'],
  'docker.access.name-unknown': ['repository-missing', 'namespace-missing'],
  'docker.access.no-platform': ['platform-missing'],
  'docker.auth.required': authRequired,
  'docker.status.unauthorized': authRequired,
  'docker.status.forbidden': {push: ['action-not-granted', 'namespace-other', 'credentials-wrong'], other: ['action-not-granted', 'credentials-wrong']},
  'docker.status.server-error': ['registry-error'],
  'docker.reference.invalid': ['reference-invalid'],
  'docker.network.dns': ['dns-failure'],
  'docker.network.proxy': ['proxy-failure'],
  'docker.network.refused': ['connection-refused', 'plain-http-registry'],
  'docker.network.timeout': ['timeout', 'proxy-failure', 'dns-failure'],
  'docker.network.no-source-address': ['no-route'],
  'docker.network.unreachable': ['no-route', 'proxy-failure'],
  'docker.network.reset': ['connection-reset', 'tls-interception'],
}

export function baseCauses(code: string, operation: Operation | undefined): readonly string[] {
  const entry = CLASSIFICATION[code]
  if (!entry) return ['registry-error']
  if (Array.isArray(entry)) return entry
  const byOp = entry as Exclude<Entry, Causes>
  return (operation && byOp[operation]) || byOp.other
}
