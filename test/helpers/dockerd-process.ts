import {spawn, spawnSync, type ChildProcess} from 'node:child_process'
import {existsSync, readFileSync} from 'node:fs'
import {request} from 'node:http'
import {join} from 'node:path'

/**
 * dockerd as a child process for test/helpers/dockerd.ts: its log (capped), waiting for /_ping, and a stop that
 * leaves nothing behind (the managed containerd, the data-root's mounts).
 */

/** dockerd answers /_ping in ~0.2–0.5 s here; a cold disk or a first-time containerd start can take seconds. */
const READY_TIMEOUT_MS = 30_000
/** Time for dockerd to stop containerd and unmount its data-root before SIGKILL. */
const STOP_GRACE_MS = 10_000
/** Enough to see why the daemon failed, without keeping a chatty daemon's whole log in memory. */
const MAX_LOG_CHARS = 1_000_000

const alive = new Set<ChildProcess>()
process.once('exit', () => {
  // A test that crashed before close() must not leave a root daemon behind.
  for (const p of alive) p.kill('SIGKILL')
})

export class DaemonProcess {
  private readonly proc: ChildProcess
  private readonly exitPromise: Promise<void>
  private log = ''
  private exited: {code: number | null; signal: NodeJS.Signals | null} | undefined
  private spawnError: Error | undefined

  /** Runs `command` (dockerd, or a wrapper that execs it in the end) with `env`. */
  constructor(command: string[], env: NodeJS.ProcessEnv) {
    const [cmd, ...args] = command
    this.proc = spawn(cmd!, args, {env, stdio: ['ignore', 'pipe', 'pipe']})
    alive.add(this.proc)
    this.proc.stdout!.on('data', (chunk: Buffer) => this.append(chunk))
    this.proc.stderr!.on('data', (chunk: Buffer) => this.append(chunk))
    this.exitPromise = new Promise<void>((resolve) => {
      this.proc.once('exit', (code, signal) => {
        this.exited = {code, signal}
        alive.delete(this.proc)
        resolve()
      })
    })
    this.proc.once('error', (e) => {
      this.spawnError = e
    })
  }

  logs(): string {
    return this.log
  }

  /** Until the daemon answers /_ping on `socketPath`; an error with its log's end when it fails or never answers. */
  async waitReady(socketPath: string, dockerd: string): Promise<void> {
    const started = Date.now()
    while (!(await ping(socketPath))) {
      if (this.spawnError) throw new Error(`cannot run ${dockerd}: ${this.spawnError.message}`)
      if (this.exited) throw new Error(`dockerd exited during start-up (${this.exited.code ?? this.exited.signal}); its log:\n${tail(this.log)}`)
      if (Date.now() - started > READY_TIMEOUT_MS) throw new Error(`dockerd did not answer /_ping within ${READY_TIMEOUT_MS} ms; its log:\n${tail(this.log)}`)
      await sleep(50)
    }
  }

  /** SIGTERM, then SIGKILL after a grace period; then what a killed daemon leaves under `dir`. */
  async stop(dir: string): Promise<void> {
    if (!this.exited && !this.spawnError) {
      this.proc.kill('SIGTERM')
      const timer = setTimeout(() => this.proc.kill('SIGKILL'), STOP_GRACE_MS)
      await this.exitPromise
      clearTimeout(timer)
    }
    killManagedContainerd(dir)
    unmountUnder(dir)
  }

  private append(chunk: Buffer): void {
    this.log += chunk.toString('utf8')
    if (this.log.length > MAX_LOG_CHARS) this.log = this.log.slice(-MAX_LOG_CHARS)
  }
}

function ping(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({socketPath, path: '/_ping', method: 'GET', timeout: 1000}, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode === 200))
    })
    req.on('timeout', () => req.destroy())
    req.on('error', () => resolve(false))
    req.end()
  })
}

/** dockerd stops its managed containerd on SIGTERM; after a SIGKILL the child is orphaned, so stop it by its pidfile. */
function killManagedContainerd(dir: string): void {
  const pidFile = join(dir, 'exec', 'containerd', 'containerd.pid')
  if (!existsSync(pidFile)) return
  const pid = Number(readFileSync(pidFile, 'utf8').trim())
  if (!Number.isInteger(pid) || pid <= 1) return
  try {
    // Only if that pid is still the containerd started for this directory, never another process that reused it.
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
    if (cmdline.includes(dir)) process.kill(pid, 'SIGKILL')
  } catch {}
}

/** dockerd bind-mounts its data-root onto itself; a daemon killed before unmounting leaves that mount behind. */
function unmountUnder(dir: string): void {
  let mounts: string[]
  try {
    mounts = readFileSync('/proc/self/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1] ?? '').filter((m) => m === dir || m.startsWith(`${dir}/`))
  } catch {
    return
  }
  for (const m of mounts.sort((a, b) => b.length - a.length)) spawnSync('umount', ['-l', m])
}

function tail(text: string, lines = 40): string {
  return text.split('\n').slice(-lines).join('\n')
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}
