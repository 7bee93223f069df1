import {Flags} from './define.js'

/** Accepts "10", "10s", "1500ms", "2m": people type all of these. */
export function parseDuration(input: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/i.exec(input)
  if (!m) throw new Error(`invalid duration "${input}": use seconds (10), or 10s, 1500ms, 2m`)
  const n = Number(m[1])
  const unit = (m[2] ?? 's').toLowerCase()
  const ms = unit === 'ms' ? n : unit === 'm' ? n * 60_000 : n * 1000
  if (ms <= 0 || ms > 600_000) throw new Error(`duration "${input}" must be between 1 ms and 10 minutes`)
  return Math.round(ms)
}

export const outputFlags = {
  json: Flags.boolean({description: 'Print the trace as one JSON document (schema regprobe/trace@1) on stdout.', helpGroup: 'OUTPUT'}),
  verbose: Flags.boolean({char: 'v', description: 'Show every header and body, and every finding.', helpGroup: 'OUTPUT'}),
  har: Flags.string({description: 'Also write the exchanges as HAR 1.2 (redacted) to FILE.', helpValue: 'FILE', helpGroup: 'OUTPUT'}),
  'ci-annotations': Flags.boolean({description: 'Under GitHub Actions, group stages and annotate the verdict (--no-ci-annotations turns it off).', default: true, allowNo: true, helpGroup: 'OUTPUT'}),
  'show-secrets': Flags.boolean({description: 'Do not redact passwords and tokens (says so on stderr). Never use in CI logs.', helpGroup: 'OUTPUT'}),
}

export const transportFlags = {
  timeout: Flags.string({description: 'Per-request timeout: 10, 10s, 1500ms.', default: '10s', helpGroup: 'CONNECTION'}),
  'ca-cert': Flags.string({description: 'Trust this PEM CA bundle for the registry and token server, instead of the CA files docker reads from /etc/docker/certs.d/<host>/ (read by default).', helpValue: 'FILE', helpGroup: 'CONNECTION'}),
  insecure: Flags.boolean({description: 'Do not verify TLS certificates (for a test registry only).', helpGroup: 'CONNECTION'}),
  'plain-http': Flags.boolean({description: 'Speak plain HTTP to the registry, and allow credentials over it.', helpGroup: 'CONNECTION'}),
  'follow-redirects': Flags.boolean({description: 'Follow a /v2/ or token redirect to another host, as docker does (by default it is reported, not followed).', helpGroup: 'CONNECTION'}),
  as: Flags.string({description: 'Judge as this client: its CA files and insecure list (docker: certs.d and daemon.json; podman, skopeo, buildah: containers certs.d and registries.conf).', options: ['docker', 'podman', 'skopeo', 'buildah'], default: 'docker', helpValue: 'CLIENT', helpGroup: 'CONNECTION'}),
}

export const credentialFlags = {
  username: Flags.string({char: 'u', description: 'User name (with --password-stdin).', helpGroup: 'CREDENTIALS'}),
  'password-stdin': Flags.boolean({description: 'Read the password (or access token) from stdin.', helpGroup: 'CREDENTIALS'}),
  password: Flags.string({char: 'p', description: 'Password on the command line (insecure: it lands in shell history; prefer --password-stdin).', helpGroup: 'CREDENTIALS'}),
  'identity-token-stdin': Flags.boolean({description: 'Read an identity (refresh) token from stdin; it is exchanged with an OAuth2 POST.', helpGroup: 'CREDENTIALS'}),
  'docker-config': Flags.string({description: 'Docker config folder (default $DOCKER_CONFIG or ~/.docker).', helpValue: 'DIR', helpGroup: 'CREDENTIALS'}),
  authfile: Flags.string({description: 'podman/skopeo auth.json to read (then only that file is used, as podman does).', helpValue: 'FILE', helpGroup: 'CREDENTIALS'}),
}

export const actionsFlag = {
  actions: Flags.string({description: 'Actions to check, comma-separated: pull, push.', default: 'pull', helpValue: 'pull,push'}),
}

/** = MAX_LIST_PAGES in src/stages/catalog.ts (the flow clamps to it too); literal so that loading the command stays light. */
const MAX_LIST_PAGES = 100

/** catalog and tags: paging. */
export const listFlags = {
  oauth: Flags.boolean({description: 'Use the OAuth2 POST (grant_type=password) even with a password.'}),
  'page-size': Flags.integer({description: 'Entries per page (the n parameter); the registry\'s default when absent (distribution: 100, at most 1000).', min: 1, helpValue: 'N'}),
  all: Flags.boolean({description: `Follow the Link header to the last page (at most ${MAX_LIST_PAGES} pages).`, exclusive: ['max-pages']}),
  'max-pages': Flags.integer({description: 'Read at most N pages (default 1).', min: 1, max: MAX_LIST_PAGES, helpValue: 'N', exclusive: ['all']}),
}
