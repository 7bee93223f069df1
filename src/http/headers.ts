import {isUtf8} from 'node:buffer'

/**
 * A response's headers, read as Go's net/http reads them: bytes, shown as UTF-8 where they are valid UTF-8 (a realm
 * `https://rëgistry.example/token`, a message with `ä`), as Latin-1 otherwise. Node hands header values over as
 * Latin-1 strings (one char per byte), so each value with a byte above 0x7f is decoded again here.
 * The read side of the WHATWG Headers class (names lower case, sorted; repeated fields joined with ", "), without
 * loading Node's bundled fetch for it.
 */
export class ResponseHeaders {
  private readonly fields = new Map<string, string[]>()
  /** Set when some value had bytes outside ASCII: 'utf-8' when all of them were valid UTF-8, else 'latin1'. */
  readonly charset?: 'utf-8' | 'latin1'

  constructor(rawHeaders: readonly string[] = []) {
    let charset: 'utf-8' | 'latin1' | undefined
    for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
      const name = rawHeaders[i]!.toLowerCase()
      let value = rawHeaders[i + 1]!
      if (/[\x80-\xff]/.test(value)) {
        const bytes = Buffer.from(value, 'latin1')
        if (isUtf8(bytes)) {
          value = bytes.toString('utf8')
          charset ??= 'utf-8'
        } else charset = 'latin1'
      }
      const list = this.fields.get(name)
      if (list) list.push(value)
      else this.fields.set(name, [value])
    }
    if (charset) this.charset = charset
  }

  get(name: string): string | null {
    return this.fields.get(name.toLowerCase())?.join(', ') ?? null
  }

  has(name: string): boolean {
    return this.fields.has(name.toLowerCase())
  }

  getSetCookie(): string[] {
    return [...(this.fields.get('set-cookie') ?? [])]
  }

  forEach(callback: (value: string, name: string) => void): void {
    for (const [name, value] of this.entries()) callback(value, name)
  }

  *entries(): IterableIterator<[string, string]> {
    for (const name of [...this.fields.keys()].sort()) yield [name, this.get(name)!]
  }

  *keys(): IterableIterator<string> {
    for (const [name] of this.entries()) yield name
  }

  *values(): IterableIterator<string> {
    for (const [, value] of this.entries()) yield value
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries()
  }

  /** Name → value, as an exchange records them. */
  record(): Record<string, string> {
    return Object.fromEntries(this.entries())
  }
}
