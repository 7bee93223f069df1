/** Writes a credential file the way docker's ConfigFile.Save does: temp file in the same folder, then rename. */
import {randomBytes} from 'node:crypto'
import {chmod, mkdir, realpath, rename, unlink, writeFile} from 'node:fs/promises'
import {basename, dirname, join} from 'node:path'

/** Owner only: the file holds passwords (docker and containers/image both write 0600, folders 0700). */
export const CREDENTIAL_FILE_MODE = 0o600
export const CREDENTIAL_DIR_MODE = 0o700

export async function writeFileAtomic(path: string, data: string): Promise<string> {
  // A symlinked config.json (dotfiles repos) is updated where it points, as docker does with EvalSymlinks.
  let target = path
  try {
    target = await realpath(path)
  } catch {}
  const dir = dirname(target)
  await mkdir(dir, {recursive: true, mode: CREDENTIAL_DIR_MODE})
  const temp = join(dir, `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`)
  try {
    await writeFile(temp, data, {mode: CREDENTIAL_FILE_MODE, flag: 'wx'})
    // The umask cannot widen 0600, but an odd umask could narrow it to unreadable; set it exactly.
    await chmod(temp, CREDENTIAL_FILE_MODE)
    await rename(temp, target)
  } catch (err) {
    await unlink(temp).catch(() => {})
    throw err
  }
  return target
}
