/** Reads a credential file and says what happened, without throwing: a missing file is a normal answer. */
import {readFile, stat} from 'node:fs/promises'

/** config.json files are a few KiB; anything this large is not one, and reading it whole would be a mistake. */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024

export type FileRead =
  | {exists: false}
  | {exists: true; readable: false; error: string}
  | {exists: true; readable: true; text: string}

export async function readCredentialFile(path: string): Promise<FileRead> {
  try {
    const s = await stat(path)
    if (s.isDirectory()) return {exists: true, readable: false, error: 'it is a directory'}
    if (s.size > MAX_CONFIG_BYTES) return {exists: true, readable: false, error: `it is ${s.size} bytes, more than a credential file can be`}
    return {exists: true, readable: true, text: await readFile(path, 'utf8')}
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') return {exists: false}
    return {exists: true, readable: false, error: code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (code ?? 'unreadable')}
  }
}

export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory()
  } catch {
    return false
  }
}
