import {RegprobeError} from '../errors.js'
import {ExitCode} from '../trace/types.js'
import type {DaemonEndpoint} from './endpoint.js'

/**
 * "No daemon to ask" as a typed error with a fix, classified by the system error code (never by message text):
 * ENOENT is a missing socket, EACCES a socket this user may not open, anything else an unreachable daemon.
 * Pure, so every branch is testable without producing the condition (root is never denied a socket).
 */
export function daemonConnectError(err: unknown, ep: DaemonEndpoint, ctx: {timedOut: boolean; timeoutMs: number}): RegprobeError {
  const where = ep.socketPath ?? ep.baseUrl
  if (ctx.timedOut) {
    return new RegprobeError(`the Docker daemon at ${ep.host} did not answer within ${ctx.timeoutMs} ms`, {
      exitCode: ExitCode.UNREACHABLE,
      code: 'daemon.unreachable',
      hint: 'the daemon may be hung or starting; check `systemctl status docker` or its log, or raise --timeout',
      cause: err,
    })
  }
  const codes = errorCodes(err)
  const has = (c: string) => codes.includes(c)

  if (ep.socketPath && (has('ENOENT') || has('ENOTDIR'))) {
    return new RegprobeError(`no Docker daemon socket at ${ep.socketPath}: the daemon is not running, or listens elsewhere`, {
      exitCode: ExitCode.UNREACHABLE,
      code: 'daemon.socket-missing',
      hint: 'start it (sudo systemctl start docker, or dockerd), or point --host / DOCKER_HOST at its socket '
        + '(rootless Docker: unix://$XDG_RUNTIME_DIR/docker.sock; Docker Desktop: unix://$HOME/.docker/run/docker.sock)',
      cause: err,
    })
  }
  if (has('EACCES') || has('EPERM')) {
    return new RegprobeError(`permission denied on the Docker daemon socket ${where}: this user may not talk to the daemon`, {
      exitCode: ExitCode.UNREACHABLE,
      code: 'daemon.permission-denied',
      hint: 'add the user to the docker group (sudo usermod -aG docker "$USER", then log in again) or run with sudo',
      cause: err,
    })
  }
  if (ep.socketPath && has('ECONNREFUSED')) {
    return new RegprobeError(`nothing listens on ${ep.socketPath}: the socket file is left over from a daemon that is no longer running`, {
      exitCode: ExitCode.UNREACHABLE,
      code: 'daemon.unreachable',
      hint: 'start the daemon again (sudo systemctl start docker, or dockerd)',
      cause: err,
    })
  }
  if (has('ECONNREFUSED')) {
    return new RegprobeError(`nothing listens at ${ep.host}: no Docker daemon on that address and port`, {
      exitCode: ExitCode.UNREACHABLE,
      code: 'daemon.unreachable',
      hint: 'check the address, and that dockerd was started with -H tcp://… for it',
      cause: err,
    })
  }
  if (has('ENOTFOUND') || has('EAI_AGAIN')) {
    return new RegprobeError(`cannot resolve the Docker host in ${ep.host}`, {exitCode: ExitCode.UNREACHABLE, code: 'daemon.unreachable', cause: err})
  }
  const code = codes[codes.length - 1]
  return new RegprobeError(`cannot reach the Docker daemon at ${ep.host}${code ? ` (${code})` : ''}`, {
    exitCode: ExitCode.UNREACHABLE,
    code: 'daemon.unreachable',
    cause: err,
  })
}

/** The `code`s along the cause chain: fetch wraps the socket error as `TypeError('fetch failed', {cause})`. */
function errorCodes(err: unknown): string[] {
  const out: string[] = []
  let cur: unknown = err
  for (let i = 0; i < 6 && cur && typeof cur === 'object'; i++) {
    const e = cur as {code?: unknown; cause?: unknown; errors?: unknown}
    if (typeof e.code === 'string') out.push(e.code)
    cur = e.cause ?? (Array.isArray(e.errors) ? e.errors[0] : undefined)
  }
  return out
}
