import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {etcRoot, userConfigRoot} from './paths.js'

/**
 * The insecure flag of containers-registries.conf(5), as containers/image (podman, skopeo, buildah) reads it: the
 * file is $CONTAINERS_REGISTRIES_CONF, else ~/.config/containers/registries.conf when it exists, else
 * /etc/containers/registries.conf, then the drop-ins of registries.conf.d in name order (a later entry for the same
 * prefix wins). v2: `[[registry]]` with `location`/`prefix` and `insecure = true`; v1: `[registries.insecure]
 * registries = [...]`. Only what decides the scheme is read: a small TOML subset, not a TOML parser.
 */
export interface RegistriesConfMatch {
  insecure: boolean
  /** The entry's prefix (or location) that matched, and its file. */
  entry: string
  file: string
}

interface Entry {
  prefix: string
  insecure: boolean
  file: string
}

export function registriesConfFiles(env: NodeJS.ProcessEnv): string[] {
  if (env.CONTAINERS_REGISTRIES_CONF) return [env.CONTAINERS_REGISTRIES_CONF]
  const user = join(userConfigRoot(env), 'containers', 'registries.conf')
  const main = existsSync(user) ? user : join(etcRoot(env), 'containers', 'registries.conf')
  const dropDir = join(etcRoot(env), 'containers', 'registries.conf.d')
  let drops: string[] = []
  try {
    drops = readdirSync(dropDir).filter((f) => f.endsWith('.conf')).sort().map((f) => join(dropDir, f))
  } catch {}
  return [main, ...drops]
}

/** The entry for the registry itself (or the longest `*.domain` one) decides, as containers/image's FindRegistry does. */
export function matchRegistriesConf(files: string[], host: string): RegistriesConfMatch | undefined {
  const entries = new Map<string, Entry>()
  for (const file of files) {
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch {
      continue
    }
    for (const e of parseEntries(text, file)) entries.set(e.prefix, e)
  }
  let best: Entry | undefined
  for (const e of entries.values()) {
    if (prefixMatches(e.prefix, host) && (!best || e.prefix.length > best.prefix.length)) best = e
  }
  return best && {insecure: best.insecure, entry: best.prefix, file: best.file}
}

function prefixMatches(prefix: string, host: string): boolean {
  const p = prefix.toLowerCase()
  const h = host.toLowerCase()
  if (p.startsWith('*.')) return h.replace(/:\d+$/, '').endsWith(p.slice(1))
  // A namespaced prefix (host/team) governs images under it, not the registry's /v2/ ping.
  return p === h
}

/** [[registry]] tables and the v1 [registries.insecure] list; mirrors' own tables are skipped. */
export function parseEntries(text: string, file: string): Entry[] {
  const out: Entry[] = []
  let table = ''
  let current: {location?: string; prefix?: string; insecure: boolean} | undefined
  const flush = () => {
    const prefix = current?.prefix ?? current?.location
    if (current && prefix) out.push({prefix, insecure: current.insecure, file})
    current = undefined
  }
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    let line = stripComment(lines[i]!).trim()
    if (!line) continue
    const header = /^\[\[?\s*([^\]]+?)\s*\]\]?$/.exec(line)
    if (header) {
      // A mirror's table belongs to the registry above it: its keys are skipped, the registry is kept.
      if (line !== '[[registry.mirror]]') flush()
      table = header[1]!
      if (line === '[[registry]]') current = {insecure: false}
      continue
    }
    const kv = /^([A-Za-z0-9_-]+)\s*=\s*(.*)$/.exec(line)
    if (!kv) continue
    let value = kv[2]!
    // A multi-line array: read on to its closing bracket.
    while (value.startsWith('[') && !value.includes(']') && i + 1 < lines.length) value += ` ${stripComment(lines[++i]!).trim()}`
    line = value
    if (table === 'registry' && current) {
      if (kv[1] === 'location') current.location = tomlString(line)
      else if (kv[1] === 'prefix') current.prefix = tomlString(line)
      else if (kv[1] === 'insecure') current.insecure = line === 'true'
    } else if (table === 'registries.insecure' && kv[1] === 'registries') {
      for (const r of tomlStrings(line)) out.push({prefix: r, insecure: true, file})
    }
  }
  flush()
  return out
}

function stripComment(line: string): string {
  // A # inside a quoted string is not a comment; registry names never hold quotes.
  const m = /^((?:[^#"']|"[^"]*"|'[^']*')*)#/.exec(line)
  return m ? m[1]! : line
}

function tomlString(v: string): string | undefined {
  return /^"([^"]*)"|^'([^']*)'/.exec(v.trim())?.slice(1).find((x) => x !== undefined)
}

function tomlStrings(v: string): string[] {
  return [...v.matchAll(/"([^"]*)"|'([^']*)'/g)].map((m) => m[1] ?? m[2] ?? '').filter(Boolean)
}
