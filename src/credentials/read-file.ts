/** Reads a credential file and says what happened, without throwing: a missing file is a normal answer. */
import {stat} from 'node:fs/promises'
import {MAX_CREDENTIAL_FILE_BYTES, readRegularFile} from '../cli/read-input.js'

/** config.json files are a few KiB; anything this large is not one, and reading it whole would be a mistake. */
export const MAX_CONFIG_BYTES = MAX_CREDENTIAL_FILE_BYTES

export type FileRead =
  | {exists: false}
  | {exists: true; readable: false; error: string}
  | {exists: true; readable: true; text: string}

export async function readCredentialFile(path: string): Promise<FileRead> {
  // Bounded and non-blocking (a FIFO or /dev/zero as --authfile is refused, not read forever): src/cli/read-input.ts.
  const r = await readRegularFile(path, MAX_CONFIG_BYTES)
  if (r.ok) return {exists: true, readable: true, text: r.text}
  if (r.missing) return {exists: false}
  return {exists: true, readable: false, error: r.reason.startsWith('permission denied') ? 'permission denied' : r.reason}
}

export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory()
  } catch {
    return false
  }
}
