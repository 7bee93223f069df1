/**
 * Facts from the whole log that tell a message's causes apart: who logged in where (and as which user), whether a
 * command ran under sudo, whether the run is a pull request or Dependabot's, a robot account, a TLS-inspecting
 * proxy's CA, docker's "Using default tag: latest". Collected in one pass, each list capped.
 */
import type {Ci} from './types.js'

export interface Seen {
  line: number
  text: string
}

export interface LoginSeen extends Seen {
  /** The registry logged in to, when the line names it; `$VAR` when a CI variable names it. */
  host?: string
  sudo: boolean
}

export interface LogContext {
  logins: LoginSeen[]
  loginSucceeded: Seen[]
  /** Lines that run a container tool under sudo. */
  sudo: Seen[]
  /** Tool commands run without sudo (push, pull, build, run). */
  plain: Seen[]
  pullRequest: Seen[]
  robot: Seen[]
  /** Logins with an e-mail address as the user name (Docker Hub wants the Docker ID). */
  emailUser: Seen[]
  interception: Seen[]
  defaultTag: Seen[]
  ci?: Ci
}

/** Enough examples of each fact to quote; a log that repeats one more often says nothing new. */
const MAX_SEEN = 20

const TOOL = String.raw`(?:docker(?:-compose)?|podman|buildah|skopeo|nerdctl|helm|crane)`
const SUDO_TOOL = new RegExp(String.raw`\bsudo\s+(?:-\S+\s+)*${TOOL}\b`)
const PLAIN_TOOL = new RegExp(String.raw`(?:^|[$#>]\s*|run:\s*|&&\s*|;\s*)${TOOL}\s+(?:push|pull|build|run|buildx|tag|compose)\b`)
const LOGIN = new RegExp(String.raw`(?:^|[^\w-])(sudo\s+(?:-\S+\s+)*)?${TOOL}\s+(?:registry\s+)?login\b(.*)`)
const LOGIN_ACTION = /\bLogging into ([\w.-]+(?::\d+)?)/

export function emptyContext(): LogContext {
  return {logins: [], loginSucceeded: [], sudo: [], plain: [], pullRequest: [], robot: [], emailUser: [], interception: [], defaultTag: []}
}

function add<T>(list: T[], item: T): void {
  if (list.length < MAX_SEEN) list.push(item)
}

export function observe(ctx: LogContext, line: number, text: string, ci?: Ci): void {
  if (ci && !ctx.ci) ctx.ci = ci
  const login = LOGIN.exec(text)
  if (login && !/may require 'docker login'/.test(text)) add(ctx.logins, {line, text, sudo: !!login[1], host: loginHost(login[2]!)})
  else {
    const action = LOGIN_ACTION.exec(text)
    if (action) add(ctx.logins, {line, text, sudo: false, host: action[1]})
    else if (SUDO_TOOL.test(text)) add(ctx.sudo, {line, text})
    else if (PLAIN_TOOL.test(text)) add(ctx.plain, {line, text})
  }
  if (/\bLogin Succeeded\b/i.test(text)) add(ctx.loginSucceeded, {line, text})
  if (/\bpull_request(?:_target)?\b|\bdependabot\b|refs\/pull\/\d+/i.test(text)) add(ctx.pullRequest, {line, text})
  // Harbor robots are robot$NAME (robot_ before 2.2), Quay's are ORG+NAME.
  if (/\brobot\$|\+robot\b|\brobot_\w+|(?:-u|--username)[= ]["']?[\w.-]+\+[\w-]+/i.test(text)) add(ctx.robot, {line, text})
  if (/(?:-u|--username)[= ]["']?[^\s"'@]+@[\w-]+\.[\w.-]+/.test(text)) add(ctx.emailUser, {line, text})
  if (/Using default tag: latest/.test(text)) add(ctx.defaultTag, {line, text})
  const issuer = /candidate authority certificate "([^"]+)"|issuer[=:]\s*"?([^",]+)/i.exec(text)
  if (issuer && /gateway|proxy|zscaler|forti|palo ?alto|bluecoat|netskope|sophos|mcafee|websense|forcepoint|check ?point|umbrella|mitm|inspect|corp/i.test(issuer[1] ?? issuer[2]!)) add(ctx.interception, {line, text})
}

/** The registry a login line names: the first argument that is not a flag or a flag's value. */
function loginHost(rest: string): string | undefined {
  const words = rest.trim().split(/\s+/)
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!
    if (w.startsWith('-')) {
      if (!w.includes('=') && /^-(?:u|p)$|^--(?:username|password)$/.test(w)) i++
      continue
    }
    const host = w.replace(/^["']|["'`;]+$/g, '').replace(/^https?:\/\//, '').replace(/\/.*$/, '')
    return /^[\w.-]+(?::\d+)?$/.test(host) || /^\$\{?\w+\}?$/.test(host) ? host : undefined
  }
  // `docker login` with flags only logs in to Docker Hub.
  return 'docker.io'
}
