/**
 * Source 2: DOCKER_AUTH_CONFIG, which docker reads before its config file (docker/cli configfile GetCredentialsStore:
 * an in-memory store with the file's store as fallback), exact key only. An entry, even an empty one, stops docker.
 */
import {keyMismatch, credentialOf, invalidEntry, newOutput, note, offer, passiveReason, quoteList, type SourceContext, type SourceOutput} from './candidates.js'
import {parseConfigText} from './config-file.js'
import {readDockerEntry} from './entry.js'
import {nearMisses} from './keys.js'
import {emptySecret} from './source-flags.js'
import type {LookupRow} from './types.js'

const place = 'DOCKER_AUTH_CONFIG'

export interface EnvOutput extends SourceOutput {
  /** True when docker would stop here (an exact entry exists, even an empty one). */
  stops: boolean
}

export async function dockerAuthConfigSource(ctx: SourceContext, shadow?: string): Promise<EnvOutput> {
  const out: EnvOutput = {...newOutput(), stops: false}
  // Findings only for a source that could decide: once flags win, a broken variable is not this run's problem.
  const passive = passiveReason(ctx, shadow)
  const key = ctx.registry.configKey
  const v = ctx.env.DOCKER_AUTH_CONFIG
  if (v === undefined) {
    note(out, {place, key, outcome: 'not-found', reason: 'not set'})
    return out
  }
  if (v === '') {
    note(out, {place, key, outcome: 'empty', reason: 'set but empty, which docker treats as unset'})
    if (!passive) out.findings.push(await emptySecret(ctx.env, 'credentials.env.empty', 'DOCKER_AUTH_CONFIG is set but empty', 'Check the secret or variable that fills DOCKER_AUTH_CONFIG.', 'warn'))
    return out
  }
  const parsed = parseConfigText(v)
  if (!parsed.ok) {
    note(out, {place, key, outcome: 'error', reason: `${parsed.error}; docker ignores it without a word and falls back to the config file`})
    if (!passive) out.findings.push({code: 'credentials.env.malformed', severity: 'warn', message: `DOCKER_AUTH_CONFIG is ${parsed.error}: docker ignores it silently`, fix: 'Set it to JSON in config.json\'s shape: {"auths":{"<registry>":{"auth":"<base64 user:password>"}}}.'})
    return out
  }
  const entry = parsed.config.auths.find((a) => a.key === key)
  if (!entry) {
    const misses = nearMisses(parsed.config.auths.map((a) => a.key), ctx.registry)
    note(out, {place, key, outcome: 'not-found', reason: `no entry under "${key}"${misses.length ? ` (it has ${quoteList(misses)}, which docker does not match here)` : ''}`})
    if (!passive && misses.length) out.findings.push(keyMismatch('DOCKER_AUTH_CONFIG', misses, key, 'auths'))
    return out
  }
  const reading = readDockerEntry(entry)
  const row: LookupRow = {place, key, outcome: 'empty', reason: ''}
  if (reading.kind === 'invalid') {
    note(out, {...row, outcome: 'error', reason: `${reading.why}; docker then ignores all of DOCKER_AUTH_CONFIG`})
    if (!passive) out.findings.push(invalidEntry('DOCKER_AUTH_CONFIG', key, reading.why))
    return out
  }
  out.stops = true
  if (reading.kind === 'empty') {
    note(out, {...row, reason: `${reading.why}; docker uses this entry as it is and sends no credentials, without looking in the config file`})
    if (!passive) out.findings.push({code: 'credentials.entry.empty', severity: 'warn', message: `DOCKER_AUTH_CONFIG has an entry for "${key}" with no credentials: docker stops there and goes anonymous`, fix: 'Put "auth": base64(user:password) in the entry, or remove the entry.'})
    return out
  }
  offer(out, {...row, outcome: 'used', reason: `entry "${key}" in DOCKER_AUTH_CONFIG, which docker reads before the config file`}, credentialOf(reading, {type: 'env', location: 'DOCKER_AUTH_CONFIG', key}), passive)
  return out
}
