/**
 * Error texts that are not the Docker engine's own: registries' own messages (ghcr.io, GitLab, Artifact Registry,
 * Harbor), the token errors BuildKit, containerd and helm print, and the bare HTTP statuses containerd and
 * go-containerregistry report when no registry error body was read. Each example is quoted from a public issue thread
 * (test/fixtures/explain/corpus.json holds them with their sources). See docker-error.ts for how the rows are ordered.
 */
import type {Row} from './docker-error.js'

/** Texts specific enough to win over the engine's generic `denied:` / `unauthorized:` rows they contain. */
export const SPECIFIC_ROWS: readonly Row[] = [
  {
    code: 'docker.access.ghcr-installation',
    stage: 'access',
    pattern: /installation not allowed to (Write|Create) organization package/i,
    cause: (m) => `ghcr.io refused to let the workflow's GITHUB_TOKEN ${m[1]!.toLowerCase()} an organization package: the workflow lacks `
      + '`permissions: packages: write` (read-only for pull requests from forks and Dependabot), or the organization does not let Actions create or write packages',
    example: 'Error: buildx failed with: ERROR: denied: installation not allowed to Write organization package',
  },
  {
    code: 'docker.access.ghcr-write-package',
    stage: 'access',
    pattern: /permission_denied: (write|read|create)_package/i,
    cause: (m) => `ghcr.io refused ${m[1]!.toLowerCase()}_package: the token may not ${m[1]!.toLowerCase()} this package (its "Manage Actions access" does not list the repository, or a personal token lacks the packages scope)`,
    example: 'buildx failed with: ERROR: denied: permission_denied: write_package',
  },
  {
    code: 'docker.login.gitlab-basic-denied',
    stage: 'login',
    pattern: /HTTP Basic: Access denied/i,
    cause: () => 'GitLab refused the user name and password: a wrong or expired token, a token without read_registry/write_registry, or an account password where 2FA requires a personal access token',
    example: 'Error response from daemon: Get "https://registry.gitlab.com/v2/": unauthorized: HTTP Basic: Access denied',
  },
  {
    code: 'docker.credentials.gcp-unauthenticated',
    stage: 'credentials',
    pattern: /Unauthenticated requests? do not have permission "?artifactregistry\.repositories\.(\w+)/i,
    cause: (m) => `Artifact Registry received no credentials for ${m[1]}: docker has no credential helper for this regional host (gcloud auth configure-docker HOST)`,
    example: 'denied: Unauthenticated request. Unauthenticated requests do not have permission "artifactregistry.repositories.uploadArtifacts" on resource "projects/p/locations/us-central1/repositories/r" (or it may not exist)',
  },
  {
    code: 'docker.access.gcp-permission',
    stage: 'access',
    pattern: /Permission ["']artifactregistry\.repositories\.(\w+)["'] denied/i,
    cause: (m) => `Artifact Registry denied ${m[1]}: the account lacks the role for it on this repository, or the repository does not exist (the registry says the same for both)`,
    example: 'denied: Permission "artifactregistry.repositories.uploadArtifacts" denied on resource "projects/p/locations/us-central1/repositories/r" (or it may not exist)',
  },
  {
    code: 'docker.access.acr-firewall',
    stage: 'access',
    // JSON bodies printed raw show the quotes as \u0027.
    pattern: /client with IP (?:'|\\u0027)([^'\\]+)(?:'|\\u0027) is not allowed access/i,
    cause: (m) => `the registry's firewall (ACR network rules) does not let ${m[1]} in: the registry accepts only selected networks or a private endpoint`,
    example: "denied: client with IP '203.0.113.7' is not allowed access. Refer https://aka.ms/acr/firewall to grant access.",
  },
  {
    code: 'docker.access.harbor-unauthorized',
    stage: 'access',
    pattern: /unauthorized to access repository: ([^,\s]+), action: (\w+)/i,
    cause: (m) => `Harbor refused ${m[2]} on ${m[1]}: the project does not exist, or this account (or robot) is not a member with ${m[2]} rights`,
    example: 'POST https://harbor.example/v2/team/app/blobs/uploads/: UNAUTHORIZED: unauthorized to access repository: team/app, action: push',
  },
  {
    code: 'docker.token.refused',
    stage: 'token',
    pattern: /failed to (?:authorize: )?(?:rpc error: [^\n]*?)?fetch (oauth|anonymous) token[^\n]*?\b(401|403)\b/i,
    cause: (m) => m[1]!.toLowerCase() === 'anonymous'
      ? `the token server refused an anonymous token (${m[2]}): the repository is private or does not exist, and no credentials were found for it`
      : `the token server refused the credentials (${m[2]}): a wrong or expired password or token, or one whose scope does not cover this repository`,
    example: '#4 ERROR: failed to authorize: failed to fetch oauth token: unexpected status: 401 Unauthorized',
  },
  {
    code: 'docker.token.failed',
    stage: 'token',
    pattern: /fetch (?:oauth|anonymous) token|authorization server did not include a token/i,
    cause: () => 'the token server did not issue a token (an error status, a malformed request, or an answer without a token)',
    example: 'failed to fetch anonymous token: Get https://auth.docker.io/token?scope=repository%3Alibrary%2Fubuntu%3Apull&service=registry.docker.io: Bad Request',
  },
  {
    code: 'docker.reference.invalid',
    stage: 'reference',
    pattern: /invalid reference format|invalid repository name|repository name must be lowercase/i,
    cause: () => 'the image name is not a valid reference (an empty CI variable leaving "/name" or "host//name", upper-case letters, or a stray space)',
    example: 'unexpected status code 400 Bad Request: {"details":"invalid repository name"}',
  },
  {
    code: 'docker.tls.not-tls',
    stage: 'tls',
    pattern: /first record does not look like a TLS handshake/i,
    cause: () => 'the client spoke TLS to a port that answers plain HTTP: the registry is not served over https there',
    example: 'Get "https://registry.local:5000/v2/": tls: first record does not look like a TLS handshake',
  },
]

/** Bare statuses, tried after every text the engine knows. */
export const STATUS_ROWS: readonly Row[] = [
  {
    code: 'docker.access.no-platform',
    stage: 'access',
    pattern: /no matching manifest for ([^\s]+) in the manifest list entries/i,
    cause: (m) => `the image exists, but not for ${m[1]}`,
    example: 'no matching manifest for linux/arm64/v8 in the manifest list entries',
  },
  {
    code: 'docker.access.tag-not-found',
    stage: 'access',
    pattern: /manifest for (\S+) not found|failed to resolve reference "[^"]+": \S+: not found/i,
    cause: (m) => `the registry has no manifest ${m[1] ? `for ${m[1]}` : 'for that tag'}: the tag (or the repository) does not exist`,
    example: 'Error response from daemon: manifest for ansible/ansible:latest not found',
  },
  {
    code: 'docker.status.unauthorized',
    stage: 'credentials',
    pattern: /\b401 Unauthorized\b|: unauthorized\.?\s*$/i,
    cause: () => 'the registry answered 401: it wants credentials for this action and got none it accepts',
    example: 'pulling from host registry.example failed with status code [manifests 1.0]: 401 Unauthorized',
  },
  {
    code: 'docker.status.forbidden',
    stage: 'access',
    pattern: /\b403 Forbidden\b/i,
    cause: () => 'the registry answered 403: it knows who is asking and does not allow this action',
    example: 'Error: unexpected status from POST request to https://192.168.64.1:6000/v2/charts/openebs/blobs/uploads/: 403 Forbidden',
  },
  {
    code: 'docker.rate-limited',
    stage: 'access',
    pattern: /\b429 Too Many Requests\b/i,
    cause: () => 'the registry is rate-limiting these requests (429); authenticate or wait',
    example: 'unexpected status code https://registry.example/v2/app/manifests/1.0: 429 Too Many Requests',
  },
  {
    code: 'docker.status.server-error',
    stage: 'access',
    pattern: /\b(500 Internal Server Error|502 Bad Gateway|503 Service Unavailable|504 Gateway Timeout)\b/i,
    cause: (m) => `the registry (or a proxy in front of it) failed with ${m[1]}`,
    example: 'unexpected status from PUT request to https://registry.example/v2/app/manifests/1.0: 500 Internal Server Error',
  },
  {
    code: 'docker.access.denied-other',
    stage: 'access',
    pattern: /\bdenied: ([^\n]+)/i,
    cause: (m) => `the registry refused the action (${m[1]!.trim().slice(0, 160)})`,
    example: 'Error response from daemon: Get https://registry.gitlab.com/v2/: denied: access forbidden',
  },
  {
    code: 'docker.network.reset',
    stage: 'network',
    pattern: /connection reset by peer|\/v2\/[^\s"]*"?: EOF\b/i,
    cause: () => 'the connection was cut before an answer (a proxy, firewall or TLS-inspecting device in the way, or an overloaded registry)',
    example: 'Error response from daemon: Get "https://registry.example/v2/": read tcp 10.0.0.2:50622->192.0.2.10:443: read: connection reset by peer',
  },
]
