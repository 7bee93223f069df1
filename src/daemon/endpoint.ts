import {UsageError} from '../errors.js'

/**
 * Where the Docker daemon listens, in the forms DOCKER_HOST takes (docker/cli opts/hosts.go `ParseHost`).
 * Pure: the caller passes `--host` or `process.env.DOCKER_HOST`.
 */
export interface DaemonEndpoint {
  /** As given, e.g. `unix:///var/run/docker.sock` or `tcp://h:2375`. */
  host: string
  /** Set for unix sockets; requests then go over the socket and `baseUrl` only supplies a Host header. */
  socketPath?: string
  baseUrl: string
}

export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock'
/** docker's DefaultHTTPPort: a `tcp://` host without a port means the daemon's plain-HTTP port. */
const DEFAULT_TCP_PORT = '2375'
/** A unix socket's path must fit sockaddr_un.sun_path (108 bytes on Linux, with the NUL). */
const MAX_SOCKET_PATH_BYTES = 107

export function parseDockerHost(value: string | undefined): DaemonEndpoint {
  const given = (value ?? '').trim()
  if (given === '') return {host: DEFAULT_DOCKER_HOST, socketPath: '/var/run/docker.sock', baseUrl: 'http://localhost'}
  if (/\s/.test(given)) throw invalid(given, 'it contains white space')

  const sep = given.indexOf('://')
  // docker reads a bare `host:port` as tcp (parseDockerDaemonHost).
  const proto = sep === -1 ? 'tcp' : given.slice(0, sep).toLowerCase()
  const rest = sep === -1 ? given : given.slice(sep + 3)

  switch (proto) {
    case 'unix': {
      if (!rest.startsWith('/')) throw invalid(given, 'a unix socket needs an absolute path, e.g. unix:///var/run/docker.sock')
      if (Buffer.byteLength(rest) > MAX_SOCKET_PATH_BYTES) throw invalid(given, `the socket path is longer than ${MAX_SOCKET_PATH_BYTES} bytes`)
      return {host: given, socketPath: rest, baseUrl: 'http://localhost'}
    }
    case 'tcp':
    case 'http':
      return {host: given, baseUrl: tcpBaseUrl(given, rest)}
    case 'https':
    case 'ssh':
    case 'npipe':
    case 'fd':
      throw new UsageError(
        `DOCKER_HOST ${given}: ${proto}:// daemons are not supported by regprobe`,
        'daemon.host.unsupported',
        proto === 'ssh'
          ? 'forward the remote socket first: ssh -nNT -L /tmp/docker.sock:/var/run/docker.sock user@host, then --host unix:///tmp/docker.sock'
          : 'use a unix:// socket or a plain tcp:// address',
      )
    default:
      throw invalid(given, `unknown scheme "${proto}://" (expected unix:// or tcp://)`)
  }
}

function tcpBaseUrl(given: string, rest: string): string {
  const slash = rest.indexOf('/')
  const authority = slash === -1 ? rest : rest.slice(0, slash)
  const path = slash === -1 ? '' : rest.slice(slash).replace(/\/+$/, '')
  if (authority.includes('@')) throw invalid(given, 'user information is not allowed in a daemon address')
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]*)(?::(\d{1,5}))?$/.exec(authority)
  if (!m) throw invalid(given, 'expected tcp://HOST:PORT')
  // `tcp://:2375` means localhost, as docker's DefaultHTTPHost.
  const host = m[1] || '127.0.0.1'
  const port = m[2] ?? DEFAULT_TCP_PORT
  if (Number(port) < 1 || Number(port) > 65535) throw invalid(given, `port ${port} is out of range`)
  let url: URL
  try {
    url = new URL(`http://${host}:${port}${path}`)
  } catch {
    throw invalid(given, 'expected tcp://HOST:PORT')
  }
  return url.toString().replace(/\/$/, '')
}

function invalid(given: string, why: string): UsageError {
  return new UsageError(`invalid Docker host "${given}": ${why}`, 'daemon.host.invalid', 'examples: unix:///var/run/docker.sock, tcp://127.0.0.1:2375')
}
