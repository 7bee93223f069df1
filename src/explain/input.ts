/**
 * Reads the log to explain, bounded: a regular file or stdin only (never a device or a folder), at most MAX_INPUT bytes
 * (a longer input is cut and the result says so), and an endless stdin (`yes | regprobe explain`) is read up to the
 * cap and then left, so the command never hangs on it.
 */
import {closeSync, fstatSync, openSync, readSync} from 'node:fs'
import {UsageError} from '../errors.js'

/** 16 MiB: a large CI log fits; more is not a log a person pasted, and would cost memory for nothing. */
export const MAX_INPUT = 16 * 1024 * 1024

export interface ReadResult {
  text: string
  bytes: number
  truncated: boolean
}

export function readLogFile(path: string, cap = MAX_INPUT): ReadResult {
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'explain.file')
  }
  try {
    const st = fstatSync(fd)
    if (!st.isFile()) throw new UsageError(`${path} is not a regular file: give a log file, or - (or nothing) to read stdin`, 'explain.file')
    const buf = Buffer.alloc(Math.min(st.size, cap) + 1)
    let n = 0
    while (n < buf.length) {
      const got = readSync(fd, buf, n, buf.length - n, null)
      if (got === 0) break
      n += got
    }
    return finish(buf.subarray(0, n), cap)
  } finally {
    closeSync(fd)
  }
}

export function readLogStream(stream: NodeJS.ReadableStream & {destroy?: () => void}, cap = MAX_INPUT): Promise<ReadResult> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let done = false
    const end = () => {
      if (done) return
      done = true
      stream.removeListener('data', onData)
      // Enough read: stop reading (an endless producer gets EPIPE, not an unbounded buffer here).
      stream.pause()
      stream.destroy?.()
      resolve(finish(Buffer.concat(chunks), cap))
    }
    const onData = (c: Buffer | string) => {
      const b = typeof c === 'string' ? Buffer.from(c) : c
      chunks.push(b)
      size += b.length
      if (size > cap) end()
    }
    stream.on('data', onData)
    stream.on('end', end)
    stream.on('error', (e) => (done ? undefined : reject(new UsageError(`cannot read stdin: ${(e as Error).message}`, 'explain.stdin'))))
  })
}

function finish(buf: Buffer, cap: number): ReadResult {
  const truncated = buf.length > cap
  const kept = truncated ? buf.subarray(0, cap) : buf
  // A cut may split a UTF-8 sequence; the decoder replaces the broken tail with U+FFFD, which is harmless.
  return {text: kept.toString('utf8'), bytes: kept.length, truncated}
}
