/**
 * Runs `docker-credential-<suffix> <action>`: the only place in regprobe that starts a child process for
 * credentials. No shell (the suffix comes from a config file), a timeout, capped output.
 */
import {spawn} from 'node:child_process'
import {constants} from 'node:fs'
import {access, stat} from 'node:fs/promises'
import {delimiter, isAbsolute, join} from 'node:path'
import type {HelperRun} from './helper-protocol.js'

export const HELPER_PREFIX = 'docker-credential-'
/**
 * A working helper answers in well under a second; ones that call a cloud API (ecr-login, gcloud) take a few.
 * Past 5 s it is waiting on something that will not come (a keychain prompt nobody sees in CI, a dead socket),
 * and docker would hang with it.
 */
export const HELPER_TIMEOUT_MS = 5000
/** A credential JSON is a few KiB at most (ACR refresh tokens included); more is not a helper answer. */
export const MAX_HELPER_OUTPUT = 256 * 1024

export function helperProgram(suffix: string): string {
  return `${HELPER_PREFIX}${suffix}`
}

/** exec.LookPath without a shell: the first executable regular file named `program` in PATH. */
export async function findOnPath(program: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  // A suffix with a path separator would let a config file name any binary; docker's exec.Command would run it,
  // but a credential lookup has no business doing that, so it is "not on PATH".
  if (program.includes('/') || program.includes('\\')) return undefined
  const dirs = (env.PATH ?? env.Path ?? '').split(delimiter).filter((d) => d !== '' && isAbsolute(d))
  const exts = process.platform === 'win32' ? ['', ...(env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';')] : ['']
  for (const dir of dirs) {
    for (const ext of exts) {
      const candidate = join(dir, program + ext)
      try {
        const s = await stat(candidate)
        if (!s.isFile()) continue
        await access(candidate, constants.X_OK)
        return candidate
      } catch {}
    }
  }
  return undefined
}

export interface RunHelperOptions {
  env: NodeJS.ProcessEnv
  timeoutMs?: number
}

export async function runHelper(program: string, action: 'get' | 'store' | 'erase' | 'list', input: string, opts: RunHelperOptions): Promise<HelperRun> {
  const started = performance.now()
  const path = await findOnPath(program, opts.env)
  if (!path) return {program, onPath: false, stdout: '', stderr: '', timedOut: false, durationMs: 0}
  const timeoutMs = opts.timeoutMs ?? HELPER_TIMEOUT_MS
  return new Promise<HelperRun>((resolve) => {
    let stdout = ''
    let stderr = ''
    let truncated = false
    let timedOut = false
    let settled = false
    const child = spawn(path, [action], {env: opts.env, stdio: ['pipe', 'pipe', 'pipe'], shell: false, windowsHide: true})
    const finish = (r: Partial<HelperRun>) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve({program, path, onPath: true, stdout, stderr, timedOut, truncated: truncated || undefined, durationMs: Math.round(performance.now() - started), ...r})
    }
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
      // A grandchild may hold the pipes open after the kill; stop reading so 'close' cannot be waited on forever.
      child.stdout?.destroy()
      child.stderr?.destroy()
      finish({exitCode: null, signal: 'SIGKILL'})
    }, timeoutMs)
    const collect = (which: 'out' | 'err') => (chunk: Buffer) => {
      const cur = which === 'out' ? stdout : stderr
      if (cur.length >= MAX_HELPER_OUTPUT) {
        truncated = true
        return
      }
      const next = cur + chunk.toString('utf8')
      if (next.length > MAX_HELPER_OUTPUT) truncated = true
      if (which === 'out') stdout = next.slice(0, MAX_HELPER_OUTPUT)
      else stderr = next.slice(0, MAX_HELPER_OUTPUT)
    }
    child.stdout.on('data', collect('out'))
    child.stderr.on('data', collect('err'))
    child.on('error', (err: NodeJS.ErrnoException) => finish({spawnError: err.code ?? err.message, exitCode: null}))
    child.on('close', (code, signal) => finish({exitCode: code, signal}))
    // A helper that exits without reading stdin makes the write fail with EPIPE; its exit status tells the story.
    child.stdin.on('error', () => {})
    child.stdin.end(input)
  })
}
