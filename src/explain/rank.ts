/**
 * Orders a message's possible causes by what the rest of the log shows. Each rule looks at the failure and the log's
 * context and may put a cause first (with the line that shows it), or note a line against one. Rules run from the
 * weakest to the most decisive, so the most decisive evidence ends first. Pure: facts in, ordered causes out.
 */
import type {LogContext, Seen} from './context.js'
import type {Target} from './extract.js'
import {registryKind} from './registry-kind.js'
import {quoteLine} from './sanitize.js'
import type {Evidence, Operation, Tool} from './types.js'

export interface Failure {
  code: string
  line: number
  text: string
  operation?: Operation
  tool: Tool
  target: Target
  /** The line the image reference was read from (the failure line itself, or one before it). */
  targetLine?: {no: number; text: string}
}

export interface Ranked {
  causes: string[]
  for: Map<string, Evidence[]>
  against: Map<string, Evidence[]>
  decided: boolean
}

interface Adjustment {
  promote?: string
  evidence?: Evidence
  against?: {cause: string; evidence: Evidence}
  decisive?: boolean
}

type Rule = (f: Failure, ctx: LogContext, causes: readonly string[]) => Adjustment | undefined

const ev = (s: Seen, says: string): Evidence => ({line: s.line, text: quoteLine(s.text), says})
const before = <T extends Seen>(list: T[], line: number): T[] => list.filter((s) => s.line <= line)
const sameHost = (a: string | undefined, b: string | undefined) => !!a && !!b && norm(a) === norm(b)
const isVariable = (h: string | undefined) => !!h && h.startsWith('$')
const norm = (h: string) => (/^(?:docker\.io|index\.docker\.io|registry-1\.docker\.io|registry\.hub\.docker\.com)$/.test(h) ? 'docker.io' : h.toLowerCase())
const AUTHZ = new Set(['namespace-other', 'action-not-granted', 'namespace-missing', 'token-scope'])

const RULES: readonly Rule[] = [
  // The registry's own kind decides between the generic and the Docker Hub rate limit.
  (f, _c, causes) => (causes.includes('rate-limited') && registryKind(f.target.registry) !== 'hub' && f.target.registry ? {promote: 'rate-limited'} : undefined),
  // A kaniko build reads /kaniko/.docker/config.json, not the runner's docker login.
  (f, _c, causes) => (f.tool === 'kaniko' && causes.includes('credentials-not-read') ? {promote: 'credentials-not-read', evidence: {line: f.line, text: quoteLine(f.text), says: 'kaniko reads its own /kaniko/.docker/config.json'}} : undefined),
  // "Login Succeeded" before the failure: the password was right, so a refusal is about the name or the rights; unless
  // that login was to another registry (its command names another host, or a CI variable that may hold one).
  (f, ctx, causes) => {
    const ok = before(ctx.loginSucceeded, f.line).pop()
    if (!ok || !causes.includes('credentials-missing') || f.operation === 'login') return undefined
    const login = before(ctx.logins, ok.line).pop()
    if (login?.host && !sameHost(login.host, f.target.registry ?? login.host)) return undefined
    const authz = causes.find((c) => AUTHZ.has(c))
    return {promote: authz, against: {cause: 'credentials-missing', evidence: ev(ok, 'a login succeeded before the failure')}}
  },
  // Quay: a robot may push only to repositories that exist (or it may create them).
  (f, _c, causes) => (registryKind(f.target.registry) === 'quay' && f.operation === 'push' && causes.includes('credentials-missing') ? {promote: 'repository-missing', evidence: {line: f.line, text: quoteLine(f.text), says: 'Quay answers unauthorized for a push to a repository that does not exist yet'}} : undefined),
  (f, ctx, causes) => {
    const robot = before(ctx.robot, f.line).pop()
    return robot && causes.includes('action-not-granted') ? {promote: 'action-not-granted', evidence: ev(robot, 'a robot account: its rights are per project or repository')} : undefined
  },
  // Artifact Registry's "Unauthenticated request" after a gcloud configure-docker for another (regional) host.
  (f, ctx, causes) => {
    const login = before(ctx.logins, f.line).reverse().find((l) => l.host && !isVariable(l.host) && f.target.registry && !sameHost(l.host, f.target.registry))
    if (!login || !causes.includes('credentials-other-host') || before(ctx.logins, f.line).some((l) => sameHost(l.host, f.target.registry))) return undefined
    return {promote: 'credentials-other-host', evidence: ev(login, `logged in to ${login.host}, not to ${f.target.registry}`), decisive: true}
  },
  (f, ctx, causes) => {
    const interception = before(ctx.interception, f.line).pop() ?? (/verify candidate authority certificate "[^"]*(?:gateway|proxy|corp)/i.test(f.text) ? {line: f.line, text: f.text} : undefined)
    const cdn = /cloudfront\.net|cloudflare\.docker\.com|blob\.core\.windows\.net|storage\.googleapis\.com|s3[.-][\w.-]*amazonaws\.com/.test(f.text)
    if (!causes.includes('tls-interception') || (!interception && !cdn)) return undefined
    return {promote: 'tls-interception', evidence: interception ? ev(interception, 'the untrusted CA is a gateway or proxy') : {line: f.line, text: quoteLine(f.text), says: 'the failing host is the blob storage CDN, not the registry: typical of TLS inspection'}, decisive: !!interception}
  },
  (f, ctx, causes) => {
    const pr = before(ctx.pullRequest, f.line).pop()
    return pr && causes.includes('ghcr-workflow-permission') ? {promote: 'ghcr-workflow-permission', evidence: ev(pr, 'a pull request or Dependabot run: its GITHUB_TOKEN is read-only'), decisive: true} : undefined
  },
  // "latest" was assumed, not asked for: the most common missing tag.
  (f, ctx, causes) => {
    if (!causes.includes('tag-missing') || f.target.tag !== 'latest') return undefined
    // docker's message names ":latest" even when it was assumed; its "Using default tag" line says so.
    const said = before(ctx.defaultTag, f.line).pop()
    if (!said && f.target.explicitTag) return undefined
    return {promote: 'tag-missing', evidence: said ? ev(said, 'no tag was given; docker assumed latest') : {line: f.line, text: quoteLine(f.text), says: 'no tag was given; latest was assumed'}, decisive: !!said}
  },
  // An anonymous token refused: nothing was sent, whatever is stored.
  (f, _c, causes) => {
    if (!/anonymous token/i.test(f.text) || !causes.includes('credentials-missing')) return undefined
    const e = {line: f.line, text: quoteLine(f.text), says: 'the client asked for an anonymous token: it found no credentials, so none were wrong'}
    return {promote: 'credentials-missing', evidence: e, against: causes.includes('credentials-wrong') ? {cause: 'credentials-wrong', evidence: e} : undefined}
  },
  // Docker Hub wants the Docker ID, not the e-mail address (failure-stories.md §4).
  (f, ctx, causes) => {
    const email = before(ctx.emailUser, f.line).pop()
    return email && causes.includes('credentials-wrong') && registryKind(f.target.registry ?? 'docker.io') === 'hub' ? {promote: 'credentials-wrong', evidence: ev(email, 'the user name is an e-mail address: Docker Hub wants the Docker ID'), decisive: true} : undefined
  },
  officialImageRule,
  sudoRule,
]

/** docker.io/library/NAME: pushing there is never yours; pulling a missing official image means the name is wrong. */
function officialImageRule(f: Failure, _c: LogContext, causes: readonly string[]): Adjustment | undefined {
  const t = f.target
  if (registryKind(t.registry) !== 'hub' || !t.repository?.startsWith('library/')) return undefined
  const shown = f.targetLine ? {line: f.targetLine.no, text: f.targetLine.text} : {line: f.line, text: f.text}
  if (f.operation === 'push' && (causes.includes('namespace-missing') || causes.some((c) => c.startsWith('credentials-')))) {
    return {promote: 'namespace-missing', evidence: ev(shown, `the push goes to docker.io/${t.repository}: Docker's official images, where nobody else may push`), decisive: true}
  }
  if (f.operation !== 'push' && causes.includes('repository-missing')) {
    return {promote: 'repository-missing', evidence: ev(shown, `docker.io/${t.repository} is an official image name; official images are public, so a refusal means it does not exist`), decisive: true}
  }
  return undefined
}

/** A login as one user and the failing command as another (sudo): each reads its own config.json. */
function sudoRule(f: Failure, ctx: LogContext, causes: readonly string[]): Adjustment | undefined {
  if (!causes.includes('sudo-other-config') && !causes.some((c) => c.startsWith('credentials-') || AUTHZ.has(c))) return undefined
  const logins = before(ctx.logins, f.line)
  const sudoCmd = before(ctx.sudo, f.line).pop()
  const plainCmd = before(ctx.plain, f.line).pop()
  const plainLogin = logins.filter((l) => !l.sudo).pop()
  const sudoLogin = logins.filter((l) => l.sudo).pop()
  const pair = sudoCmd && plainLogin ? [sudoCmd, plainLogin] : plainCmd && sudoLogin && !sudoCmd ? [plainCmd, sudoLogin] : undefined
  if (!pair) return undefined
  return {promote: 'sudo-other-config', evidence: ev(pair[0]!, `${pair[0] === sudoCmd ? 'runs under sudo' : 'runs without sudo'}, while the login (line ${pair[1]!.line}) ${pair[1] === plainLogin ? 'did not' : 'did'}`), decisive: true}
}

export function rank(f: Failure, ctx: LogContext, base: readonly string[]): Ranked {
  const causes = [...base]
  const forMap = new Map<string, Evidence[]>()
  const againstMap = new Map<string, Evidence[]>()
  let decided = causes.length === 1
  for (const rule of RULES) {
    const a = rule(f, ctx, causes)
    if (!a) continue
    if (a.promote) {
      const i = causes.indexOf(a.promote)
      if (i > 0) causes.splice(i, 1)
      if (i !== 0) causes.unshift(a.promote)
      if (a.evidence) forMap.set(a.promote, [...(forMap.get(a.promote) ?? []), a.evidence])
    }
    if (a.against) againstMap.set(a.against.cause, [...(againstMap.get(a.against.cause) ?? []), a.against.evidence])
    if (a.decisive) decided = true
  }
  // A cause the log speaks against goes after the ones it does not.
  const against = causes.filter((c) => againstMap.has(c))
  const ordered = against.length === causes.length ? causes : [...causes.filter((c) => !against.includes(c)), ...against]
  return {causes: ordered, for: forMap, against: againstMap, decided}
}
