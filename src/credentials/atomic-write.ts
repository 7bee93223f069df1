/**
 * Writes a credential file the way docker's ConfigFile.Save does (docker/cli cli/config/configfile/file.go):
 * temp file in the target's folder, the current file's owner and mode copied onto it (copyFilePermissions,
 * file_unix.go), then rename over the target. A symlinked config.json is written through to where it points; a
 * dangling one gets its target created (Save takes the missing path from EvalSymlinks' error), so the link stays.
 */
import {randomBytes} from 'node:crypto'
import {chmod, chown, lstat, mkdir, readlink, realpath, rename, stat, unlink, writeFile} from 'node:fs/promises'
import {basename, dirname, join, resolve} from 'node:path'

/** Owner only: the file holds passwords (docker and containers/image both write 0600, folders 0700). */
export const CREDENTIAL_FILE_MODE = 0o600
export const CREDENTIAL_DIR_MODE = 0o700

/** Linux's own limit on links followed in one path (MAXSYMLINKS). */
const MAX_LINKS = 40

/** The file a write to `path` lands in: the end of its symlink chain, existing or not. */
export async function writeTarget(path: string): Promise<string> {
  let current = resolve(path)
  for (let i = 0; i < MAX_LINKS; i++) {
    let info
    try {
      info = await lstat(current)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      // Not there (or under a file): the write itself says what is wrong with the path.
      if (code === 'ENOENT' || code === 'ENOTDIR') return current
      throw err
    }
    if (!info.isSymbolicLink()) return realpath(current)
    current = resolve(dirname(current), await readlink(current))
  }
  return current
}

/**
 * docker's copyFilePermissions: the mode of a regular file (else 0600) and its owner when uid and gid are both
 * non-zero; errors are ignored, as there (a non-root user cannot give a file away, and need not).
 */
async function copyFilePermissions(src: string, dst: string): Promise<void> {
  let info
  try {
    info = await stat(src)
  } catch {
    return
  }
  const mode = info.isFile() ? info.mode & 0o7777 : CREDENTIAL_FILE_MODE
  try {
    await chmod(dst, mode)
  } catch {
    return
  }
  if (info.uid > 0 && info.gid > 0) await chown(dst, info.uid, info.gid).catch(() => {})
}

/** Returns the path written (the symlink's target when `path` is one). */
export async function writeFileAtomic(path: string, data: string): Promise<string> {
  const target = await writeTarget(path)
  const dir = dirname(target)
  await mkdir(dir, {recursive: true, mode: CREDENTIAL_DIR_MODE})
  const temp = join(dir, `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`)
  try {
    await writeFile(temp, data, {mode: CREDENTIAL_FILE_MODE, flag: 'wx'})
    // The umask cannot widen 0600, but an odd umask could narrow it to unreadable; set it exactly.
    await chmod(temp, CREDENTIAL_FILE_MODE)
    await copyFilePermissions(target, temp)
    await rename(temp, target)
  } catch (err) {
    await unlink(temp).catch(() => {})
    throw err
  }
  return target
}
