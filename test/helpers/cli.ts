import {spawn} from 'node:child_process'
import {accessSync, constants, mkdtempSync, rmSync, symlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {delimiter, isAbsolute, join} from 'node:path'
import {fileURLToPath} from 'node:url'

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const BIN = fileURLToPath(new URL('../../../bin/run.js', import.meta.url))
/** A directory that does not exist: no daemon.json, no certs.d, no registries.conf. */
export const NO_ETC = fileURLToPath(new URL('../../../test/fixtures/no-etc-here', import.meta.url))

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
  ms: number
}

let toolDir: string | undefined
const linked = new Set<string>()

/** `name` as the machine's PATH finds it, or undefined. */
export function onMachinePath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter((d) => isAbsolute(d))) {
    try {
      accessSync(join(dir, name), constants.X_OK)
      return join(dir, name)
    } catch {}
  }
  return undefined
}

/**
 * A PATH that holds node and the named tools, nothing else. The directory of node itself will not do: on Debian it
 * is /usr/bin, which may hold docker-credential-secretservice and -pass (golang-docker-credential-helpers), and with
 * them on PATH and no credentials in config.json docker (and regprobe, which emulates it) picks a default
 * credentials store. The tests must not depend on whether the machine has that package.
 */
export function toolPath(tools: readonly string[] = []): string {
  if (!toolDir) {
    toolDir = mkdtempSync(join(tmpdir(), 'regprobe-tools-'))
    const dir = toolDir
    process.once('exit', () => rmSync(dir, {recursive: true, force: true}))
    symlinkSync(process.execPath, join(toolDir, 'node'))
    linked.add('node')
  }
  for (const tool of tools) {
    if (linked.has(tool)) continue
    const found = onMachinePath(tool)
    if (!found) throw new Error(`${tool} is not on PATH, and this test needs it`)
    symlinkSync(found, join(toolDir, tool))
    linked.add(tool)
  }
  return toolDir
}

/** Runs the real CLI in a child process, as a user would, with a clean environment unless told otherwise. */
/** `prefix`: a command that runs regprobe, e.g. nsenter into a test's network namespace (test/helpers/netns.ts). */
export function runCli(args: string[], opts: {stdin?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; prefix?: string[]} = {}): Promise<CliResult> {
  const start = performance.now()
  return new Promise((resolve, reject) => {
    // REGPROBE_ETC: the machine's /etc/docker and /etc/containers stay out of every test (a test passes its own).
    // PATH: node only (toolPath), so that no credential helper of this machine is found unless a test puts one there.
    const env: NodeJS.ProcessEnv = {PATH: toolPath(), HOME: process.env.HOME, NO_COLOR: '1', REGPROBE_ETC: NO_ETC, ...opts.env}
    const prefix = opts.prefix ? [absoluteCommand(opts.prefix[0]!), ...opts.prefix.slice(1)] : []
    const [cmd, ...cmdArgs] = [...prefix, process.execPath, BIN, ...args]
    const child = spawn(cmd!, cmdArgs, {env, stdio: ['pipe', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`regprobe ${args.join(' ')} did not finish within ${opts.timeoutMs ?? 30000} ms\nstdout: ${stdout}\nstderr: ${stderr}`))
    }, opts.timeoutMs ?? 30000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({code, stdout, stderr, ms: performance.now() - start})
    })
    child.stdin.end(opts.stdin ?? '')
  })
}

/** A prefix command (nsenter) is looked up on the machine's PATH: the child's PATH is too short to find it. */
function absoluteCommand(cmd: string): string {
  return isAbsolute(cmd) ? cmd : (onMachinePath(cmd) ?? cmd)
}

export function parseJsonOut(r: CliResult): any {
  try {
    return JSON.parse(r.stdout)
  } catch {
    throw new Error(`stdout is not one JSON document:\n${r.stdout}\nstderr: ${r.stderr}`)
  }
}
