import {spawn} from 'node:child_process'
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

/** Runs the real CLI in a child process, as a user would, with a clean environment unless told otherwise. */
/** `prefix`: a command that runs regprobe, e.g. nsenter into a test's network namespace (test/helpers/netns.ts). */
export function runCli(args: string[], opts: {stdin?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; prefix?: string[]} = {}): Promise<CliResult> {
  const start = performance.now()
  return new Promise((resolve, reject) => {
    // REGPROBE_ETC: the machine's /etc/docker and /etc/containers stay out of every test (a test passes its own).
    const env: NodeJS.ProcessEnv = {PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', REGPROBE_ETC: NO_ETC, ...opts.env}
    const [cmd, ...cmdArgs] = [...(opts.prefix ?? []), process.execPath, BIN, ...args]
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

export function parseJsonOut(r: CliResult): any {
  try {
    return JSON.parse(r.stdout)
  } catch {
    throw new Error(`stdout is not one JSON document:\n${r.stdout}\nstderr: ${r.stderr}`)
  }
}
