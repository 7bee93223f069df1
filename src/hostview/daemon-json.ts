import {readFileSync} from 'node:fs'
import type {DaemonInfo} from '../daemon/info.js'

/**
 * The registry part of dockerd's configuration file, as moby's LoadInsecureRegistries reads it: each
 * `insecure-registries` entry is a CIDR (kept as a range) or a host[:port] (an index entry, matched by name); an
 * `http://` or `https://` prefix is dropped; 127.0.0.0/8 is always added. Returned in the shape of GET /info's
 * RegistryConfig, so one function (daemon/secure-index.ts, moby's isSecureIndex) decides for both.
 */
export const DEFAULT_INSECURE_CIDR = '127.0.0.0/8'

export interface DaemonJsonView {
  info: DaemonInfo
  /** The file as found: undefined when it does not exist. */
  exists: boolean
  problem?: string
}

export function readDaemonJson(path: string): DaemonJsonView {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    return {info: registryConfig([], []), exists: code !== 'ENOENT', problem: code === 'ENOENT' ? undefined : `cannot read ${path}: ${code ?? (e as Error).message}`}
  }
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (e) {
    // dockerd refuses to start with a broken daemon.json: whatever runs was started with another file (or before the edit).
    return {info: registryConfig([], []), exists: true, problem: `${path} is not valid JSON (${(e as Error).message}); dockerd would refuse to start with it`}
  }
  const o = (doc && typeof doc === 'object' && !Array.isArray(doc) ? doc : {}) as Record<string, unknown>
  return {info: registryConfig(strings(o['insecure-registries']), strings(o['registry-mirrors'])), exists: true}
}

export function registryConfig(insecure: string[], mirrors: string[]): DaemonInfo {
  const cidrs: string[] = []
  const indexConfigs: DaemonInfo['indexConfigs'] = {}
  for (const raw of insecure) {
    const r = raw.trim().replace(/^https?:\/\//i, '').replace(/\/+$/, '')
    if (!r) continue
    if (/^[0-9a-f.:]+\/\d{1,3}$/i.test(r)) {
      if (!cidrs.includes(r)) cidrs.push(r)
    } else {
      indexConfigs[r] = {Name: r, Mirrors: [], Secure: false, Official: false}
    }
  }
  if (!cidrs.includes(DEFAULT_INSECURE_CIDR)) cidrs.push(DEFAULT_INSECURE_CIDR)
  indexConfigs['docker.io'] = {Name: 'docker.io', Mirrors: mirrors, Secure: true, Official: true}
  return {insecureRegistryCIDRs: cidrs, indexConfigs, mirrors}
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []
}
