const BLOCK = 512

function field(header: Buffer, offset: number, length: number, value: string): void {
  header.write(value.slice(0, length), offset, length, 'ascii')
}

function octal(value: number, length: number): string {
  return value.toString(8).padStart(length - 1, '0') + '\0'
}

/**
 * A ustar archive holding regular files: enough for an image layer. Written here because a layer of a few bytes
 * does not justify a dependency; mtime is fixed so the layer, and so the seeded digests, never change.
 */
export function tarArchive(files: ReadonlyArray<{name: string; content: Buffer; mode?: number}>): Buffer {
  const parts: Buffer[] = []
  for (const file of files) {
    const header = Buffer.alloc(BLOCK)
    field(header, 0, 100, file.name)
    field(header, 100, 8, octal(file.mode ?? 0o644, 8))
    field(header, 108, 8, octal(0, 8))
    field(header, 116, 8, octal(0, 8))
    field(header, 124, 12, octal(file.content.length, 12))
    field(header, 136, 12, octal(0, 12))
    field(header, 148, 8, ' '.repeat(8)) // the checksum is computed with its own field read as spaces
    field(header, 156, 1, '0')
    field(header, 257, 6, 'ustar\0')
    field(header, 263, 2, '00')
    let sum = 0
    for (const byte of header) sum += byte
    field(header, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ')
    parts.push(header, file.content)
    const pad = (BLOCK - (file.content.length % BLOCK)) % BLOCK
    if (pad > 0) parts.push(Buffer.alloc(pad))
  }
  parts.push(Buffer.alloc(BLOCK * 2))
  return Buffer.concat(parts)
}
