import {spawn, type ChildProcess} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

/**
 * Debian's `docker-registry` (distribution 2.8) with no auth, on loopback plain HTTP: the smallest real registry
 * for proving that the test daemon and the docker CLI can log in, push and pull.
 */
export interface OpenRegistry {
  /** '127.0.0.1:<port>' */
  host: string
  port: number
  logs(): string
  close(): Promise<void>
}

/** The registry binds in a few milliseconds; a slow CI box gets ample slack. */
const READY_TIMEOUT_MS = 15_000

export async function startOpenRegistry(): Promise<OpenRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'rp-openreg-'))
  const port = await freePort()
  const config = join(dir, 'config.yml')
  writeFileSync(config, [
    'version: 0.1',
    'log:',
    '  level: warn',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${JSON.stringify(join(dir, 'data'))}`,
    'http:',
    `  addr: "127.0.0.1:${port}"`,
    '',
  ].join('\n'))
  let proc: ChildProcess
  try {
    proc = spawn('docker-registry', ['serve', config], {stdio: ['ignore', 'pipe', 'pipe']})
  } catch (e) {
    rmSync(dir, {recursive: true, force: true})
    throw e
  }
  let log = ''
  proc.stdout!.on('data', (c: Buffer) => (log += c.toString('utf8')))
  proc.stderr!.on('data', (c: Buffer) => (log += c.toString('utf8')))
  let failed: string | undefined
  proc.once('error', (e) => (failed = `cannot run docker-registry (apt-get install -y docker-registry): ${e.message}`))
  proc.once('exit', (code) => (failed ??= `docker-registry exited (${code}): ${log}`))
  const exited = new Promise<void>((r) => proc.once('close', () => r()))

  const close = async () => {
    if (proc.exitCode === null && proc.signalCode === null && !failed) {
      proc.kill('SIGTERM')
      await exited
    }
    rmSync(dir, {recursive: true, force: true})
  }
  const started = Date.now()
  for (;;) {
    if (failed) {
      await close()
      throw new Error(failed)
    }
    try {
      const r = await fetch(`http://127.0.0.1:${port}/v2/`)
      if (r.status === 200) break
    } catch {}
    if (Date.now() - started > READY_TIMEOUT_MS) {
      await close()
      throw new Error(`docker-registry did not answer on 127.0.0.1:${port} within ${READY_TIMEOUT_MS} ms: ${log}`)
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  return {host: `127.0.0.1:${port}`, port, logs: () => log, close}
}

/** A port that was free a moment ago; the registry cannot be asked to report a port it chose itself. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const {port} = s.address() as {port: number}
      s.close(() => resolve(port))
    })
  })
}
