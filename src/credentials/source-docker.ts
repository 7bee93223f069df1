/**
 * Source 3: docker's config file ($DOCKER_CONFIG/config.json or ~/.docker/config.json): credHelpers[key], else
 * credsStore, else auths[key] with docker's key matching (docker/cli configfile/file.go GetCredentialsStore,
 * getConfiguredCredentialStore; credentials/file_store.go), and the helper that names, run as docker runs it.
 */
import {dirname} from 'node:path'
import {credentialOf, dockerLoginCommand, invalidEntry, keyMismatch, newOutput, note, offer, passiveReason, quoteList, type SourceContext, type SourceOutput} from './candidates.js'
import {foundFacts} from './choose.js'
import {emptyConfig, parseConfigText, type AuthEntry, type ParsedConfig} from './config-file.js'
import {containsAuth, detectDefaultStore, type DefaultStore} from './default-store.js'
import {readDockerEntry, type EntryReading} from './entry.js'
import {helperProgram} from './helper.js'
import {dockerKeyMatch, nearMisses} from './keys.js'
import {lintConfig} from './lint.js'
import {dockerConfigLocation, type FileLocation} from './locations.js'
import {readCredentialFile} from './read-file.js'
import {helperNotRun, runHelperSource, type HelperState} from './source-helper.js'
import type {LookupRow} from './types.js'

const EMPTY = emptyConfig()

export const TYPICAL_COPY = 'typical of a config.json copied from a Docker Desktop machine into CI, a container or WSL'

export async function dockerConfigSource(ctx: SourceContext, shadow?: string): Promise<SourceOutput> {
  const out = newOutput()
  const passive = passiveReason(ctx, shadow)
  const loc = dockerConfigLocation(ctx.env, ctx.home, ctx.opts.dockerConfigDir)
  const base = {place: loc.place, path: loc.path, key: ctx.registry.configKey}
  const read = await readCredentialFile(loc.path)
  if (read.exists && read.readable) {
    const parsed = parseConfigText(read.text)
    if (parsed.ok) {
      if (!passive) out.findings.push(...lintConfig(parsed.config, loc.place))
      const store = containsAuth(parsed.config) ? undefined : await detectDefaultStore(ctx.env)
      await lookup(ctx, out, parsed.config, loc, passive, store)
      return out
    }
    note(out, {...base, exists: true, readable: true, outcome: 'error', reason: `${parsed.error}; docker prints "WARNING: Error loading config file" and goes on without credentials`})
    if (!passive) out.findings.push({code: 'credentials.config.malformed', severity: 'warn', message: `${loc.place} is ${parsed.error}`, fix: 'Repair the JSON (or move the file away and log in again).'})
  } else if (read.exists) {
    note(out, {...base, exists: true, readable: false, outcome: 'error', reason: `cannot be read (${read.error}); docker warns and goes on without credentials`})
    if (!passive) out.findings.push({code: 'credentials.config.unreadable', severity: 'warn', message: `${loc.place} cannot be read (${read.error})`, fix: 'Fix the file\'s owner and mode (chmod 600), or point --docker-config / DOCKER_CONFIG elsewhere.'})
  }
  // No file, or one docker cannot load: its ConfigFile is empty, so docker picks its default store.
  const store = await detectDefaultStore(ctx.env)
  if (!read.exists) missingFile(ctx, out, loc, passive, store)
  if (store.suffix) await lookup(ctx, out, undefined, loc, passive, store)
  return out
}

function missingFile(ctx: SourceContext, out: SourceOutput, loc: FileLocation, passive: string | undefined, store: DefaultStore): void {
  const reason = loc.origin === 'default' ? 'there is no docker config file' : `${loc.origin} names a folder without config.json`
  note(out, {place: loc.place, path: loc.path, key: ctx.registry.configKey, exists: false, outcome: 'not-found', reason: store.passWithoutHelper ? `${reason}; docker picks no default store: ${store.why}` : reason})
  if (!passive && loc.origin !== 'default') {
    const elsewhere = store.suffix ? `reads credentials only from its default store, ${helperProgram(store.suffix)}` : 'reads no credentials from anywhere else'
    out.findings.push({code: 'credentials.config.missing', severity: 'warn', message: `${loc.origin} points to ${dirname(loc.path)}, which has no config.json: docker ${elsewhere}`, fix: `Check ${loc.origin}, or log in with it set so that docker writes the file there.`})
  }
}

interface Lookup {
  ctx: SourceContext
  out: SourceOutput
  loc: FileLocation
  passive?: string
  /** The helper suffix docker would use for this key, and whether it came from credHelpers. */
  suffix?: string
  fromCredHelpers: boolean
  /** The suffix is docker's default store (config.json names no credentials): why it was picked. */
  defaultWhy?: string
  helper?: HelperState
}

/** `parsed` undefined: docker loaded no file (none, unreadable, not JSON) and uses only its default store. */
async function lookup(ctx: SourceContext, out: SourceOutput, parsed: ParsedConfig | undefined, loc: FileLocation, passive?: string, store?: DefaultStore): Promise<void> {
  const key = ctx.registry.configKey
  const base = {place: loc.place, path: loc.path, key, exists: true, readable: true}
  const config = parsed ?? EMPTY
  const helperEntry = config.credHelpers.find((h) => h.key === key)
  const l: Lookup = {ctx, out, loc, passive, fromCredHelpers: !!helperEntry}
  const suffix = helperEntry?.helper ?? config.credsStore ?? store?.suffix
  if (suffix) l.suffix = suffix
  if (store?.suffix) l.defaultWhy = store.why
  const helperMisses = helperEntry ? [] : nearMisses(config.credHelpers.map((h) => h.key), ctx.registry)
  if (!passive && helperMisses.length) out.findings.push(keyMismatch(loc.place, helperMisses, key, 'credHelpers'))
  const keys = config.auths.map((a) => a.key)
  const match = dockerKeyMatch(keys, key)
  const entry = match ? config.auths.find((a) => a.key === match.key) : undefined
  const misses = nearMisses(keys, ctx.registry, match?.key)
  if (suffix) l.helper = await dockerHelper(l, helperProgram(suffix), key)
  if (!entry) {
    if (!parsed) return
    if (!suffix || misses.length) note(out, {...base, outcome: 'not-found', reason: `no auths entry for "${key}"${misses.length ? ` (it has ${quoteList(misses)}, which docker does not match)` : ''}`})
    if (!passive && misses.length && !l.helper?.gave) out.findings.push(keyMismatch(loc.place, misses, key, 'auths'))
    return
  }
  const via = match!.by === 'hostname' ? ` (matched by host name: docker's ConvertToHostname)` : ''
  const row: LookupRow = {...base, key: entry.key, outcome: 'not-found', reason: ''}
  const reading = readDockerEntry(entry)
  if (l.suffix) helperShadowsEntry(l, row, entry, reading, via)
  else inlineEntry(l, row, entry, reading, via)
}

async function dockerHelper(l: Lookup, program: string, key: string): Promise<HelperState> {
  if (l.defaultWhy) return defaultStoreHelper(l, program, key, l.defaultWhy)
  const place = l.fromCredHelpers ? `credHelpers["${key}"] → ${program}` : `credsStore → ${program}`
  const base: LookupRow = {place, path: l.loc.path, key, outcome: 'not-looked', reason: ''}
  if (l.passive) return helperNotRun(l.ctx, l.out, base, program, l.passive)
  return runHelperSource(l.ctx, l.out, base, program, key, {
    source: {type: 'helper', location: l.loc.path, key, helper: program},
    missingMessage: `${l.fromCredHelpers ? `credHelpers["${key}"]` : 'credsStore'} in ${l.loc.place} names ${program}, which is not on PATH: docker login, compose and buildx stop with 'error getting credentials - err: exec: "${program}": executable file not found in $PATH', and docker pull and push ignore it and go anonymously (docker/cli ResolveAuthConfig drops the error)`,
    missingFix: `This is ${TYPICAL_COPY}. Install ${program}, or remove ${l.fromCredHelpers ? `credHelpers["${key}"]` : '"credsStore"'} from ${l.loc.path} and log in again (or pass -u USER --password-stdin).`,
    notFoundReason: `${program} has no entry for "${key}": docker sends no credentials (it does not fall back to auths in the file)`,
    failVerb: 'docker login, compose and buildx stop with "error getting credentials", and docker pull and push ignore it and go anonymously (docker/cli ResolveAuthConfig drops the error)',
    lenient: !l.ctx.opts.helperErrorsFatal,
  })
}

/**
 * docker's default store, run as credsStore would be. Measured with docker 28.2.2 and Debian's
 * docker-credential-secretservice without a D-Bus session: `docker pull` and `docker run` ignore the failure and go
 * anonymously, `docker login` fails with "Error saving credentials: error storing credentials - err: exit status 1,
 * out: `Cannot autolaunch D-Bus without X11 $DISPLAY`" (test/credentials/default-store-docker.test.ts).
 */
async function defaultStoreHelper(l: Lookup, program: string, key: string, why: string): Promise<HelperState> {
  const place = `credsStore (docker's default) → ${program}`
  const because = `docker's default store: config.json names no credentials, and ${why}`
  const base: LookupRow = {place, path: l.loc.path, key, outcome: 'not-looked', reason: ''}
  const state = l.passive
    ? await helperNotRun(l.ctx, l.out, base, program, l.passive)
    : await runHelperSource(l.ctx, l.out, base, program, key, {
      source: {type: 'helper', location: l.loc.path, key, helper: program},
      missingMessage: `${program} (${because}) is no longer on PATH: docker fails with 'error getting credentials'`,
      missingFix: `Reinstall ${program}, or write the credentials into ${l.loc.path}.`,
      notFoundReason: `${program} has no entry for "${key}": docker sends no credentials`,
      failVerb: `\`docker login\` cannot save a login here ("Error saving credentials"), docker compose pull stops with "error getting credentials", docker pull and run ignore the error and go anonymously`,
      defaultStoreFix: defaultStoreFix(program, l.ctx.registry, l.loc.path),
      lenient: !l.ctx.opts.helperErrorsFatal,
    })
  for (const c of l.out.candidates) if (c.row.place === place) c.row.reason = `${because}; ${c.row.reason}`
  return state
}

/** What stops docker from picking a default store (measured): any credsStore, credHelpers or auths entry. */
function defaultStoreFix(program: string, registry: SourceContext['registry'], path: string): string {
  const keyring = program === helperProgram('secretservice')
    ? `${program} needs an unlocked desktop keyring (a D-Bus session with gnome-keyring or KeePassXC), which a server or CI runner does not have`
    : program === helperProgram('pass') ? `${program} needs an initialised password store (pass init GPG-KEY-ID)` : `Make ${program} work here`
  return `${keyring}. To keep logins in the file instead, give ${path} an auths entry so that docker stops picking a default store: {"auths": {"${registry.configKey}": {}}}, then ${dockerLoginCommand(registry)} (an empty {"auths": {}} or {"credsStore": ""} is not enough). Or uninstall the helper (Debian and Ubuntu: golang-docker-credential-helpers).`
}

/** native_store.go Get: the helper's answer replaces whatever the file holds, even when it is "not found". */
function helperShadowsEntry(l: Lookup, row: LookupRow, entry: AuthEntry, reading: EntryReading, via: string): void {
  const program = helperProgram(l.suffix!)
  if (reading.kind === 'empty' || reading.kind === 'invalid') {
    note(l.out, {...row, outcome: 'empty', reason: `auths["${entry.key}"] is the marker docker writes when ${program} holds the secret`})
    const h = l.helper
    if (!l.passive && !l.ctx.winner && h && !h.gave) {
      const key = l.ctx.registry.configKey
      const canRun = h.onPath ? (h.failed ? `${program} is on PATH but failed here` : `${program} ran here but has no entry for "${key}"`) : `${program} cannot run here (it is not on PATH)`
      const field = l.fromCredHelpers ? `credHelpers.${key}` : 'credsStore'
      l.out.findings.push({
        code: 'credentials.entry.empty',
        severity: h.onPath && !h.failed ? 'info' : 'warn',
        message: `auths["${entry.key}"] in ${l.loc.place} exists but has no "auth", so the secret is in the helper ${program}; ${canRun}`,
        fix: h.onPath ? `Log in again here (${dockerLoginCommand(l.ctx.registry)}) so that ${program} stores the secret.` : `Install ${program}, or remove "${field}" and log in again so that the secret is written into the file. ${capitalize(TYPICAL_COPY)}.`,
      })
    }
    return
  }
  const found = credentialOf(reading, {type: 'docker-config', location: l.loc.path, key: entry.key})
  // Shown as found but never offered: docker does not read it while a helper is configured.
  l.out.candidates.push({row: {...row, outcome: 'found-but-shadowed', found: foundFacts(found), reason: `inline credentials${via}, which docker ignores because a helper is configured for this registry (${l.fromCredHelpers ? 'credHelpers' : 'credsStore'})`}})
}

function inlineEntry(l: Lookup, row: LookupRow, entry: AuthEntry, reading: EntryReading, via: string): void {
  if (reading.kind === 'invalid') {
    note(l.out, {...row, outcome: 'error', reason: `${reading.why}; docker fails to load the file ("Invalid auth configuration file") and goes on without credentials`})
    if (!l.passive) l.out.findings.push(invalidEntry(l.loc.place, entry.key, reading.why))
    return
  }
  if (reading.kind === 'empty') {
    note(l.out, {...row, outcome: 'empty', reason: reading.why})
    if (!l.passive && !l.ctx.winner) {
      l.out.findings.push({code: 'credentials.entry.empty', severity: 'warn', message: `auths["${entry.key}"] in ${l.loc.place} exists but has no "auth" (${reading.why}), and the file names no credsStore or credHelpers: the secret stayed in the helper of the machine this file came from`, fix: `Log in again here (${dockerLoginCommand(l.ctx.registry)}) to write the secret into this file, or configure the helper that holds it.`})
    }
    return
  }
  offer(l.out, {...row, reason: `auths["${entry.key}"]${via}`}, credentialOf(reading, {type: 'docker-config', location: l.loc.path, key: entry.key}), l.passive)
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1)
}
