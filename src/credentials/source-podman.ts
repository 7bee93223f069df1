/**
 * Source 4: podman's auth.json files (containers/image findCredentialsInFile): credHelpers[registry], then auths by
 * the most specific namespaced key, then any key that normalises to the registry. docker never reads these; with
 * --authfile or REGISTRY_AUTH_FILE only that one file is read (the caller shadows the docker sources then).
 */
import {dirname} from 'node:path'
import {ExitCode} from '../trace/types.js'
import {credentialOf, invalidEntry, keyMismatch, newOutput, note, offer, passiveReason, quoteList, type SourceContext, type SourceOutput} from './candidates.js'
import {parseConfigText, type AuthEntry, type ParsedConfig} from './config-file.js'
import {readPodmanEntry} from './entry.js'
import {helperProgram} from './helper.js'
import {nearMisses, podmanKeyMatch, podmanKeysFor} from './keys.js'
import {lintConfig} from './lint.js'
import type {FileLocation} from './locations.js'
import {isDirectory, readCredentialFile} from './read-file.js'
import {helperNotRun, runHelperSource} from './source-helper.js'
import type {LookupRow} from './types.js'

export interface AuthFileOptions {
  explicit?: boolean
  /** Set when this source cannot be used: the reason, shown in the row. Helpers are not run. */
  passive?: string
}

export async function authFileSource(ctx: SourceContext, loc: FileLocation, o: AuthFileOptions): Promise<SourceOutput> {
  const out = newOutput()
  const keys = podmanKeysFor(ctx.registry.name, ctx.opts.repository)
  const first = ctx.winner && !ctx.winner.startsWith('flags') ? ' (podman and skopeo would read this file before docker\'s)' : ''
  const passive = o.passive ?? (ctx.winner ? `${passiveReason(ctx)}${first}` : undefined)
  const base: LookupRow = {place: loc.place, path: loc.path, key: keys.join(' → '), outcome: 'not-found', reason: ''}
  if (loc.origin === 'XDG_RUNTIME_DIR' && !(await isDirectory(dirname(dirname(loc.path))))) {
    note(out, {...base, exists: false, reason: `$XDG_RUNTIME_DIR (${dirname(dirname(loc.path))}) does not exist; podman warns and skips it`})
    return out
  }
  const config = await readAuthFile(out, loc, o, base)
  if (!config) return out
  if (!o.passive) out.findings.push(...lintConfig(config, loc.place).filter((f) => f.code !== 'credentials.config.legacy-format'))
  const helper = config.credHelpers.find((h) => h.key === ctx.registry.name)
  if (helper) await podmanHelper(ctx, out, loc, helper.helper, passive)
  else entryOf(ctx, out, config, {...base, exists: true, readable: true}, loc, o, passive)
  return out
}

/** The parsed file, or undefined with the row (and finding) that says why not. */
async function readAuthFile(out: SourceOutput, loc: FileLocation, o: AuthFileOptions, base: LookupRow): Promise<ParsedConfig | undefined> {
  const read = await readCredentialFile(loc.path)
  if (!read.exists) {
    note(out, {...base, exists: false, reason: o.explicit ? `does not exist; podman and skopeo read nothing else when ${loc.origin} is set` : 'does not exist'})
    if (o.explicit && !o.passive) out.findings.push({code: 'credentials.authfile.missing', severity: 'warn', message: `${loc.place} does not exist, and with ${loc.origin} set podman, skopeo and regprobe read no other credential file`, fix: `Log in with it set (podman login --authfile ${loc.path} …), or unset ${loc.origin} to use the default files.`})
    return undefined
  }
  const sev = o.explicit ? 'error' : 'warn'
  const exit = sev === 'error' ? {exitCode: ExitCode.AUTHENTICATION} : {}
  if (!read.readable) {
    note(out, {...base, exists: true, readable: false, outcome: 'error', reason: `cannot be read (${read.error}); podman and skopeo stop with an error here`})
    if (!o.passive) out.findings.push({code: 'credentials.authfile.unreadable', severity: sev, ...exit, message: `${loc.place} cannot be read (${read.error}); podman and skopeo fail on it`, fix: 'Check the owner and mode of the file: files under /run/containers/<uid> belong to that user (sudo and su keep another user\'s XDG_RUNTIME_DIR).'})
    return undefined
  }
  const parsed = parseConfigText(read.text)
  if (!parsed.ok) {
    note(out, {...base, exists: true, readable: true, outcome: 'error', reason: `${parsed.error}; podman and skopeo stop with an error here`})
    if (!o.passive) out.findings.push({code: 'credentials.authfile.malformed', severity: sev, ...exit, message: `${loc.place} is ${parsed.error}`, fix: 'Repair the JSON, or remove the file and log in again (podman login / skopeo login).'})
    return undefined
  }
  return parsed.config
}

/** podman hands the helper the bare registry name ('docker.io' for Hub), where docker hands it its config key. */
async function podmanHelper(ctx: SourceContext, out: SourceOutput, loc: FileLocation, suffix: string, passive?: string): Promise<void> {
  const name = ctx.registry.name
  const program = helperProgram(suffix)
  const place = `credHelpers["${name}"] in ${loc.place} → ${program}`
  const row: LookupRow = {place, path: loc.path, key: name, outcome: 'not-looked', reason: ''}
  if (passive) {
    await helperNotRun(ctx, out, row, program, passive)
    return
  }
  await runHelperSource(ctx, out, row, program, name, {
    source: {type: 'helper', location: loc.path, key: name, helper: program},
    missingMessage: `${place}, but ${program} is not on PATH: podman and skopeo fail with an "executable file not found" error`,
    missingFix: `Install ${program}, or remove credHelpers["${name}"] from ${loc.path}.`,
    notFoundReason: `${program} has no entry for "${name}"; podman moves on to the next file`,
    failVerb: 'podman and skopeo fail here',
  })
}

function entryOf(ctx: SourceContext, out: SourceOutput, config: ParsedConfig, inspected: LookupRow, loc: FileLocation, o: AuthFileOptions, passive?: string): void {
  const name = ctx.registry.name
  const keys = podmanKeysFor(name, ctx.opts.repository)
  const match = podmanKeyMatch(config.auths.map((a) => a.key), name, ctx.opts.repository)
  if (!match) {
    const misses = nearMisses(config.auths.map((a) => a.key), ctx.registry)
    note(out, {...inspected, reason: `no entry for ${quoteList(keys)}${misses.length ? ` (it has ${quoteList(misses)}, which podman does not match)` : ''}`})
    if (!passive && misses.length) out.findings.push(keyMismatch(loc.place, misses, keys[keys.length - 1]!, 'auths'))
    return
  }
  const entry = config.auths.find((a) => a.key === match.key) as AuthEntry
  const reading = readPodmanEntry(entry)
  const row: LookupRow = {...inspected, key: entry.key, reason: ''}
  if (reading.kind === 'invalid') {
    note(out, {...row, outcome: 'error', reason: `${reading.why}; podman and skopeo stop with an error here`})
    if (!o.passive) out.findings.push(invalidEntry(loc.place, entry.key, reading.why))
    return
  }
  if (reading.kind === 'empty') {
    note(out, {...row, outcome: 'empty', reason: `${reading.why}; podman moves on to the next file`})
    return
  }
  row.reason = `auths["${entry.key}"]${match.by === 'hostname' ? ' (matched after normalising the key)' : entry.key.includes('/') ? ' (namespaced key, most specific first)' : ''}`
  if (!passive && ctx.dockerFailed) row.reason += `; docker would stop with an error at ${ctx.dockerFailed}, podman would use this`
  offer(out, row, credentialOf(reading, {type: 'auth-file', location: loc.path, key: entry.key}), passive, !o.passive)
}
