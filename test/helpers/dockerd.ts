import {spawn, spawnSync} from 'node:child_process'
import {accessSync, constants, existsSync, mkdirSync, mkdtempSync, rmSync, rmdirSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {delimiter, dirname, join} from 'node:path'
import {DaemonProcess} from './dockerd-process.js'

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
/** docker pull/push of a one-file image on loopback takes well under a second. */
const CLI_TIMEOUT_MS = 60_000
const CERTS_DIR = '/etc/docker/certs.d'

export async function startDockerd(opts: StartDockerdOptions = {}): Promise<Dockerd> {
  const {dockerd, cliPath} = requireTools()
  const {dir, socketPath, configDir, cliBin} = prepareDirs(cliPath, opts)
  const daemon = new DaemonProcess([...(opts.wrap ?? []), dockerd, ...daemonArgs(dir, socketPath, opts)], {...process.env, ...opts.env})
  const caFiles = new CaFiles()
  let closed = false
  const close = async (): Promise<void> => {
    if (closed) return
    closed = true
    await daemon.stop(dir)
    caFiles.remove()
    rmSync(dir, {recursive: true, force: true, maxRetries: 3})
  }
  try {
    await daemon.waitReady(socketPath, dockerd)
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
    logs: () => daemon.logs(),
    close,
    addCa: async (registryHost, caPem) => caFiles.add(registryHost, caPem),
    dockerCli(cliArgs, o = {}) {
      const cliEnv = {...cleanEnv(), DOCKER_HOST: host, DOCKER_CONFIG: o.configDir ?? configDir, DOCKER_CLI_HINTS: 'false', PATH: cliBin, ...o.env}
      return runCli(cliPath, cliArgs, cliEnv, o.stdin, o.timeoutMs ?? CLI_TIMEOUT_MS)
    },
  }
}

/** dockerd, containerd, runc and a docker CLI, run as root: else an error that says what to install or do. */
function requireTools(): {dockerd: string; cliPath: string} {
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
  return {dockerd, cliPath}
}

/** The daemon's temporary directory: the socket, the CLI's config, a PATH holding the CLI alone, daemon.json. */
function prepareDirs(cliPath: string, opts: StartDockerdOptions): {dir: string; socketPath: string; configDir: string; cliBin: string} {
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
  return {dir, socketPath, configDir, cliBin}
}

function daemonArgs(dir: string, socketPath: string, opts: StartDockerdOptions): string[] {
  return [
    '--config-file', join(dir, 'daemon.json'),
    '--iptables=false', '--ip6tables=false', '--bridge=none',
    '--data-root', join(dir, 'data'),
    '--exec-root', join(dir, 'exec'),
    '--pidfile', join(dir, 'docker.pid'),
    '-H', `unix://${socketPath}`,
    ...(opts.insecureRegistries ?? []).flatMap((r) => ['--insecure-registry', r]),
  ]
}

/** CA files written into the daemon's certs.d, and the directories made for them: removed again on close. */
class CaFiles {
  private readonly files: string[] = []
  private readonly dirs: string[] = []

  add(registryHost: string, caPem: string): void {
    if (!/^[A-Za-z0-9.\-:[\]]+$/.test(registryHost)) throw new Error(`addCa: "${registryHost}" is not a host[:port]`)
    const hostDir = join(CERTS_DIR, registryHost)
    for (const d of [dirname(CERTS_DIR), CERTS_DIR, hostDir]) {
      if (!existsSync(d)) {
        mkdirSync(d)
        this.dirs.push(d)
      }
    }
    const file = join(hostDir, 'ca.crt')
    if (existsSync(file) && !this.files.includes(file)) throw new Error(`addCa: ${file} already exists and is not ours; refusing to overwrite it`)
    writeFileSync(file, caPem)
    if (!this.files.includes(file)) this.files.push(file)
  }

  remove(): void {
    for (const f of this.files.reverse()) rmSync(f, {force: true})
    for (const d of this.dirs.reverse()) {
      try {
        rmdirSync(d)
      } catch {
        // Not empty: something else put a file there; leave it.
      }
    }
  }
}

/** This process's environment without what would point the CLI at another daemon or another config. */
function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^DOCKER_(HOST|CONFIG|CONTEXT|TLS_VERIFY|CERT_PATH|TLS)$/.test(k)) env[k] = v
  }
  return env
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
