import {createHash} from 'node:crypto'
import {readFileSync} from 'node:fs'
import {homedir} from 'node:os'
import {join} from 'node:path'
import type {DaemonPlace} from './types.js'

/**
 * Where the host's client configuration lives. Every root can be moved for tests and unusual installs:
 * REGPROBE_ETC replaces /etc (docker/daemon.json, docker/certs.d, containers/…), REGPROBE_DOCKER_CERTS_D and
 * REGPROBE_DAEMON_JSON name docker's directory and file directly. Pure apart from reading the docker context's meta file.
 */
export function etcRoot(env: NodeJS.ProcessEnv): string {
  return env.REGPROBE_ETC || '/etc'
}

/** $XDG_CONFIG_HOME, else ~/.config (rootless docker and podman read their files there). */
export function userConfigRoot(env: NodeJS.ProcessEnv): string {
  return env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config')
}

export function dockerCertsRoot(env: NodeJS.ProcessEnv, rootless: boolean): string {
  if (env.REGPROBE_DOCKER_CERTS_D) return env.REGPROBE_DOCKER_CERTS_D
  return rootless ? join(userConfigRoot(env), 'docker', 'certs.d') : join(etcRoot(env), 'docker', 'certs.d')
}

export function daemonJsonPath(env: NodeJS.ProcessEnv, rootless: boolean): string {
  if (env.REGPROBE_DAEMON_JSON) return env.REGPROBE_DAEMON_JSON
  return rootless ? join(userConfigRoot(env), 'docker', 'daemon.json') : join(etcRoot(env), 'docker', 'daemon.json')
}

const DEFAULT_SOCKET = 'unix:///var/run/docker.sock'

/**
 * Which daemon `docker` talks to, as the CLI picks it: DOCKER_HOST, else DOCKER_CONTEXT or config.json's
 * currentContext (its endpoint from ~/.docker/contexts/meta/<sha256(name)>/meta.json), else the default socket.
 * Rootless: a unix socket in $XDG_RUNTIME_DIR or /run/user/UID (dockerd-rootless.sh puts it there).
 */
export function daemonPlace(env: NodeJS.ProcessEnv, dockerHostFlag?: string): DaemonPlace {
  if (dockerHostFlag) return classify(dockerHostFlag, '--docker-host', env)
  if (env.DOCKER_HOST) return classify(env.DOCKER_HOST, 'DOCKER_HOST', env)
  const configDir = env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker')
  const context = env.DOCKER_CONTEXT || currentContext(configDir)
  if (context && context !== 'default') {
    const endpoint = contextEndpoint(configDir, context)
    if (!endpoint) return {kind: 'unknown', endpoint: `context ${context}`, from: `docker context "${context}"`}
    return classify(endpoint, `docker context "${context}"`, env)
  }
  return {kind: 'local', endpoint: DEFAULT_SOCKET, from: 'the default socket'}
}

function classify(endpoint: string, from: string, env: NodeJS.ProcessEnv): DaemonPlace {
  const m = /^([a-z]+):\/\/(.*)$/i.exec(endpoint.trim())
  const proto = m ? m[1]!.toLowerCase() : 'tcp'
  const rest = m ? m[2]! : endpoint
  if (proto === 'unix') {
    const runtime = env.XDG_RUNTIME_DIR
    if ((runtime && rest === join(runtime, 'docker.sock')) || /^\/run\/user\/\d+\/docker\.sock$/.test(rest)) return {kind: 'rootless', endpoint, from}
    // Docker Desktop's CLI socket: the daemon runs in its VM, with the VM's files.
    if (/\/\.docker\/(desktop|run)\/docker(-cli)?\.sock$/.test(rest)) return {kind: 'desktop', endpoint, from}
    return {kind: 'local', endpoint, from}
  }
  if (proto === 'tcp' || proto === 'http' || proto === 'https') {
    const host = /^(\[[^\]]*\]|[^:/]*)/.exec(rest)?.[1] ?? ''
    const loopback = host === '' || host === 'localhost' || /^127\./.test(host) || host === '[::1]'
    return {kind: loopback ? 'local' : 'remote', endpoint, from}
  }
  return {kind: 'remote', endpoint, from}
}

function currentContext(configDir: string): string | undefined {
  try {
    const c = JSON.parse(readFileSync(join(configDir, 'config.json'), 'utf8')) as {currentContext?: unknown}
    return typeof c.currentContext === 'string' ? c.currentContext : undefined
  } catch {
    return undefined
  }
}

function contextEndpoint(configDir: string, name: string): string | undefined {
  const id = createHash('sha256').update(name).digest('hex')
  try {
    const meta = JSON.parse(readFileSync(join(configDir, 'contexts', 'meta', id, 'meta.json'), 'utf8')) as {Endpoints?: {docker?: {Host?: unknown}}}
    const host = meta.Endpoints?.docker?.Host
    return typeof host === 'string' ? host : undefined
  } catch {
    return undefined
  }
}
