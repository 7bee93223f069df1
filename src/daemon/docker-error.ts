/**
 * Maps the error text docker prints (pasted by the user: `doctor REF --docker-error "…"`) to the stage that failed and
 * the cause. The texts are the engine's own (registry-auth.md §0.4 and the measurements on these machines); docker
 * prints registry errors as `<lower-case code>: <message>`, wrapped in `Error response from daemon: Get "<url>": …`.
 * Order matters: the first row that matches wins, so specific texts come before the generic ones they contain.
 */
import {SPECIFIC_ROWS, STATUS_ROWS} from './registry-error-texts.js'

export type DockerErrorStage = 'probe' | 'challenge' | 'credentials' | 'token' | 'login' | 'access' | 'tls' | 'network' | 'reference'

export interface DockerErrorMapping {
  stage: DockerErrorStage
  cause: string
  code: string
}

export interface Row {
  code: string
  stage: DockerErrorStage
  pattern: RegExp
  cause: (m: RegExpExecArray) => string
  /** A real text this row is for; the tests run every row's example. */
  example: string
}

/** The engine's own texts (moby, distribution's client), as docker prints them. */
const ENGINE_ROWS: readonly Row[] = [
  {
    code: 'docker.credentials.helper-missing',
    stage: 'credentials',
    pattern: /error getting credentials - err: exec: "(docker-credential-[^"]+)": executable file not found/i,
    cause: (m) => `the credential helper ${m[1]} named in config.json ("credsStore" or "credHelpers") is not installed on this machine; `
      + 'docker cannot read any stored credentials',
    example: 'error getting credentials - err: exec: "docker-credential-desktop": executable file not found in $PATH, out: ``',
  },
  {
    // Before helper-failed: the same "error getting/storing credentials" line, with the keyring's own words.
    code: 'docker.credentials.helper-no-keyring',
    stage: 'credentials',
    pattern: /Cannot autolaunch D-Bus without X11|org\.freedesktop\.secrets/i,
    cause: () => 'the credential helper docker-credential-secretservice needs a desktop keyring (a D-Bus session), which this machine has not; '
      + 'docker uses it because config.json names it in "credsStore", or names no credentials at all while the helper is on PATH '
      + '(the docker CLI then picks it as its default store; Debian and Ubuntu install it with golang-docker-credential-helpers)',
    example: 'Error saving credentials: error storing credentials - err: exit status 1, out: `Cannot autolaunch D-Bus without X11 $DISPLAY`',
  },
  {
    code: 'docker.credentials.helper-failed',
    stage: 'credentials',
    pattern: /error getting credentials - err: ([^,]+)/i,
    cause: (m) => `the credential helper named in config.json failed (${m[1]!.trim()}); docker could not read the stored credentials`,
    example: 'error getting credentials - err: exit status 1, out: `error getting credentials - err: exit status 1, out: `no usernames for https://index.docker.io/v1/``',
  },
  {
    code: 'docker.credentials.ecr-expired',
    stage: 'credentials',
    pattern: /your authorization token has expired/i,
    cause: () => 'the ECR password (from aws ecr get-login-password) is valid for 12 hours and has expired; log in again',
    example: 'denied: Your authorization token has expired. Reauthenticate and try again.',
  },
  {
    code: 'docker.tls.unknown-ca',
    stage: 'tls',
    pattern: /x509: certificate signed by unknown authority/i,
    cause: () => 'the daemon does not trust the CA that signed the registry\'s certificate; it reads extra CAs only from '
      + '/etc/docker/certs.d/<host:port>/*.crt and the system store, not from the shell or curl',
    example: 'Error response from daemon: Get "https://[::1]:5444/v2/": x509: certificate signed by unknown authority',
  },
  {
    code: 'docker.tls.expired',
    stage: 'tls',
    pattern: /x509: certificate has expired or is not yet valid/i,
    cause: () => 'the registry\'s certificate has expired or is not valid yet (check the clocks too)',
    example: 'Get "https://registry.example/v2/": x509: certificate has expired or is not yet valid: current time 2026-01-02T00:00:00Z is after 2025-12-31T00:00:00Z',
  },
  {
    code: 'docker.tls.hostname',
    stage: 'tls',
    pattern: /x509: certificate is (?:valid for [^,]+, not|not valid for any names)|x509: cannot validate certificate for|certificate relies on legacy Common Name field/i,
    cause: () => 'the registry\'s certificate does not name the host docker connected to (its subjectAltName must list it)',
    example: 'Get "https://10.0.0.5:5000/v2/": x509: cannot validate certificate for 10.0.0.5 because it doesn\'t contain any IP SANs',
  },
  {
    code: 'docker.tls.plain-http',
    stage: 'tls',
    pattern: /http: server gave HTTP response to HTTPS client/i,
    cause: () => 'the registry speaks plain HTTP, and the daemon does not list it as an insecure registry, so it only tried https://',
    example: 'Error response from daemon: Get "https://registry.local:5000/v2/": http: server gave HTTP response to HTTPS client',
  },
  {
    code: 'docker.login.bad-credentials',
    stage: 'login',
    pattern: /unauthorized: incorrect username or password/i,
    cause: () => 'Docker Hub refused the user name and password (or access token)',
    example: 'Error response from daemon: Get "https://registry-1.docker.io/v2/": unauthorized: incorrect username or password',
  },
  {
    code: 'docker.login.bad-credentials',
    stage: 'login',
    // `docker login` pings /v2/; an `unauthorized` there means the token server or registry refused the credentials.
    pattern: /Get "?(https?:\/\/[^"\s]+)\/v2\/"?: unauthorized: ([^\n]*)/i,
    cause: (m) => `${m[1]} refused the credentials at /v2/ (${m[2]!.trim()}): a wrong user name or password, or an expired token`,
    example: 'Error response from daemon: Get "https://127.0.0.1:5000/v2/": unauthorized: authentication required',
  },
  {
    code: 'docker.login.not-a-registry',
    stage: 'probe',
    pattern: /login attempt to (\S+) failed with status: (404|405|502|503) ?([^\n]*)/i,
    cause: (m) => `${m[1]} answered ${m[2]} ${m[3]!.trim()}: that address does not serve the registry API (wrong host, port or path)`,
    example: 'Error response from daemon: login attempt to https://registry.example/v2/ failed with status: 404 Not Found',
  },
  {
    code: 'docker.login.refused',
    stage: 'login',
    pattern: /login attempt to (\S+) failed with status: (\d{3}) ?([^\n]*)/i,
    cause: (m) => `the registry refused the login at ${m[1]} with ${m[2]} ${m[3]!.trim()}: `
      + (m[2] === '401' ? 'the credentials were not accepted' : m[2] === '403' ? 'the account may not log in here' : 'an unexpected answer to the login ping'),
    example: 'Error response from daemon: login attempt to https://registry.example/v2/ failed with status: 401 Unauthorized',
  },
  {
    code: 'docker.credentials.none-basic',
    stage: 'credentials',
    pattern: /no basic auth credentials/i,
    cause: () => 'the registry asked for Basic credentials and docker has none stored for this host (log in first; for ECR, the login expires)',
    example: 'no basic auth credentials',
  },
  {
    code: 'docker.access.pull-denied',
    stage: 'access',
    pattern: /pull access denied for ([^,\s]+), repository does not exist or may require 'docker login'/i,
    cause: (m) => `pulling ${m[1]} was refused: the repository does not exist, or it is private and these credentials `
      + '(or none) may not pull it; the registry deliberately gives the same answer for both',
    example: "Error response from daemon: pull access denied for 127.0.0.1:5000/private/app, repository does not exist or may require 'docker login': denied: requested access to the resource is denied",
  },
  {
    code: 'docker.rate-limited',
    stage: 'access',
    pattern: /toomanyrequests:?\s*([^\n]*)/i,
    cause: (m) => `the registry is rate-limiting these requests${m[1] ? ` (${m[1].trim().slice(0, 200)})` : ''}; authenticate or wait`,
    example: 'toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit',
  },
  {
    code: 'docker.token.insufficient-scope',
    stage: 'token',
    pattern: /insufficient_scope/i,
    cause: () => 'the token the registry received does not grant the action (its scope lacks pull or push for this repository)',
    example: 'unauthorized: authentication required, insufficient_scope: authorization failed',
  },
  {
    code: 'docker.access.ghcr-denied',
    stage: 'access',
    pattern: /denied: denied\b/i,
    cause: () => 'ghcr.io refused the action: the token lacks read:packages / write:packages, or the package is not linked to a repository this token may use',
    example: 'Error response from daemon: Head "https://ghcr.io/v2/acme/app/manifests/1.0": denied: denied',
  },
  {
    code: 'docker.access.denied',
    stage: 'access',
    pattern: /\brequested access to the resource is denied/i,
    cause: () => 'the credentials were accepted, but the token does not grant this action on this repository (e.g. a push where the account '
      + 'may only pull, or a repository outside the account\'s namespace)',
    example: 'denied: requested access to the resource is denied',
  },
  {
    code: 'docker.access.manifest-unknown',
    stage: 'access',
    pattern: /manifest unknown/i,
    cause: () => 'the repository exists but has no such tag or digest',
    example: 'Error response from daemon: manifest for 127.0.0.1:5000/app:9.9 not found: manifest unknown: manifest unknown',
  },
  {
    code: 'docker.access.name-unknown',
    stage: 'access',
    pattern: /name unknown/i,
    cause: () => 'the registry has no repository of that name',
    example: 'Error response from daemon: name unknown: repository name not known to registry',
  },
  {
    code: 'docker.auth.required',
    stage: 'credentials',
    pattern: /unauthorized: ([^\n]*)/i,
    cause: (m) => `the registry wants credentials for this action and got none it accepts (${m[1]!.trim()})`,
    example: 'unauthorized: authentication required',
  },
  {
    code: 'docker.network.dns',
    stage: 'network',
    pattern: /dial tcp: lookup ([^\s:]+)(?:[^\n]*?): (?:no such host|server misbehaving|Temporary failure in name resolution)/i,
    cause: (m) => `the daemon cannot resolve ${m[1]} (a typo, a private DNS name, or the daemon's DNS differs from this shell's)`,
    example: 'Error response from daemon: Get "https://registry.example.invalid/v2/": dial tcp: lookup registry.example.invalid on 10.0.0.53:53: no such host',
  },
  {
    code: 'docker.network.proxy',
    stage: 'network',
    pattern: /proxyconnect tcp/i,
    cause: () => 'the daemon could not reach the registry through its configured proxy',
    example: 'Error response from daemon: Get "https://registry-1.docker.io/v2/": proxyconnect tcp: dial tcp 10.1.1.1:3128: connect: connection refused',
  },
  {
    code: 'docker.network.refused',
    stage: 'network',
    pattern: /connection refused/i,
    cause: () => 'nothing listens at the registry\'s address and port (as the daemon sees it; inside its network namespace, "localhost" is the daemon\'s host)',
    example: 'Error response from daemon: Get "http://127.0.0.1:1/v2/": dial tcp 127.0.0.1:1: connect: connection refused',
  },
  {
    code: 'docker.network.timeout',
    stage: 'network',
    pattern: /i\/o timeout|Client\.Timeout exceeded|context deadline exceeded|TLS handshake timeout/i,
    cause: () => 'the registry did not answer in time (a firewall dropping packets, a proxy the daemon needs but lacks, or an overloaded registry)',
    example: 'Error response from daemon: Get "https://registry.example/v2/": dial tcp 192.0.2.10:443: i/o timeout',
  },
  {
    code: 'docker.network.no-source-address',
    stage: 'network',
    pattern: /cannot assign requested address/i,
    cause: () => 'the daemon\'s host has no address to connect from in that family: typically the registry has an IPv6 address (AAAA) and the host has no global IPv6 address',
    example: 'Error response from daemon: Get "https://registry-1.docker.io/v2/": dial tcp [2600:1f18:2148:bc00::1]:443: connect: cannot assign requested address',
  },
  {
    code: 'docker.network.unreachable',
    stage: 'network',
    pattern: /network is unreachable|no route to host/i,
    cause: () => 'the daemon\'s host has no route to the registry',
    example: 'Get "https://registry.example/v2/": dial tcp [2001:db8::1]:443: connect: network is unreachable',
  },
]

/**
 * Registry- and client-specific texts first (they contain the engine's generic words), the engine's own next, and last
 * the bare HTTP statuses that containerd, BuildKit, helm and go-containerregistry print when no registry error body
 * was read.
 */
export const DOCKER_ERROR_ROWS: readonly Row[] = [...SPECIFIC_ROWS, ...ENGINE_ROWS, ...STATUS_ROWS]

export function mapDockerError(text: string): DockerErrorMapping | undefined {
  if (typeof text !== 'string' || text.trim() === '') return undefined
  for (const row of DOCKER_ERROR_ROWS) {
    const m = row.pattern.exec(text)
    if (m) return {stage: row.stage, cause: row.cause(m), code: row.code}
  }
  return undefined
}
