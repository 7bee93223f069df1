/**
 * Credential resolution with an explanation: every place looked at becomes a LookupRow, in order.
 *
 * Order (issue 4), and why:
 *   1. flags (-u with --password-stdin, --identity-token-stdin);
 *   2. DOCKER_AUTH_CONFIG, then docker's config.json: credHelpers[key], else credsStore, else auths[key]
 *      (docker/cli configfile/file.go GetCredentialsStore / getConfiguredCredentialStore);
 *   3. the helper that step 2 named, run as docker runs it (native_store.go);
 *   4. podman's auth.json files, only when docker's sources gave nothing.
 * docker never reads auth.json; podman reads auth.json first and docker's file after it. regprobe answers "what
 * would docker send", so docker's sources come first and auth.json is a fallback that lets a podman-only setup
 * work; when both have an entry the docker one wins and the auth.json row says podman would use its own.
 * --authfile or REGISTRY_AUTH_FILE is the user asking for podman semantics: after the flags only that file is read
 * (containers/image getAuthFilePaths), and the docker sources are shown as shadowed.
 *
 * Side effects: reads files, runs helpers (never when an earlier source already won: a Desktop helper may pop up a
 * keychain prompt). Never mutates the environment; never writes.
 */
import {homedir} from 'node:os'
import {dirname} from 'node:path'
import {redactSecret} from '../http/redact.js'
import {ExitCode, type Finding} from '../trace/types.js'
import {emptySecretCiHint} from './ci.js'
import {parseConfigText, type AuthEntry, type ParsedConfig} from './config-file.js'
import {readDockerEntry, readPodmanEntry, type EntryReading} from './entry.js'
import {HELPER_TIMEOUT_MS, helperProgram, runHelper, findOnPath} from './helper.js'
import {interpretGet, type HelperRun} from './helper-protocol.js'
import {dockerKeyMatch, nearMisses, podmanKeyMatch, podmanKeysFor} from './keys.js'
import {lintConfig} from './lint.js'
import {defaultAuthFiles, dockerConfigLocation, explicitAuthFile, type FileLocation} from './locations.js'
import {isDirectory, readCredentialFile} from './read-file.js'
import {secretShapeFindings} from './secret-checks.js'
import type {Credential, CredentialResolution, CredentialSource, HelperRunFacts, LookupRow, RegistryKeyInfo, ResolveOptions} from './types.js'

const TYPICAL_COPY = 'typical of a config.json copied from a Docker Desktop machine into CI, a container or WSL'

export async function resolveCredentials(opts: ResolveOptions): Promise<CredentialResolution> {
  const r = new Resolver(opts)
  await r.flags()
  const explicit = explicitAuthFile(r.env, opts.authFile)
  if (explicit) {
    await r.authFile(explicit, {explicit: true})
    const why = `${explicit.origin} is set, and podman and skopeo then read only that file`
    await r.dockerAuthConfig(why)
    await r.dockerConfig(why)
    for (const loc of r.defaultAuthFiles()) await r.authFile(loc, {passive: why})
  } else {
    const dockerStopped = await r.dockerAuthConfig()
    await r.dockerConfig(dockerStopped ? 'DOCKER_AUTH_CONFIG has an entry for this registry, so docker does not read the file' : undefined)
    for (const loc of r.defaultAuthFiles()) await r.authFile(loc, {})
  }
  return r.result()
}

interface FileOptions {
  explicit?: boolean
  /** Set when this source cannot be used: the reason, shown in the row. Helpers are not run. */
  passive?: string
}

class Resolver {
  readonly env: NodeJS.ProcessEnv
  readonly home: string
  readonly registry: RegistryKeyInfo
  readonly timeoutMs: number
  readonly rows: LookupRow[] = []
  readonly findings: Finding[] = []
  credential?: Credential
  winner?: string
  /** Set when a helper that docker would run failed: docker stops with an error there. */
  dockerFailed?: string

  constructor(readonly opts: ResolveOptions) {
    this.env = opts.env ?? process.env
    this.home = opts.homeDir ?? homedir()
    this.registry = opts.registry
    this.timeoutMs = opts.helperTimeoutMs ?? HELPER_TIMEOUT_MS
  }

  result(): CredentialResolution {
    if (!this.credential && !this.findings.some((f) => f.severity === 'error')) {
      this.findings.push({
        code: 'credentials.none',
        severity: 'info',
        message: `no credentials for ${this.registry.name} in ${this.rows.length} places looked at: requests go anonymously`,
        fix: `Log in (docker login ${this.registry.isDockerHub ? '' : this.registry.name}) or pass -u USER --password-stdin.`.replace('  ', ' '),
      })
    }
    const out: CredentialResolution = {rows: this.rows, findings: this.findings}
    if (this.credential) out.credential = this.credential
    if (this.winner) out.winner = this.winner
    return out
  }

  defaultAuthFiles(): FileLocation[] {
    return defaultAuthFiles(this.env, this.home, process.platform, process.getuid?.())
  }

  /** Why a found credential is not used here, if it is not. */
  private shadowed(passive?: string): string | undefined {
    if (passive) return passive
    if (this.winner) return `${this.winner} comes first`
    return undefined
  }

  /** Records a row that found a credential: the first one offered while active wins. */
  private offer(row: LookupRow, cred: Credential, passive?: string): void {
    row.found = foundFacts(cred)
    const why = this.shadowed(passive)
    if (why) {
      row.outcome = 'found-but-shadowed'
      row.reason = `${row.reason}; not used: ${why}`
    } else {
      row.outcome = 'used'
      this.credential = cred
      this.winner = row.place
      this.findings.push(...secretShapeFindings(cred, this.registry, row.place))
    }
    this.rows.push(row)
  }

  private async emptySecret(code: string, message: string, fix: string, severity: Finding['severity'], exitCode?: Finding['exitCode']): Promise<void> {
    const hint = await emptySecretCiHint(this.env)
    const f: Finding = {code, severity, message: hint ? `${message}. ${hint}` : message, fix}
    if (exitCode !== undefined) f.exitCode = exitCode
    this.findings.push(f)
  }

  async flags(): Promise<void> {
    const f = this.opts.flags ?? {}
    const place = 'flags'
    if (f.identityToken !== undefined) {
      if (f.identityToken === '') {
        this.rows.push({place, outcome: 'empty', reason: '--identity-token-stdin read an empty token'})
        await this.emptySecret('credentials.flags.empty-secret', 'the identity token given on stdin is empty', 'Check the variable or secret piped to --identity-token-stdin (its name, and that it is defined for this run).', 'error', ExitCode.AUTHENTICATION)
        return
      }
      const cred: Credential = {kind: 'identity-token', token: f.identityToken, source: {type: 'flag', location: '--identity-token-stdin'}}
      if (f.username) cred.username = f.username
      this.offer({place, outcome: 'used', reason: 'an identity token was given with --identity-token-stdin'}, cred)
      return
    }
    if (f.password === undefined && f.username === undefined) {
      this.rows.push({place, outcome: 'not-found', reason: 'no -u/--password-stdin or --identity-token-stdin was given'})
      return
    }
    if (!f.username) {
      this.rows.push({place, outcome: 'empty', reason: 'a password was given with an empty user name'})
      await this.emptySecret('credentials.flags.empty-username', 'the user name given with -u is empty', 'Check the variable passed to -u/--username (its name, and that it is defined for this run).', 'error', ExitCode.AUTHENTICATION)
      return
    }
    if (!f.password) {
      this.rows.push({place, outcome: 'empty', reason: `-u ${f.username} was given with an empty password`})
      await this.emptySecret('credentials.flags.empty-secret', `the password for "${f.username}" given on stdin is empty (length 0)`, 'Check the variable or secret piped to --password-stdin (its name, and that it is defined for this run).', 'error', ExitCode.AUTHENTICATION)
      return
    }
    this.offer({place, outcome: 'used', reason: `-u ${f.username} with a password from the command line`}, {kind: 'basic', username: f.username, password: f.password, source: {type: 'flag', location: 'flags'}})
  }

  /** Returns true when docker would stop here (an exact entry exists, even an empty one). */
  async dockerAuthConfig(shadow?: string): Promise<boolean> {
    const place = 'DOCKER_AUTH_CONFIG'
    // Findings only for a source that could decide: once flags win, a broken variable is not this run's problem.
    const passive = shadow ?? (this.winner ? `${this.winner} comes first` : undefined)
    const key = this.registry.configKey
    const v = this.env.DOCKER_AUTH_CONFIG
    if (v === undefined) {
      this.rows.push({place, key, outcome: 'not-found', reason: 'not set'})
      return false
    }
    if (v === '') {
      this.rows.push({place, key, outcome: 'empty', reason: 'set but empty, which docker treats as unset'})
      if (!passive) await this.emptySecret('credentials.env.empty', 'DOCKER_AUTH_CONFIG is set but empty', 'Check the secret or variable that fills DOCKER_AUTH_CONFIG.', 'warn')
      return false
    }
    const parsed = parseConfigText(v)
    if (!parsed.ok) {
      this.rows.push({place, key, outcome: 'error', reason: `${parsed.error}; docker ignores it without a word and falls back to the config file`})
      if (!passive) this.findings.push({code: 'credentials.env.malformed', severity: 'warn', message: `DOCKER_AUTH_CONFIG is ${parsed.error}: docker ignores it silently`, fix: 'Set it to JSON in config.json\'s shape: {"auths":{"<registry>":{"auth":"<base64 user:password>"}}}.'})
      return false
    }
    const config = parsed.config
    // docker/cli memory store: exact key only, no hostname fallback.
    const entry = config.auths.find((a) => a.key === key)
    if (!entry) {
      const misses = nearMisses(config.auths.map((a) => a.key), this.registry)
      this.rows.push({place, key, outcome: 'not-found', reason: `no entry under "${key}"${misses.length ? ` (it has ${misses.map((m) => `"${m}"`).join(', ')}, which docker does not match here)` : ''}`})
      if (!passive && misses.length) this.findings.push(keyMismatch('DOCKER_AUTH_CONFIG', misses, key, 'auths'))
      return false
    }
    const reading = readDockerEntry(entry)
    const row: LookupRow = {place, key, outcome: 'empty', reason: ''}
    if (reading.kind === 'invalid') {
      row.outcome = 'error'
      row.reason = `${reading.why}; docker then ignores all of DOCKER_AUTH_CONFIG`
      this.rows.push(row)
      if (!passive) this.findings.push(invalidEntry('DOCKER_AUTH_CONFIG', key, reading.why))
      return false
    }
    if (reading.kind === 'empty') {
      row.reason = `${reading.why}; docker uses this entry as it is and sends no credentials, without looking in the config file`
      this.rows.push(row)
      if (!passive) this.findings.push({code: 'credentials.entry.empty', severity: 'warn', message: `DOCKER_AUTH_CONFIG has an entry for "${key}" with no credentials: docker stops there and goes anonymous`, fix: 'Put "auth": base64(user:password) in the entry, or remove the entry.'})
      return true
    }
    this.offer({place, key, outcome: 'used', reason: `entry "${key}" in DOCKER_AUTH_CONFIG, which docker reads before the config file`}, credentialOf(reading, {type: 'env', location: 'DOCKER_AUTH_CONFIG', key}), passive)
    return true
  }

  async dockerConfig(shadow?: string): Promise<void> {
    const passive = shadow ?? (this.winner ? `${this.winner} comes first` : undefined)
    const loc = dockerConfigLocation(this.env, this.home, this.opts.dockerConfigDir)
    const key = this.registry.configKey
    const base = {place: loc.place, path: loc.path, key}
    const read = await readCredentialFile(loc.path)
    if (!read.exists) {
      this.rows.push({...base, exists: false, outcome: 'not-found', reason: loc.origin === 'default' ? 'there is no docker config file' : `${loc.origin} names a folder without config.json`})
      if (!passive && loc.origin !== 'default') {
        this.findings.push({code: 'credentials.config.missing', severity: 'warn', message: `${loc.origin} points to ${dirname(loc.path)}, which has no config.json: docker reads no credentials from anywhere else`, fix: `Check ${loc.origin}, or log in with it set so that docker writes the file there.`})
      }
      return
    }
    if (!read.readable) {
      this.rows.push({...base, exists: true, readable: false, outcome: 'error', reason: `cannot be read (${read.error}); docker warns and goes on without credentials`})
      if (!passive) this.findings.push({code: 'credentials.config.unreadable', severity: 'warn', message: `${loc.place} cannot be read (${read.error})`, fix: 'Fix the file\'s owner and mode (chmod 600), or point --docker-config / DOCKER_CONFIG elsewhere.'})
      return
    }
    const parsed = parseConfigText(read.text)
    if (!parsed.ok) {
      this.rows.push({...base, exists: true, readable: true, outcome: 'error', reason: `${parsed.error}; docker prints "WARNING: Error loading config file" and goes on without credentials`})
      if (!passive) this.findings.push({code: 'credentials.config.malformed', severity: 'warn', message: `${loc.place} is ${parsed.error}`, fix: 'Repair the JSON (or move the file away and log in again).'})
      return
    }
    const config = parsed.config
    const active = !passive && !this.winner
    if (!passive) this.findings.push(...lintConfig(config, loc.place))
    await this.dockerConfigLookup(config, loc, passive, active)
  }

  private async dockerConfigLookup(config: ParsedConfig, loc: FileLocation, passive: string | undefined, active: boolean): Promise<void> {
    const key = this.registry.configKey
    const base = {place: loc.place, path: loc.path, key, exists: true, readable: true}
    const helperEntry = config.credHelpers.find((h) => h.key === key)
    const suffix = helperEntry?.helper ?? config.credsStore
    const helperMisses = helperEntry ? [] : nearMisses(config.credHelpers.map((h) => h.key), this.registry)
    if (!passive && helperMisses.length) this.findings.push(keyMismatch(loc.place, helperMisses, key, 'credHelpers'))
    const keys = config.auths.map((a) => a.key)
    const match = dockerKeyMatch(keys, key)
    const entry = match ? config.auths.find((a) => a.key === match.key) : undefined
    const misses = nearMisses(keys, this.registry, match?.key)
    let helperState: HelperState | undefined
    if (suffix) {
      const program = helperProgram(suffix)
      const place = helperEntry ? `credHelpers["${key}"] → ${program}` : `credsStore → ${program}`
      helperState = await this.runDockerHelper(place, program, key, loc, passive)
    }
    if (!entry) {
      if (!suffix || misses.length) this.rows.push({...base, outcome: 'not-found', reason: `no auths entry for "${key}"${misses.length ? ` (it has ${misses.map((m) => `"${m}"`).join(', ')}, which docker does not match)` : ''}`})
      if (!passive && misses.length && !helperState?.gave) this.findings.push(keyMismatch(loc.place, misses, key, 'auths'))
      return
    }
    const reading = readDockerEntry(entry)
    const via = match!.by === 'hostname' ? ` (matched by host name: docker's ConvertToHostname)` : ''
    const row: LookupRow = {...base, key: entry.key, outcome: 'not-found', reason: ''}
    if (suffix) {
      // native_store.go Get: the helper's answer replaces whatever the file holds, even when it is "not found".
      const program = helperProgram(suffix)
      if (reading.kind === 'empty' || reading.kind === 'invalid') {
        row.outcome = 'empty'
        row.reason = `auths["${entry.key}"] is the marker docker writes when ${program} holds the secret`
        this.rows.push(row)
        if (!passive && active && helperState && !helperState.gave) {
          const canRun = helperState.onPath ? (helperState.failed ? `${program} is on PATH but failed here` : `${program} ran here but has no entry for "${key}"`) : `${program} cannot run here (it is not on PATH)`
          this.findings.push({code: 'credentials.entry.empty', severity: helperState.onPath && !helperState.failed ? 'info' : 'warn', message: `auths["${entry.key}"] in ${loc.place} exists but has no "auth", so the secret is in the helper ${program}; ${canRun}`, fix: helperState.onPath ? `Log in again here (docker login ${this.registry.isDockerHub ? '' : this.registry.name}) so that ${program} stores the secret.`.replace('  ', ' ') : `Install ${program}, or remove "${helperEntry ? `credHelpers.${key}` : 'credsStore'}" and log in again so that the secret is written into the file. ${capitalize(TYPICAL_COPY)}.`})
        }
        return
      }
      this.rows.push({...row, outcome: 'found-but-shadowed', found: foundFacts(credentialOf(reading, {type: 'docker-config', location: loc.path, key: entry.key})), reason: `inline credentials${via}, which docker ignores because a helper is configured for this registry (${helperEntry ? 'credHelpers' : 'credsStore'})`})
      return
    }
    if (reading.kind === 'invalid') {
      row.outcome = 'error'
      row.reason = `${reading.why}; docker fails to load the file ("Invalid auth configuration file") and goes on without credentials`
      this.rows.push(row)
      if (!passive) this.findings.push(invalidEntry(loc.place, entry.key, reading.why))
      return
    }
    if (reading.kind === 'empty') {
      row.outcome = 'empty'
      row.reason = reading.why
      this.rows.push(row)
      if (!passive && active) {
        this.findings.push({code: 'credentials.entry.empty', severity: 'warn', message: `auths["${entry.key}"] in ${loc.place} exists but has no "auth" (${reading.why}), and the file names no credsStore or credHelpers: the secret stayed in the helper of the machine this file came from`, fix: `Log in again here (docker login ${this.registry.isDockerHub ? '' : this.registry.name}) to write the secret into this file, or configure the helper that holds it.`.replace('  ', ' ')})
      }
      return
    }
    row.reason = `auths["${entry.key}"]${via}`
    this.offer(row, credentialOf(reading, {type: 'docker-config', location: loc.path, key: entry.key}), passive)
  }

  private async runDockerHelper(place: string, program: string, key: string, loc: FileLocation, passive?: string): Promise<HelperState> {
    const base: LookupRow = {place, path: loc.path, key, outcome: 'not-looked', reason: ''}
    if (passive) {
      const onPath = !!(await findOnPath(program, this.env))
      this.rows.push({...base, helper: {program, onPath}, reason: `not run: ${passive}`})
      return {onPath, gave: false, failed: false}
    }
    const run = await runHelper(program, 'get', key, {env: this.env, timeoutMs: this.timeoutMs})
    return this.helperOutcome(base, run, key, {
      source: {type: 'helper', location: loc.path, key, helper: program},
      missingMessage: `${place.split(' → ')[0]} in ${loc.place} names ${program}, which is not on PATH: docker fails with 'error getting credentials - err: exec: "${program}": executable file not found in $PATH'`,
      missingFix: `This is ${TYPICAL_COPY}. Install ${program}, or remove ${place.startsWith('credsStore') ? '"credsStore"' : `credHelpers["${key}"]`} from ${loc.path} and log in again (or pass -u USER --password-stdin).`,
      notFoundReason: `${program} has no entry for "${key}": docker sends no credentials (it does not fall back to auths in the file)`,
      failVerb: 'docker fails with "error getting credentials"',
    })
  }

  private helperOutcome(base: LookupRow, run: HelperRun, key: string, o: {source: CredentialSource; missingMessage: string; missingFix: string; notFoundReason: string; failVerb: string}): HelperState {
    const facts: HelperRunFacts = {program: run.program, onPath: run.onPath}
    if (run.onPath) {
      facts.exitCode = run.exitCode ?? null
      facts.durationMs = run.durationMs
      if (run.timedOut) facts.timedOut = true
      // stderr is the helper's diagnostics; the protocol puts secrets only on stdout, which is never copied here.
      const err = run.stderr.trim()
      if (err) facts.stderr = err.length > 300 ? `${err.slice(0, 300)}…` : err
    }
    const row: LookupRow = {...base, helper: facts}
    const outcome = interpretGet(run)
    const fail = (code: string, message: string, fix: string): HelperState => {
      row.outcome = 'error'
      row.reason = message
      this.rows.push(row)
      this.findings.push({code, severity: 'error', exitCode: ExitCode.AUTHENTICATION, message, fix})
      this.dockerFailed ??= base.place
      return {onPath: run.onPath, gave: false, failed: true}
    }
    switch (outcome.kind) {
      case 'missing':
        return fail('credentials.helper.not-on-path', o.missingMessage, o.missingFix)
      case 'spawn-error':
        return fail('credentials.helper.failed', `${run.program} could not be started (${outcome.message}): ${o.failVerb}`, `Check that ${run.path ?? run.program} is an executable for this system.`)
      case 'timeout':
        return fail('credentials.helper.timeout', `${run.program} get did not answer within ${this.timeoutMs} ms and was killed: docker would wait on it`, `Run \`echo ${key} | ${run.program} get\` by hand: it may be waiting for a keychain unlock or a network call that never returns here.`)
      case 'failed':
        return fail('credentials.helper.failed', `${run.program} get exited with ${run.exitCode ?? run.signal}: "${outcome.message}"; ${o.failVerb}`, `Run \`echo ${key} | ${run.program} get\` by hand to see the failure; log in again if its store is locked or broken.`)
      case 'non-json':
        return fail('credentials.helper.non-json', `${run.program} get exited 0 but printed ${outcome.bytes} bytes that are not the JSON {"ServerURL","Username","Secret"}; ${o.failVerb}`, `Check that ${run.program} implements the docker-credential-helpers protocol (its output is not shown: it may hold the secret).`)
      case 'not-found':
        row.outcome = 'not-found'
        row.reason = o.notFoundReason
        this.rows.push(row)
        return {onPath: true, gave: false, failed: false}
      case 'empty':
        row.outcome = 'empty'
        row.reason = `${run.program} answered with an empty secret`
        this.rows.push(row)
        return {onPath: true, gave: false, failed: false}
      case 'found': {
        const cred: Credential = outcome.identityToken
          ? {kind: 'identity-token', token: outcome.secret, source: o.source}
          : {kind: 'basic', username: outcome.username, password: outcome.secret, source: o.source}
        row.reason = `${run.program} get returned ${outcome.identityToken ? 'an identity token (user name "<token>")' : `a password for "${outcome.username}"`}`
        if (cred.kind === 'basic' && !cred.username) {
          row.outcome = 'empty'
          row.reason = `${run.program} returned a secret without a user name`
          this.rows.push(row)
          return {onPath: true, gave: false, failed: false}
        }
        this.offer(row, cred)
        return {onPath: true, gave: true, failed: false}
      }
    }
  }

  async authFile(loc: FileLocation, o: FileOptions): Promise<void> {
    // podman's order and key forms (containers/image findCredentialsInFile): credHelpers[registry], then auths by
    // the most specific namespaced key, then any key that normalises to the registry.
    const name = this.registry.name
    const keys = podmanKeysFor(name, this.opts.repository)
    const passive = o.passive ?? (this.winner ? `${this.winner} comes first${this.winner.startsWith('flags') ? '' : ' (podman and skopeo would read this file before docker\'s)'}` : undefined)
    const base: LookupRow = {place: loc.place, path: loc.path, key: keys.join(' → '), outcome: 'not-found', reason: ''}
    if (loc.origin === 'XDG_RUNTIME_DIR' && !(await isDirectory(dirname(dirname(loc.path))))) {
      this.rows.push({...base, exists: false, reason: `$XDG_RUNTIME_DIR (${dirname(dirname(loc.path))}) does not exist; podman warns and skips it`})
      return
    }
    const read = await readCredentialFile(loc.path)
    if (!read.exists) {
      this.rows.push({...base, exists: false, reason: o.explicit ? `does not exist; podman and skopeo read nothing else when ${loc.origin} is set` : 'does not exist'})
      if (o.explicit && !o.passive) this.findings.push({code: 'credentials.authfile.missing', severity: 'warn', message: `${loc.place} does not exist, and with ${loc.origin} set podman, skopeo and regprobe read no other credential file`, fix: `Log in with it set (podman login --authfile ${loc.path} …), or unset ${loc.origin} to use the default files.`})
      return
    }
    const sev = o.explicit ? 'error' : 'warn'
    if (!read.readable) {
      this.rows.push({...base, exists: true, readable: false, outcome: 'error', reason: `cannot be read (${read.error}); podman and skopeo stop with an error here`})
      if (!o.passive) this.findings.push({code: 'credentials.authfile.unreadable', severity: sev, ...(sev === 'error' ? {exitCode: ExitCode.AUTHENTICATION} : {}), message: `${loc.place} cannot be read (${read.error}); podman and skopeo fail on it`, fix: 'Check the owner and mode of the file: files under /run/containers/<uid> belong to that user (sudo and su keep another user\'s XDG_RUNTIME_DIR).'})
      return
    }
    const parsed = parseConfigText(read.text)
    if (!parsed.ok) {
      this.rows.push({...base, exists: true, readable: true, outcome: 'error', reason: `${parsed.error}; podman and skopeo stop with an error here`})
      if (!o.passive) this.findings.push({code: 'credentials.authfile.malformed', severity: sev, ...(sev === 'error' ? {exitCode: ExitCode.AUTHENTICATION} : {}), message: `${loc.place} is ${parsed.error}`, fix: 'Repair the JSON, or remove the file and log in again (podman login / skopeo login).'})
      return
    }
    const config = parsed.config
    const inspected = {...base, exists: true, readable: true}
    if (!o.passive) this.findings.push(...lintConfig(config, loc.place).filter((f) => f.code !== 'credentials.config.legacy-format'))
    const helper = config.credHelpers.find((h) => h.key === name)
    if (helper) {
      const program = helperProgram(helper.helper)
      const place = `credHelpers["${name}"] in ${loc.place} → ${program}`
      const row: LookupRow = {place, path: loc.path, key: name, outcome: 'not-looked', reason: ''}
      if (passive) {
        this.rows.push({...row, helper: {program, onPath: !!(await findOnPath(program, this.env))}, reason: `not run: ${passive}`})
        return
      }
      // podman hands the helper the bare registry name ('docker.io' for Hub), where docker hands it its config key.
      const run = await runHelper(program, 'get', name, {env: this.env, timeoutMs: this.timeoutMs})
      this.helperOutcome(row, run, name, {
        source: {type: 'helper', location: loc.path, key: name, helper: program},
        missingMessage: `${place}, but ${program} is not on PATH: podman and skopeo fail with an "executable file not found" error`,
        missingFix: `Install ${program}, or remove credHelpers["${name}"] from ${loc.path}.`,
        notFoundReason: `${program} has no entry for "${name}"; podman moves on to the next file`,
        failVerb: 'podman and skopeo fail here',
      })
      return
    }
    const match = podmanKeyMatch(config.auths.map((a) => a.key), name, this.opts.repository)
    if (!match) {
      const misses = nearMisses(config.auths.map((a) => a.key), this.registry)
      this.rows.push({...inspected, reason: `no entry for ${keys.map((k) => `"${k}"`).join(', ')}${misses.length ? ` (it has ${misses.map((m) => `"${m}"`).join(', ')}, which podman does not match)` : ''}`})
      if (!passive && misses.length) this.findings.push(keyMismatch(loc.place, misses, keys[keys.length - 1]!, 'auths'))
      return
    }
    const entry = config.auths.find((a) => a.key === match.key) as AuthEntry
    const reading = readPodmanEntry(entry)
    const row: LookupRow = {...inspected, key: entry.key, reason: ''}
    if (reading.kind === 'invalid') {
      this.rows.push({...row, outcome: 'error', reason: `${reading.why}; podman and skopeo stop with an error here`})
      if (!o.passive) this.findings.push(invalidEntry(loc.place, entry.key, reading.why))
      return
    }
    if (reading.kind === 'empty') {
      this.rows.push({...row, outcome: 'empty', reason: `${reading.why}; podman moves on to the next file`})
      return
    }
    row.reason = `auths["${entry.key}"]${match.by === 'hostname' ? ' (matched after normalising the key)' : entry.key.includes('/') ? ' (namespaced key, most specific first)' : ''}`
    const cred = credentialOf(reading, {type: 'auth-file', location: loc.path, key: entry.key})
    if (!passive && this.dockerFailed) row.reason += `; docker would stop with an error at ${this.dockerFailed}, podman would use this`
    if (passive && this.credential && !o.passive && this.winner !== 'flags' && differs(cred, this.credential)) {
      this.findings.push({code: 'credentials.podman-differs', severity: 'info', message: `${loc.place} has other credentials for ${name}${'username' in cred && cred.username ? ` (user "${cred.username}")` : ''}: podman and skopeo read auth.json first and would use them instead of ${this.winner}`, fix: 'Keep one place up to date (log out of the other), or pass --authfile to test what podman would send.'})
    }
    this.offer(row, cred, passive)
  }
}

interface HelperState {
  onPath: boolean
  /** True when the helper returned a credential. */
  gave: boolean
  failed: boolean
}

function credentialOf(r: Exclude<EntryReading, {kind: 'empty'} | {kind: 'invalid'}>, source: CredentialSource): Credential {
  if (r.kind === 'basic') return {kind: 'basic', username: r.username, password: r.password, source}
  if (r.kind === 'registry-token') return {kind: 'registry-token', token: r.token, source}
  const c: Credential = {kind: 'identity-token', token: r.token, source}
  if (r.username) c.username = r.username
  return c
}

function foundFacts(c: Credential): NonNullable<LookupRow['found']> {
  if (c.kind === 'basic') return {username: c.username, kind: 'password', secret: redactSecret(c.password, 'password')}
  if (c.kind === 'registry-token') return {kind: 'registry-token', secret: redactSecret(c.token)}
  return {...(c.username ? {username: c.username} : {}), kind: 'identity-token', secret: redactSecret(c.token)}
}

function differs(a: Credential, b: Credential): boolean {
  const secret = (c: Credential) => (c.kind === 'basic' ? c.password : c.token)
  const user = (c: Credential) => (c.kind === 'registry-token' ? '' : (c.username ?? ''))
  return a.kind !== b.kind || secret(a) !== secret(b) || user(a) !== user(b)
}

function keyMismatch(where: string, misses: string[], expected: string, section: 'auths' | 'credHelpers'): Finding {
  return {
    code: 'credentials.key-mismatch',
    severity: 'warn',
    message: `${section} in ${where} has ${misses.map((m) => `"${m}"`).join(', ')}, which looks like this registry but is not the key looked up: "${expected}"`,
    fix: `Use the key "${expected}" (for Docker Hub docker uses "https://index.docker.io/v1/"), or log in again so the tool writes it.`,
    evidence: misses.join(', '),
  }
}

function invalidEntry(where: string, key: string, why: string): Finding {
  return {code: 'credentials.entry.invalid-auth', severity: 'warn', message: `the entry "${key}" in ${where} is unusable: ${why}`, fix: 'Write "auth" as base64 of USER:PASSWORD (printf \'%s\' "user:pass" | base64), or log in again.'}
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1)
}
