/**
 * A reader for the block-style YAML subset that action.yml is written in and that `kubectl get secret -o yaml`
 * prints (no YAML package is a dependency): mappings (keys such as `.dockerconfigjson` or
 * `kubectl.kubernetes.io/last-applied-configuration`), sequences ("- "), plain and quoted scalars, literal block
 * scalars ("|", "|-"), comments, a leading "---". Anything else (flow collections, anchors, folded scalars, tabs) is
 * refused with the line number rather than misread. Scalars stay strings. Errors never quote the text: a Secret's
 * values are secrets.
 */
export type YamlValue = string | null | YamlValue[] | {[key: string]: YamlValue}

export class YamlError extends Error {}

interface Cursor {
  lines: string[]
  i: number
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length
}

function significant(line: string): boolean {
  const t = line.trim()
  return t !== '' && !t.startsWith('#')
}

/** Index of the next line that holds content, or lines.length. */
function peek(c: Cursor): number {
  let j = c.i
  while (j < c.lines.length && !significant(c.lines[j]!)) j++
  return j
}

function fail(c: Cursor, at: number, why: string): never {
  throw new YamlError(`line ${at + 1}: ${why}`)
}

function isSeqItem(text: string): boolean {
  return text === '-' || text.startsWith('- ')
}

function scalar(c: Cursor, at: number, raw: string): string | null {
  const s = raw.trim()
  if (s.startsWith("'")) {
    const m = /^'((?:[^']|'')*)'\s*(#.*)?$/.exec(s)
    if (!m) fail(c, at, 'unterminated or trailing text after a single-quoted scalar')
    return m[1]!.replace(/''/g, "'")
  }
  if (s.startsWith('"')) {
    const m = /^"((?:[^"\\]|\\.)*)"\s*(#.*)?$/.exec(s)
    if (!m) fail(c, at, 'unterminated or trailing text after a double-quoted scalar')
    return m[1]!.replace(/\\(["\\/nt])/g, (_, ch: string) => ({n: '\n', t: '\t'})[ch] ?? ch)
  }
  if (/^[[{&*!>]/.test(s)) fail(c, at, `unsupported YAML construct (${s.charAt(0)})`)
  const plain = s.replace(/\s+#.*$/, '')
  return plain === '' || plain === '~' || plain === 'null' ? null : plain
}

function blockScalar(c: Cursor, parentIndent: number, header: string): string {
  if (header !== '|' && header !== '|-') fail(c, c.i - 1, 'unsupported block scalar header')
  const body: string[] = []
  let blockIndent = -1
  while (c.i < c.lines.length) {
    const line = c.lines[c.i]!
    if (line.trim() === '') {
      body.push('')
      c.i++
      continue
    }
    const ind = indentOf(line)
    if (ind <= parentIndent) break
    if (blockIndent === -1) blockIndent = ind
    if (ind < blockIndent) fail(c, c.i, 'block scalar line indented less than its first line')
    body.push(line.slice(blockIndent))
    c.i++
  }
  while (body.length && body[body.length - 1] === '') body.pop()
  const text = body.join('\n')
  return header === '|-' || text === '' ? text : `${text}\n`
}

function value(c: Cursor, ownerIndent: number, rest: string, at: number): YamlValue {
  if (rest.startsWith('|')) return blockScalar(c, ownerIndent, rest.replace(/\s+#.*$/, ''))
  if (rest !== '') return scalar(c, at, rest)
  const j = peek(c)
  if (j >= c.lines.length) return null
  const ind = indentOf(c.lines[j]!)
  const text = c.lines[j]!.trim()
  if (ind > ownerIndent) return block(c, ind)
  // A sequence may sit at its key's own indentation.
  if (ind === ownerIndent && isSeqItem(text)) return sequence(c, ind)
  return null
}

/** A mapping key: plain (up to the first ": "), or single- or double-quoted. */
const KEY = `([A-Za-z0-9_./][^\\s#'"]*?|'[^']*'|"[^"]*")`

/** The next line of a block at `indent`, or undefined where the block ends (a shallower line, or the end). */
function nextInBlock(c: Cursor, indent: number, deeper: string): {j: number; text: string} | undefined {
  const j = peek(c)
  if (j >= c.lines.length) return undefined
  const ind = indentOf(c.lines[j]!)
  if (ind < indent) return undefined
  if (ind > indent) fail(c, j, deeper)
  return {j, text: c.lines[j]!.trim()}
}

function mapping(c: Cursor, indent: number): {[key: string]: YamlValue} {
  const out: {[key: string]: YamlValue} = {}
  for (;;) {
    const next = nextInBlock(c, indent, 'unexpected indentation')
    if (!next) return out
    const {j, text} = next
    if (isSeqItem(text)) return out
    const m = new RegExp(`^${KEY}:(?:\\s+(.*))?$`).exec(text)
    if (!m) fail(c, j, 'expected "key: value"')
    const key = m[1]!.replace(/^['"]|['"]$/g, '')
    if (Object.hasOwn(out, key)) fail(c, j, `duplicate key ${key}`)
    c.i = j + 1
    out[key] = value(c, indent, (m[2] ?? '').trim(), j)
  }
}

function sequence(c: Cursor, indent: number): YamlValue[] {
  const out: YamlValue[] = []
  for (;;) {
    const next = nextInBlock(c, indent, 'unexpected indentation in a sequence')
    if (!next) return out
    const {j, text} = next
    if (!isSeqItem(text)) return out
    const after = text.slice(1)
    const rest = after.trimStart()
    if (rest === '') {
      c.i = j + 1
      out.push(value(c, indent, '', j))
    } else if (new RegExp(`^${KEY}:(\\s|$)`).test(rest)) {
      // "- key: v" opens a mapping whose keys line up with "key": re-read this line as that mapping's first line.
      const itemIndent = indent + 1 + (after.length - rest.length)
      c.lines[j] = ' '.repeat(itemIndent) + rest
      c.i = j
      out.push(mapping(c, itemIndent))
    } else {
      c.i = j + 1
      out.push(scalar(c, j, rest))
    }
  }
}

function block(c: Cursor, indent: number): YamlValue {
  const j = peek(c)
  return isSeqItem(c.lines[j]!.trim()) ? sequence(c, indent) : mapping(c, indent)
}

export function parseYaml(text: string): YamlValue {
  const lines = text.replace(/\r\n/g, '\n').split('\n')
  const tab = lines.findIndex((l) => /^\s*\t/.test(l))
  if (tab !== -1) throw new YamlError(`line ${tab + 1}: tab in indentation`)
  const c: Cursor = {lines, i: 0}
  let j = peek(c)
  // One document: a leading "---" (as in a manifest file) starts it.
  if (j < lines.length && /^---\s*(#.*)?$/.test(lines[j]!)) {
    c.i = j + 1
    j = peek(c)
  }
  if (j >= lines.length) return null
  if (indentOf(lines[j]!) !== 0) fail(c, j, 'the document must start at column 0')
  const doc = block(c, 0)
  const k = peek(c)
  if (k < lines.length) fail(c, k, 'unexpected content after the document')
  return doc
}
