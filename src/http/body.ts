import type {IncomingMessage} from 'node:http'

/** The body up to `max` bytes; past that, truncated (the caller closes the connection). */
export function readCapped(res: IncomingMessage, max: number, progress: {bytes: number}, onDone: (buf: Buffer, truncated: boolean) => void, onError: (err: unknown) => void): void {
  const chunks: Buffer[] = []
  let size = 0
  let finished = false
  res.on('data', (chunk: Buffer) => {
    if (finished) return
    size += chunk.length
    progress.bytes = Math.min(size, max)
    if (size > max) {
      finished = true
      chunks.push(chunk.subarray(0, chunk.length - (size - max)))
      res.removeAllListeners('data')
      res.resume()
      onDone(Buffer.concat(chunks), true)
      return
    }
    chunks.push(chunk)
  })
  res.once('end', () => {
    if (finished) return
    finished = true
    onDone(Buffer.concat(chunks), false)
  })
  res.once('error', (err) => {
    if (!finished) onError(err)
  })
  res.once('close', () => {
    if (finished) return
    finished = true
    // The connection ended before the body did (a complete body whose 'end' is still queued is not cut short).
    if (res.complete) onDone(Buffer.concat(chunks), false)
    else onError(Object.assign(new Error('aborted'), {code: 'ECONNRESET'}))
  })
}

/** Invalid UTF-8 becomes U+FFFD rather than an exception: a hostile server cannot crash the decoder. */
export function decodeUtf8(buf: Buffer): string {
  return new TextDecoder('utf-8', {fatal: false}).decode(buf)
}

export function parseJson(text: string, contentType: string | undefined): unknown {
  const t = text.trim()
  if (!t) return undefined
  const looksJson = contentType?.includes('json') || t.startsWith('{') || t.startsWith('[')
  if (!looksJson) return undefined
  try {
    return JSON.parse(t)
  } catch {
    return undefined
  }
}
