import type {RegistryAddress} from '../reference.js'
import {stepOf, type Finding, type StageName, type Step} from '../trace/types.js'
import {hostOfUrl} from '../http/hosts.js'

/**
 * Registry-specific and cross-stage diagnosis: each rule reads the steps' facts and findings (never the network) and
 * may add a Finding with the cause and the fix. The table is ordered; a rule that does not apply returns undefined.
 * Stage findings say what happened; these say what it means on this registry.
 */
export interface DiagnosisInput {
  steps: Step[]
  registry: RegistryAddress
  repository?: string
  actions: string[]
  /** User name of the credential used, if any (never the secret). */
  username?: string
  credentialSource?: string
}

export interface Rule {
  code: string
  /** One line: which story this rule recognises (failure-stories.md / registry-auth.md). */
  story: string
  apply(input: DiagnosisInput): Finding | undefined
}

/** A finding with this code, or under it (`access.pull` matches `access.pull.denied`, not `access.pullx`). */
const has = (i: DiagnosisInput, code: string) => i.steps.some((s) => s.findings.some((f) => f.code === code || f.code.startsWith(`${code}.`)))
/** The push was refused: an error under access.push (a warning there, such as an upload left open, is not a refusal). */
const pushRefused = (i: DiagnosisInput) => i.steps.some((s) => s.findings.some((f) => f.code.startsWith('access.push.') && f.severity === 'error'))
const findFinding = (i: DiagnosisInput, pred: (f: Finding) => boolean) => i.steps.flatMap((s) => s.findings).find(pred)
const stepIn = <S extends StageName>(i: DiagnosisInput, stage: S) => stepOf(i.steps, stage)
const host = (i: DiagnosisInput) => i.registry.hostname.toLowerCase()
/** The failing client's view as the probe stated it (src/hostview/describe.ts viewFacts). */
const viewOf = (i: DiagnosisInput) => stepIn(i, 'probe')?.facts.hostView

export const isGhcr = (h: string) => h === 'ghcr.io'
export const isEcr = (h: string) => /\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/.test(h)
export const isGitlab = (h: string) => h === 'registry.gitlab.com' || h.startsWith('registry.gitlab.')
export const isQuay = (h: string) => h === 'quay.io'
export const isAcr = (h: string) => h.endsWith('.azurecr.io')
export const isGoogle = (h: string) => h === 'gcr.io' || h.endsWith('.gcr.io') || h.endsWith('-docker.pkg.dev')

export const RULES: Rule[] = [
  {
    code: 'hub.pat-read-only',
    story: 'Docker Hub personal access tokens have scopes: a Read-only token cannot push',
    apply: (i) =>
      i.registry.isDockerHub && i.username && (has(i, 'access.push.denied') || pushMissing(i))
        ? {code: 'hub.pat-read-only', severity: 'info', message: 'on Docker Hub, push is refused when the repository is not under your namespace or the access token is Read-only', fix: `Push to ${i.username}/<name> (or an organisation you may write to), and use a personal access token with "Read & Write" scope.`}
        : undefined,
  },
  {
    code: 'hub.library-prefix',
    story: 'Docker Hub official images live under library/: a scope without it grants nothing',
    apply: (i) => {
      const scope = stepIn(i, 'challenge')?.facts.scopes
      const bare = scope?.find((s) => /^repository:[^/]+:/.test(s))
      return i.registry.isDockerHub && bare
        ? {code: 'hub.library-prefix', severity: 'warn', message: `the scope ${bare} names an official image without library/: Docker Hub grants nothing for it`, fix: 'Ask for repository:library/<name>:pull (docker adds library/ for one-word names).'}
        : undefined
    },
  },
  {
    code: 'ghcr.write-packages',
    story: 'ghcr.io needs a token with write:packages to push, and says only "denied"',
    apply: (i) =>
      isGhcr(host(i)) && i.actions.includes('push') && (pushRefused(i) || has(i, 'token.denied') || pushMissing(i))
        ? {code: 'ghcr.write-packages', severity: 'info', message: 'ghcr.io refuses a push with a bare "denied" when the token lacks write:packages or the package is not linked to a repository you may write', fix: 'Use a classic personal access token with write:packages (or GITHUB_TOKEN with `permissions: packages: write` in the workflow), and link the package to the repository.'}
        : undefined,
  },
  {
    code: 'ghcr.wrong-token',
    story: 'ghcr.io answers a wrong or expired token with DENIED / UNAUTHORIZED at the token endpoint',
    apply: (i) =>
      isGhcr(host(i)) && i.username && (has(i, 'token.credentials-rejected') || has(i, 'token.denied'))
        ? {code: 'ghcr.wrong-token', severity: 'info', message: 'ghcr.io rejects passwords: the password must be a personal access token (classic) with read:packages (and write:packages to push)', fix: 'Create a token at GitHub → Settings → Developer settings → Personal access tokens, or use GITHUB_TOKEN in Actions.'}
        : undefined,
  },
  {
    code: 'ecr.password-expired',
    story: 'ECR passwords from get-login-password last 12 hours',
    apply: (i) => {
      const f = findFinding(i, (x) => /expired/i.test(x.message) && x.severity === 'error')
      return isEcr(host(i)) && f
        ? {code: 'ecr.password-expired', severity: 'info', message: 'ECR registry passwords expire 12 hours after `aws ecr get-login-password` issued them', fix: `Log in again: aws ecr get-login-password --region <region> | docker login --username AWS --password-stdin ${i.registry.host} (or use docker-credential-ecr-login).`}
        : undefined
    },
  },
  {
    code: 'ecr.basic-credentials',
    story: 'ECR has no token server: Basic with AWS:<password>',
    apply: (i) =>
      isEcr(host(i)) && (has(i, 'access.no-basic-credentials') || has(i, 'access.credentials-rejected'))
        ? {code: 'ecr.basic-credentials', severity: 'info', message: 'ECR takes Basic credentials AWS:<password>, where the password comes from `aws ecr get-login-password` (valid 12 hours)', fix: `aws ecr get-login-password --region <region> | regprobe doctor ${i.registry.host}/<repo> -u AWS --password-stdin`}
        : undefined,
  },
  {
    code: 'harbor.basic-after-reject',
    story: 'Harbor answers a rejected credential with Basic realm="harbor", not a Bearer challenge',
    apply: (i) => {
      const access = stepIn(i, 'access')
      const basicHarbor = access?.exchanges.some((x) => /basic realm="harbor"/i.test(x.response?.headers['www-authenticate'] ?? ''))
      return basicHarbor && i.username
        ? {code: 'harbor.basic-after-reject', severity: 'info', message: 'Harbor answered with `Basic realm="harbor"` after credentials were sent: Harbor does this when it rejects them, so the credentials (or the robot account\'s permissions) are the problem, not the scheme', fix: 'Check the user or robot account and its project permissions in Harbor.'}
        : undefined
    },
  },
  {
    code: 'gitlab.realm-host',
    story: 'GitLab\'s token realm lives on another host (gitlab.com vs registry.gitlab.com)',
    apply: (i) => {
      const realm = stepIn(i, 'probe')?.facts.realm ?? ''
      return (isGitlab(host(i)) || /\/jwt\/auth$/.test(realm)) && realm && !realm.includes(i.registry.hostname)
        ? {code: 'gitlab.realm-host', severity: 'info', message: `GitLab's registry sends clients to ${hostOfUrl(realm)} for tokens: that host must be reachable (proxy, firewall) and the credentials are a GitLab user + personal/deploy token or gitlab-ci-token:$CI_JOB_TOKEN`, fix: 'In CI use `docker login -u gitlab-ci-token -p $CI_JOB_TOKEN $CI_REGISTRY`; elsewhere a token with read_registry / write_registry.'}
        : undefined
    },
  },
  {
    code: 'insecure.docker-needs-config',
    story: 'a registry on plain HTTP works with curl but docker refuses it ("server gave HTTP response to HTTPS client")',
    apply: (i) => {
      const p = stepIn(i, 'probe')
      return p?.facts.scheme === 'http' && !i.registry.isLoopback && !viewOf(i)?.insecure
        ? {code: 'insecure.docker-needs-config', severity: 'warn', message: `${i.registry.host} speaks plain HTTP: docker refuses it ("http: server gave HTTP response to HTTPS client") unless it is listed in the daemon's "insecure-registries"`, fix: `Serve the registry over TLS, or tell each client: docker — add "${i.registry.host}" to "insecure-registries" in /etc/docker/daemon.json and restart dockerd; podman, skopeo, buildah — [[registry]] location = "${i.registry.host}" with insecure = true in /etc/containers/registries.conf (or --tls-verify=false per command); containerd and nerdctl — /etc/containerd/certs.d/${i.registry.host}/hosts.toml with server = "http://${i.registry.host}" (nerdctl: --insecure-registry).`}
        : undefined
    },
  },
  {
    code: 'tls.docker-ca-location',
    story: 'x509: certificate signed by unknown authority: docker reads /etc/docker/certs.d/<host>/ca.crt',
    apply: (i) => {
      if (!has(i, 'probe.tls.unknown-ca')) return undefined
      const v = viewOf(i)
      const dir = v?.certsDir ?? `/etc/docker/certs.d/${i.registry.host}`
      const who = v?.client && v.client !== 'docker' ? v.client : 'the daemon'
      // What the host already holds is never the fix: a CA file that is there and still fails is the wrong CA.
      if (v?.caFiles?.length) return {code: 'tls.docker-ca-location', severity: 'info', message: `docker says "x509: certificate signed by unknown authority" here although ${who} reads ${v.caFiles.join(', ')}: that CA did not sign the registry's certificate`, fix: `Replace ${v.caFiles.join(', ')} with the CA that signed the registry's certificate (the probe's "presented" line names its issuer).`}
      return {code: 'tls.docker-ca-location', severity: 'info', message: `docker says "x509: certificate signed by unknown authority" here; ${who} reads extra CAs from ${dir}/*.crt (not from the shell's trust store)`, fix: `Copy the CA to ${dir}/ca.crt (no restart needed); regprobe reads it from there too.`}
    },
  },
  {
    code: 'clock.token-rejected',
    story: 'unauthorized right after a token was issued: the token server\'s clock and the registry\'s disagree (failure-stories §11)',
    apply: (i) => {
      const clock = findFinding(i, (f) => CLOCK_FINDINGS.includes(f.code))
      return has(i, 'access.invalid-token') && clock
        ? {code: 'clock.token-rejected', severity: 'warn', message: `the registry's invalid_token is the clocks: ${clock.message}`, fix: clock.fix ?? 'Sync the clocks of the token server, the registry and this machine (NTP).'}
        : undefined
    },
  },
  {
    code: 'login.not-access',
    story: 'docker login succeeded, push still denied: a login proves nothing about a repository',
    apply: (i) =>
      i.username && (has(i, 'access.push.denied') || pushMissing(i)) && !has(i, 'token.credentials-rejected')
        ? {code: 'login.not-access', severity: 'info', message: `the credentials of "${i.username}" are valid (the token server accepted them) but do not carry push rights on ${i.repository}: a successful docker login proves nothing about a repository`, fix: 'Check the repository name (namespace, typos, case) and this account\'s role on it.'}
        : undefined,
  },
  {
    code: 'anonymous.private',
    story: 'pull access denied … may require docker login: anonymous client, private or missing repository',
    apply: (i) =>
      !i.username && (has(i, 'access.pull.anonymous-denied') || has(i, 'token.anonymous-denied') || (has(i, 'token.access.empty') && !has(i, 'access.pull')))
        ? {code: 'anonymous.private', severity: 'info', message: `no credentials were found for ${i.registry.name} (see the credentials step), so the request was anonymous; the registry does not say whether ${i.repository} is private or does not exist`, fix: `Log in (docker login ${i.registry.name === 'docker.io' ? '' : i.registry.name}) with an account that may read it, and check the repository name.`}
        : undefined,
  },
]

/** Token-step findings that put a token outside its validity window by some clock. */
const CLOCK_FINDINGS = ['clock.skew.issuer-registry', 'token.not-yet-valid-for-registry', 'token.expired-for-registry', 'token.not-yet-valid', 'token.expired-on-arrival']

function pushMissing(i: DiagnosisInput): boolean {
  const cmp = stepIn(i, 'token')?.facts.comparison
  return !!cmp?.some((c) => c.missing.includes('push'))
}


/** Runs every rule and returns the findings to add to a 'diagnosis' of the trace (kept in rule order). */
export function diagnose(input: DiagnosisInput): Finding[] {
  const out: Finding[] = []
  for (const r of RULES) {
    const f = r.apply(input)
    if (f) out.push({...f, evidence: f.evidence ?? `rule ${r.code}`})
  }
  return out
}

