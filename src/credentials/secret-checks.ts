/**
 * Shapes of a found secret that explain a rejection: a trailing newline, spaces, an e-mail as Docker Hub user name,
 * and which kind of token goes where. Pure; findings never quote the secret.
 */
import {secretKind, type SecretVendor} from '../auth/jwt.js'
import {isGhcr, isGitlab} from '../diagnosis/rules.js'
import type {Finding} from '../trace/types.js'
import type {Credential, RegistryKeyInfo} from './types.js'

export function secretShapeFindings(c: Credential, registry: RegistryKeyInfo, place: string): Finding[] {
  const secret = c.kind === 'basic' ? c.password : c.token
  const what = c.kind === 'basic' ? 'password' : c.kind === 'identity-token' ? 'identity token' : 'registry token'
  const found = [
    whitespaceFinding(secret, what, place),
    emailUsernameFinding(c, registry, place),
    tokenKindFinding(secret, what, place, registry),
    credentialKindFinding(c, place),
  ]
  return found.filter((f): f is Finding => f !== undefined)
}

/** A line break or white space at either end: registries compare secrets byte for byte. */
function whitespaceFinding(secret: string, what: string, place: string): Finding | undefined {
  if (/[\r\n]$/.test(secret)) {
    return {
      code: 'credentials.secret.trailing-newline',
      severity: 'warn',
      message: `the ${what} from ${place} ends with a line break (${secret.length} characters including it): registries compare secrets byte for byte, so it is probably rejected`,
      fix: "Strip it where the secret is produced, e.g. printf '%s' \"$TOKEN\" | regprobe … --password-stdin, or tr -d '\\r\\n'.",
    }
  }
  if (/^\s|\s$/.test(secret)) {
    return {
      code: 'credentials.secret.whitespace',
      severity: 'warn',
      message: `the ${what} from ${place} starts or ends with white space: a pasted secret often picks some up`,
      fix: 'Check the stored secret; remove the white space if it is not part of it.',
    }
  }
  return undefined
}

function emailUsernameFinding(c: Credential, registry: RegistryKeyInfo, place: string): Finding | undefined {
  const username = c.kind === 'registry-token' ? undefined : c.username
  if (!registry.isDockerHub || !username?.includes('@')) return undefined
  return {
    code: 'credentials.hub.email-username',
    severity: 'warn',
    message: `the Docker Hub user name from ${place} is an e-mail address: docker login wants the Docker ID, and Hub answers "incorrect username or password" otherwise`,
    fix: 'Use your Docker ID (shown at hub.docker.com) as the user name, and a personal access token as the password.',
  }
}

/** Which kind of token the secret is (by its prefix or shape), and whether this registry takes it. */
function tokenKindFinding(secret: string, what: string, place: string, registry: RegistryKeyInfo): Finding | undefined {
  const kind = secretKind(secret.trim())
  if (!kind) return undefined
  const vendor = registryVendor(registry)
  if (vendor && kind.vendor !== vendor) {
    return {
      code: 'credentials.secret.other-service',
      severity: 'warn',
      message: `the ${what} from ${place} is a ${kind.kind}: ${VENDOR_NAMES[vendor]} does not accept ${VENDOR_NAMES[kind.vendor]}'s tokens`,
      fix: `Use a ${VENDOR_NAMES[vendor]} credential for ${registry.name}; check which secret the pipeline passes here.`,
    }
  }
  if (kind.prefix === 'github_pat_' && vendor === 'github') {
    // GitHub's documentation for the Container registry: it authenticates with a personal access token (classic).
    return {
      code: 'credentials.ghcr.fine-grained-pat',
      severity: 'warn',
      message: `the ${what} from ${place} is a GitHub fine-grained personal access token (github_pat_…): GitHub Packages, ghcr.io included, accepts only classic tokens`,
      fix: 'Create a classic personal access token (ghp_…) with read:packages (and write:packages to push), or use GITHUB_TOKEN with `permissions: packages: write` in Actions.',
    }
  }
  return {code: 'credentials.secret.kind', severity: 'info', message: `the ${what} from ${place} is a ${kind.kind}`}
}

/** An identity token or a registry token is used differently from a password: say how. */
function credentialKindFinding(c: Credential, place: string): Finding | undefined {
  if (c.kind === 'identity-token') {
    return {
      code: 'credentials.identity-token',
      severity: 'info',
      message: `${place} holds an identity (refresh) token, not a password: the token server gets an OAuth2 POST with grant_type=refresh_token, as docker does`,
    }
  }
  if (c.kind === 'registry-token') {
    return {
      code: 'credentials.registry-token',
      severity: 'info',
      message: `${place} holds a registry token: it goes to the registry as a Bearer token as is, with no token exchange, so it must already carry the scopes needed`,
    }
  }
  return undefined
}

const VENDOR_NAMES: Record<SecretVendor, string> = {github: 'GitHub', docker: 'Docker Hub', gitlab: 'GitLab'}

/** Whose tokens this registry takes, where the host says so. */
function registryVendor(registry: RegistryKeyInfo): SecretVendor | undefined {
  const host = registry.host.toLowerCase()
  if (registry.isDockerHub) return 'docker'
  if (isGhcr(host) || host === 'docker.pkg.github.com') return 'github'
  if (isGitlab(host)) return 'gitlab'
  return undefined
}
