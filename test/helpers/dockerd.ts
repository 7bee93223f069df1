import {spawn, spawnSync, type ChildProcess} from 'node:child_process'
import {accessSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, rmdirSync, symlinkSync, writeFileSync} from 'node:fs'
import {request} from 'node:http'
import {tmpdir} from 'node:os'
import {delimiter, dirname, join} from 'node:path'

/**
 * A real Docker daemon (Debian's docker.io) on a private socket for one test file: its own data-root, exec-root,
 * pidfile and an empty daemon.json, so the machine's daemon and configuration are never touched, with two
 * exceptions the daemon imposes: CA files must live in /etc/docker/certs.d/<host:port>/ (the path is compiled in;
 * the rootless-mode override needs rootlesskit), and the daemon must run as root.
 * The docker CLI talks to it through DOCKER_HOST and a temporary DOCKER_CONFIG, never ~/.docker.
 */
export interface DockerCliResult {
  code: number
  stdout: string
  stderr: string
}

export interface Dockerd {
  /** 'unix:///tmp/…/docker.sock' */
  host: string
  socketPath: string
  /** The docker CLI used by dockerCli(), and its version (the one from dockerd's own package when PATH has several). */
  cliPath: string
  dockerCli(args: string[], opts?: {stdin?: string; env?: Record<string, string>; configDir?: string; timeoutMs?: number}): Promise<DockerCliResult>
  /** The daemon's CA directory: fixed at /etc/docker/certs.d for a root daemon. */
  certsDir: string
  /** Writes certsDir/<host>/ca.crt (read by the daemon on every request: no restart); removed by close(). */
  addCa(host: string, caPem: string): Promise<void>
  /** The default DOCKER_CONFIG dockerCli() uses (a temp dir). */
  configDir: string
  logs(): string
  close(): Promise<void>
}

export interface StartDockerdOptions {
  insecureRegistries?: string[]
  /** Extra environment for dockerd itself (e.g. HTTPS_PROXY, which then shows in /info). */
  env?: Record<string, string>
  /** The content of the daemon's --config-file (default `{}`): insecure-registries, registry-mirrors… */
  daemonJson?: Record<string, unknown>
  /**
   * Runs dockerd through this command prefix, which must exec it in the end (e.g. nsenter into a network namespace,
   * then unshare -m to bind a temporary certs.d over /etc/docker: see test/helpers/netns.ts).
   */
  wrap?: string[]
}

const INSTALL_HINT = 'install it: apt-get install -y docker.io containerd runc (as root), or bash scripts/ci-install-docker.sh'
/** dockerd answers /_ping in ~0.2–0.5 s here; a cold disk or a first-time containerd start can take seconds. */
const READY_TIMEOUT_MS = 30_000
/** Time for dockerd to stop containerd and unmount its data-root before SIGKILL. */
const STOP_GRACE_MS = 10_000
/** docker pull/push of a one-file image on loopback takes well under a second. */
const CLI_TIMEOUT_MS = 60_000
/** Enough to see why the daemon failed, without keeping a chatty daemon's whole log in memory. */
const MAX_LOG_CHARS = 1_000_000
const CERTS_DIR = '/etc/docker/certs.d'

const alive = new Set<ChildProcess>()
process.once('exit', () => {
  // A test that crashed before close() must not leave a root daemon behind.
  for (const p of alive) p.kill('SIGKILL')
})

export async function startDockerd(opts: StartDockerdOptions = {}): Promise<Dockerd> {
  const dockerd = findExecutable('dockerd', ['/usr/sbin', '/sbin', '/usr/bin'])
  if (!dockerd) throw new Error(`dockerd is not installed (not in PATH, /usr/sbin or /sbin): ${INSTALL_HINT}`)
  for (const tool of ['containerd', 'runc']) {
    if (!findExecutable(tool, ['/usr/bin', '/usr/sbin', '/sbin'])) throw new Error(`${tool} is not installed, dockerd needs it: ${INSTALL_HINT}`)
  }
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error(`the test daemon must run as root (dockerd mounts its data-root); run the tests as root, as .ci/run does`)
  }
  const cliPath = pickDockerCli(dockerd)
  if (!cliPath) throw new Error(`the docker CLI is not installed: ${INSTALL_HINT}`)

  // Short base path: the socket path must fit in 107 bytes, containerd's socket under exec-root too.
  const dir = mkdtempSync(join(tmpdir(), 'rp-dockerd-'))
  const socketPath = join(dir, 'docker.sock')
  const configDir = join(dir, 'cli')
  mkdirSync(configDir)
  // The docker CLI's PATH holds the CLI alone. On Linux, with no credsStore in config.json, the CLI picks
  // docker-credential-pass or -secretservice as the default store when it finds one on PATH
  // (docker/cli cli/config/credentials/default_store_linux.go); Debian's golang-docker-credential-helpers puts
  // secretservice in /usr/bin, and without a D-Bus session `docker login` then fails with "Cannot autolaunch D-Bus
  // without X11 $DISPLAY". The tests want the plain config file, as on a machine without the helpers.
  const cliBin = join(dir, 'cli-bin')
  mkdirSync(cliBin)
  symlinkSync(cliPath, join(cliBin, 'docker'))
  // An explicit, empty daemon.json keeps the machine's /etc/docker/daemon.json out of the tests.
  writeFileSync(join(dir, 'daemon.json'), `${JSON.stringify(opts.daemonJson ?? {})}\n`)
  const args = [
    '--config-file', join(dir, 'daemon.json'),
    '--iptables=false', '--ip6tables=false', '--bridge=none',
    '--data-root', join(dir, 'data'),
    '--exec-root', join(dir, 'exec'),
    '--pidfile', join(dir, 'docker.pid'),
    '-H', `unix://${socketPath}`,
    ...(opts.insecureRegistries ?? []).flatMap((r) => ['--insecure-registry', r]),
  ]
  const env = {...process.env, ...opts.env}
  const [cmd, ...cmdArgs] = [...(opts.wrap ?? []), dockerd, ...args]
  const proc = spawn(cmd!, cmdArgs, {env, stdio: ['ignore', 'pipe', 'pipe']})
  alive.add(proc)
  let log = ''
  const append = (chunk: Buffer) => {
    log += chunk.toString('utf8')
    if (log.length > MAX_LOG_CHARS) log = log.slice(-MAX_LOG_CHARS)
  }
  proc.stdout!.on('data', append)
  proc.stderr!.on('data', append)
  let exited: {code: number | null; signal: NodeJS.Signals | null} | undefined
  const exitPromise = new Promise<void>((resolve) => {
    proc.once('exit', (code, signal) => {
      exited = {code, signal}
      alive.delete(proc)
      resolve()
    })
  })
  let spawnError: Error | undefined
  proc.once('error', (e) => {
    spawnError = e
  })

  const addedFiles: string[] = []
  const createdDirs: string[] = []
  let closed = false

  const close = async (): Promise<void> => {
    if (closed) return
    closed = true
    if (!exited && !spawnError) {
      proc.kill('SIGTERM')
      const timer = setTimeout(() => proc.kill('SIGKILL'), STOP_GRACE_MS)
      await exitPromise
      clearTimeout(timer)
    }
    killManagedContainerd(dir)
    unmountUnder(dir)
    for (const f of addedFiles.reverse()) rmSync(f, {force: true})
    for (const d of createdDirs.reverse()) {
      try {
        rmdirSync(d)
      } catch {
        // Not empty: something else put a file there; leave it.
      }
    }
    rmSync(dir, {recursive: true, force: true, maxRetries: 3})
  }

  const started = Date.now()
  try {
    while (!(await ping(socketPath))) {
      if (spawnError) throw new Error(`cannot run ${dockerd}: ${spawnError.message}`)
      if (exited) throw new Error(`dockerd exited during start-up (${exited.code ?? exited.signal}); its log:\n${tail(log)}`)
      if (Date.now() - started > READY_TIMEOUT_MS) throw new Error(`dockerd did not answer /_ping within ${READY_TIMEOUT_MS} ms; its log:\n${tail(log)}`)
      await sleep(50)
    }
  } catch (err) {
    await close()
    throw err
  }

  const host = `unix://${socketPath}`
  return {
    host,
    socketPath,
    cliPath,
    configDir,
    certsDir: CERTS_DIR,
    logs: () => log,
    close,
    async addCa(registryHost: string, caPem: string) {
      if (!/^[A-Za-z0-9.\-:[\]]+$/.test(registryHost)) throw new Error(`addCa: "${registryHost}" is not a host[:port]`)
      const hostDir = join(CERTS_DIR, registryHost)
      for (const d of [dirname(CERTS_DIR), CERTS_DIR, hostDir]) {
        if (!existsSync(d)) {
          mkdirSync(d)
          createdDirs.push(d)
        }
      }
      const file = join(hostDir, 'ca.crt')
      if (existsSync(file) && !addedFiles.includes(file)) throw new Error(`addCa: ${file} already exists and is not ours; refusing to overwrite it`)
      writeFileSync(file, caPem)
      if (!addedFiles.includes(file)) addedFiles.push(file)
    },
    dockerCli(cliArgs, o = {}) {
      const cliEnv: Record<string, string> = {}
      for (const [k, v] of Object.entries(process.env)) {
        // Any of these would point the CLI at another daemon or another config.
        if (v !== undefined && !/^DOCKER_(HOST|CONFIG|CONTEXT|TLS_VERIFY|CERT_PATH|TLS)$/.test(k)) cliEnv[k] = v
      }
      Object.assign(cliEnv, {DOCKER_HOST: host, DOCKER_CONFIG: o.configDir ?? configDir, DOCKER_CLI_HINTS: 'false', PATH: cliBin}, o.env)
      return runCli(cliPath, cliArgs, cliEnv, o.stdin, o.timeoutMs ?? CLI_TIMEOUT_MS)
    },
  }
}

function runCli(cli: string, args: string[], env: Record<string, string>, stdin: string | undefined, timeoutMs: number): Promise<DockerCliResult> {
  return new Promise((resolve) => {
    const child = spawn(cli, args, {env, stdio: ['pipe', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    let timedOut = false
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')))
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, timeoutMs)
    child.once('error', (e) => {
      clearTimeout(timer)
      resolve({code: 127, stdout, stderr: `${stderr}${e.message}`})
    })
    child.once('close', (code, signal) => {
      clearTimeout(timer)
      resolve({
        code: code ?? 128,
        stdout,
        stderr: timedOut ? `${stderr}\n[dockerCli: killed after ${timeoutMs} ms]` : signal ? `${stderr}\n[dockerCli: ${signal}]` : stderr,
      })
    })
    child.stdin.on('error', () => {})
    child.stdin.end(stdin ?? '')
  })
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

function findExecutable(name: string, extraDirs: string[]): string | undefined {
  for (const d of [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...extraDirs]) {
    const p = join(d, name)
    try {
      accessSync(p, constants.X_OK)
      return p
    } catch {}
  }
  return undefined
}

/**
 * Prefer the docker CLI of dockerd's own release (Debian's /usr/bin/docker beside /usr/sbin/dockerd) over another
 * one earlier in PATH, so that what the tests see is what the docker.io package prints; else the first in PATH.
 */
function pickDockerCli(dockerd: string): string | undefined {
  const version = (bin: string) => /version ([^,\s]+)/.exec(spawnSync(bin, ['--version'], {encoding: 'utf8'}).stdout ?? '')?.[1]
  const daemonVersion = version(dockerd)
  const candidates: string[] = []
  for (const d of [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/bin']) {
    const p = join(d, 'docker')
    try {
      accessSync(p, constants.X_OK)
      if (!candidates.includes(p)) candidates.push(p)
    } catch {}
  }
  return candidates.find((c) => daemonVersion !== undefined && version(c) === daemonVersion) ?? candidates[0]
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
