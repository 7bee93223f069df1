import {constants} from 'node:fs'
import {open, stat} from 'node:fs/promises'
import {UsageError} from '../errors.js'

/**
 * The one way regprobe reads a file or stdin the user named: bounded and never blocking. A file must be a regular file
 * (not /dev/zero, a FIFO, a directory), opened O_NONBLOCK (a FIFO swapped in after the check cannot hang the open),
 * checked again on the open descriptor, and read up to a cap per kind. stdin gives one line, capped, and is then let go.
 */

/** Caps per kind: a CA bundle (the Mozilla bundle is ~220 KiB), a credential file, a secret on stdin. */
export const MAX_CA_BYTES = 4 * 1024 * 1024
export const MAX_CREDENTIAL_FILE_BYTES = 4 * 1024 * 1024
export const MAX_STDIN_SECRET_BYTES = 64 * 1024

export type RegularFileRead =
  | {ok: true; text: string}
  | {ok: false; missing: boolean; reason: string}

const KINDS: Array<[keyof import('node:fs').Stats, string]> = [
  ['isFIFO', 'a FIFO (named pipe)'], ['isCharacterDevice', 'a character device'],
  ['isBlockDevice', 'a block device'], ['isSocket', 'a socket'],
]

function notRegular(s: import('node:fs').Stats): string | undefined {
  if (s.isFile()) return undefined
  if (s.isDirectory()) return 'it is a directory'
  const kind = KINDS.find(([m]) => (s[m] as () => boolean).call(s))
  return kind ? `it is ${kind[1]}, not a regular file` : 'it is not a regular file'
}

/** `cannot open PATH: permission denied (EACCES)`: an environment error (isEnvironmentError) as one line. */
export function describeEnvironmentError(err: unknown): string {
  const e = err as NodeJS.ErrnoException & {dest?: string}
  return `cannot ${e.syscall === 'mkdir' ? 'create the folder' : e.syscall}${e.path ? ` ${e.path}` : ''}${e.dest ? ` to ${e.dest}` : ''}: ${errnoReason(e)}`
}

/** Errno codes as a person reads them. */
export function errnoReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException
  const words: Record<string, string> = {
    ENOENT: 'no such file or directory', EACCES: 'permission denied', EPERM: 'operation not permitted', EISDIR: 'it is a directory',
    ENOTDIR: 'a part of the path is not a directory', ENOSPC: 'no space left on the device', EROFS: 'read-only file system',
    EFBIG: 'file too large', EDQUOT: 'disk quota exceeded', ELOOP: 'too many symbolic links', ENAMETOOLONG: 'file name too long',
    ENXIO: 'no such device or address', ETXTBSY: 'text file busy', EMFILE: 'too many open files',
  }
  return e?.code ? `${words[e.code] ?? e.code.toLowerCase()} (${e.code})` : String(e?.message ?? e)
}

/** Reads a regular file of at most `maxBytes`; never throws, never blocks on a FIFO or a device. */
export async function readRegularFile(path: string, maxBytes: number): Promise<RegularFileRead> {
  let fh: import('node:fs/promises').FileHandle | undefined
  try {
    const before = await stat(path)
    const bad = notRegular(before)
    if (bad) return {ok: false, missing: false, reason: bad}
    if (before.size > maxBytes) return {ok: false, missing: false, reason: `it is ${before.size} bytes, more than the ${maxBytes} this file can be`}
    fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK)
    const s = await fh.stat()
    const badNow = notRegular(s)
    if (badNow) return {ok: false, missing: false, reason: badNow}
    const buf = Buffer.alloc(Math.min(maxBytes, s.size) + 1)
    let got = 0
    for (;;) {
      const {bytesRead} = await fh.read(buf, got, buf.length - got, null)
      if (bytesRead === 0) break
      got += bytesRead
      if (got > maxBytes) return {ok: false, missing: false, reason: `it is more than ${maxBytes} bytes`}
      if (got === buf.length) break
    }
    return {ok: true, text: buf.subarray(0, got).toString('utf8')}
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    return {ok: false, missing: code === 'ENOENT' || code === 'ENOTDIR', reason: errnoReason(err)}
  } finally {
    await fh?.close().catch(() => {})
  }
}

/** A file named by a flag, or exit 2 saying why not: `cannot read --ca-cert PATH: it is a FIFO (named pipe), …`. */
export async function readUserFile(path: string, flag: string, maxBytes: number): Promise<string> {
  const r = await readRegularFile(path, maxBytes)
  if (!r.ok) throw new UsageError(`cannot read ${flag} ${path}: ${r.reason}`, `flag.${flag.replace(/^-+/, '')}`)
  return r.text
}

/**
 * One line of stdin (a password, a token), at most `maxBytes`, without its line ending; stdin is let go afterwards,
 * so `yes | regprobe login --password-stdin` reads one line, not forever.
 */
export function readStdinLine(flag: string, maxBytes = MAX_STDIN_SECRET_BYTES, stdin: NodeJS.ReadStream = process.stdin): Promise<string> {
  return new Promise((resolve, reject) => {
    if (stdin.isTTY) {
      reject(new UsageError(`${flag} reads from stdin, but stdin is a terminal: pipe the secret in (echo "$TOKEN" | regprobe …)`, 'flag.stdin'))
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    const done = (fn: () => void) => {
      stdin.off('data', onData).off('end', onEnd).off('error', onError)
      stdin.pause()
      stdin.destroy()
      fn()
    }
    const onData = (c: Buffer) => {
      const nl = c.indexOf(0x0a)
      chunks.push(nl === -1 ? c : c.subarray(0, nl))
      size += nl === -1 ? c.length : nl
      if (size > maxBytes) done(() => reject(new UsageError(`${flag}: more than ${maxBytes} bytes on stdin before a line end; a password or token is one line`, 'flag.stdin')))
      else if (nl !== -1) done(() => resolve(lineOf(chunks)))
    }
    const onEnd = () => done(() => resolve(lineOf(chunks)))
    const onError = (e: Error) => done(() => reject(e))
    stdin.on('data', onData).on('end', onEnd).on('error', onError)
  })
}

/** docker strips one trailing newline, not spaces (a pasted space is real); a CRLF's CR goes with it. */
function lineOf(chunks: Buffer[]): string {
  return Buffer.concat(chunks).toString('utf8').replace(/\r$/, '')
}

/** --ca-cert: a bounded read of a regular file holding at least one PEM certificate, each of which parses. */
export async function readCaCert(path: string): Promise<string> {
  const pem = await readUserFile(path, '--ca-cert', MAX_CA_BYTES)
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? []
  if (blocks.length === 0) throw new UsageError(`no certificate in ${path} (--ca-cert wants PEM: -----BEGIN CERTIFICATE----- …)`, 'flag.ca-cert')
  const {X509Certificate} = await import('node:crypto')
  blocks.forEach((block, i) => {
    try {
      new X509Certificate(block)
    } catch {
      throw new UsageError(`--ca-cert ${path}: certificate ${i + 1} of ${blocks.length} is not a valid certificate`, 'flag.ca-cert')
    }
  })
  return pem
}
