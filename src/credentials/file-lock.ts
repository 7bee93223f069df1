/**
 * One writer at a time for a credential file: read, change and rename happen under `<file>.lock` (created with
 * O_EXCL, holding the writer's pid). Without it two `login --save` runs each read the file, add their entry and
 * rename: the second rename drops the first entry although both said "saved". The wait is bounded; a lock whose
 * process is gone is taken over.
 */
import {mkdir, open, readFile, stat, unlink} from 'node:fs/promises'
import {dirname} from 'node:path'
import {errnoReason, RegprobeError} from '../errors.js'
import {isEnvironmentError} from '../cli/environment-error.js'
import {ExitCode} from '../trace/types.js'
import {CREDENTIAL_DIR_MODE} from './atomic-write.js'

export const LOCK_WAIT_MS = 15_000
const RETRY_MS = 15


export async function withFileLock<T>(target: string, fn: () => Promise<T>, waitMs = LOCK_WAIT_MS): Promise<T> {
  const lock = `${target}.lock`
  try {
    await acquire(lock, target, waitMs)
  } catch (err) {
    throw asEnvironmentError(err, lock)
  }
  try {
    return await fn()
  } catch (err) {
    throw asEnvironmentError(err, target)
  } finally {
    await unlink(lock).catch(() => {})
  }
}

function asEnvironmentError(err: unknown, path: string): unknown {
  // The user's environment, not a bug (the one list, cli/environment-error.ts): exit 2 with the path and the reason.
  if (!isEnvironmentError(err) || err instanceof RegprobeError) return err
  return new RegprobeError(`cannot write ${path}: ${errnoReason(err)}`, {exitCode: ExitCode.USAGE, code: 'credentials.save.unwritable', hint: 'Check the folder\'s owner and mode and the free space, or point --docker-config / --authfile elsewhere.', cause: err})
}

async function acquire(lock: string, target: string, waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs
  for (;;) {
    if (await tryCreate(lock)) return
    const holder = await lockHolder(lock)
    if (holder.vanished) continue
    if (holder.gone) {
      await breakIfUnchanged(lock, holder)
      continue
    }
    if (Date.now() >= deadline) {
      throw new RegprobeError(`another process is writing ${target}: ${lock} is held${holder.pid ? ` by pid ${holder.pid}` : ''} and was not released within ${Math.round(waitMs / 1000)} s`, {
        exitCode: ExitCode.USAGE,
        code: 'credentials.save.locked',
        hint: `Try again; if no regprobe login or logout is running, remove ${lock}.`,
      })
    }
    await new Promise((r) => setTimeout(r, RETRY_MS + Math.random() * RETRY_MS))
  }
}

async function tryCreate(lock: string): Promise<boolean> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const h = await open(lock, 'wx', 0o600)
      await h.writeFile(String(process.pid))
      await h.close()
      return true
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'EEXIST') return false
      // A first save: the folder (~/.docker) does not exist yet; docker creates it 0700.
      if (code !== 'ENOENT' || attempt > 0) throw err
      await mkdir(dirname(lock), {recursive: true, mode: CREDENTIAL_DIR_MODE})
    }
  }
  return false
}

interface Holder {
  pid?: number
  /** The process that holds it no longer runs (or an unwritten lock is old): it may be broken. */
  gone: boolean
  /** Released meanwhile. */
  vanished?: boolean
  /** What was read: the lock file's identity and text, so that only this very lock is broken. */
  seen?: {ino: number; text: string}
}

export async function lockHolder(lock: string): Promise<Holder> {
  const seen = await readLock(lock)
  if (!seen) return {gone: false, vanished: true}
  const pid = Number(seen.text.trim())
  if (!Number.isInteger(pid) || pid <= 0) {
    // Created but not written yet, or written by something else: only an old one is abandoned.
    const age = await stat(lock).then((s) => Date.now() - s.mtimeMs).catch(() => 0)
    return {gone: age > 60_000, seen}
  }
  try {
    process.kill(pid, 0)
    return {pid, gone: false, seen}
  } catch (err) {
    return {pid, gone: (err as NodeJS.ErrnoException).code === 'ESRCH', seen}
  }
}

async function readLock(lock: string): Promise<{ino: number; text: string} | undefined> {
  try {
    const [st, text] = await Promise.all([stat(lock), readFile(lock, 'utf8')])
    return {ino: st.ino, text}
  } catch {
    return undefined
  }
}

/**
 * Breaks an abandoned lock, but only the one that was judged: a holder that released its lock and exited between
 * our read and our check looks "gone", and by then another writer may hold a new lock at the same path. Deleting
 * that one let two writers in at once (one of 20 parallel saves was lost). The file must still be the same (inode
 * and text, since a freed inode can be reused) right before it is removed.
 */
export async function breakIfUnchanged(lock: string, holder: Holder): Promise<void> {
  const now = await readLock(lock)
  if (!now || !holder.seen || now.ino !== holder.seen.ino || now.text !== holder.seen.text) return
  await unlink(lock).catch(() => {})
}
