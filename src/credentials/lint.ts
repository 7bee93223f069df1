/**
 * Mistakes in a config file that silently leave docker without credentials (failure-stories.md #3): misspelled
 * top-level keys, wildcard credHelpers keys, a helper named with its prefix, a legacy ~/.dockercfg shape, fields of
 * the wrong type. Pure: takes a parsed file, returns findings.
 */
import type {Finding} from '../trace/types.js'
import type {ParsedConfig} from './config-file.js'

/** The keys whose misspelling loses credentials; a typo in "psFormat" does not matter here. */
const CREDENTIAL_KEYS = ['auths', 'credsStore', 'credHelpers'] as const
/** Spellings seen in the wild that are further than two edits from the real key. */
const KNOWN_MISSPELLINGS: Record<string, (typeof CREDENTIAL_KEYS)[number]> = {
  credentialsstore: 'credsStore',
  credentialstore: 'credsStore',
  credentialhelpers: 'credHelpers',
  credentialshelpers: 'credHelpers',
  credentialhelper: 'credHelpers',
  credshelpers: 'credHelpers',
  credshelper: 'credHelpers',
  credsstores: 'credsStore',
}
/** Two edits catch credSstore, credStore, credHelper, auth, Auth, auhts without matching unrelated keys. */
const MAX_EDITS = 2

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps ("auhts"). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({length: a.length + 1}, (_, i) => Array.from({length: b.length + 1}, (_, j) => (i === 0 ? j : j === 0 ? i : 0)))
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1)
      d[i]![j] = v
    }
  }
  return d[a.length]![b.length]!
}

/** The credential key an unknown key was probably meant to be, if any. */
export function closestCredentialKey(key: string): string | undefined {
  const k = key.toLowerCase()
  if (KNOWN_MISSPELLINGS[k]) return KNOWN_MISSPELLINGS[k]
  let best: {key: string; d: number} | undefined
  for (const known of CREDENTIAL_KEYS) {
    const d = editDistance(k, known.toLowerCase())
    if (d <= MAX_EDITS && (!best || d < best.d)) best = {key: known, d}
  }
  return best?.key
}

const HOST_LIKE = /^(https?:\/\/)?[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?(\/.*)?$|^(https?:\/\/)?localhost(:\d+)?(\/.*)?$/i

/** `where` names the file in messages, e.g. '~/.docker/config.json'. */
export function lintConfig(config: ParsedConfig, where: string): Finding[] {
  return [...topLevelFindings(config, where), ...helperFindings(config, where), ...fieldFindings(config, where)]
}

/** Misspelled, case-variant and legacy top-level keys. */
function topLevelFindings(config: ParsedConfig, where: string): Finding[] {
  const out: Finding[] = []
  const present = new Set(config.topLevelKeys.map((k) => k.toLowerCase()))
  for (const key of config.unknownKeys) {
    const meant = closestCredentialKey(key)
    if (meant) {
      out.push({
        code: 'credentials.config.misspelled-key',
        severity: 'warn',
        message: `${where} has the key "${key}", which docker ignores: it looks like "${meant}"${present.has(meant.toLowerCase()) ? ` (the file also has "${meant}")` : ''}`,
        fix: `Rename "${key}" to "${meant}" in ${where}.`,
        evidence: key,
      })
    }
  }
  for (const {written, canonical} of config.caseVariants) {
    if (!(CREDENTIAL_KEYS as readonly string[]).includes(canonical)) continue
    out.push({
      code: 'credentials.config.key-case',
      severity: 'info',
      message: `${where} spells "${canonical}" as "${written}": docker accepts it (Go matches JSON names without regard to case), but case-sensitive readers such as docker-py and many CI scripts do not`,
      fix: `Rename "${written}" to "${canonical}".`,
      evidence: written,
    })
  }
  const hostKeys = config.unknownKeys.filter((k) => HOST_LIKE.test(k))
  if (hostKeys.length > 0 && !present.has('auths')) {
    out.push({
      code: 'credentials.config.legacy-format',
      severity: 'warn',
      message: `${where} has registry entries at the top level (${hostKeys.slice(0, 3).join(', ')}): that is the old ~/.dockercfg shape, and docker reads entries only under "auths"`,
      fix: `Wrap the entries: {"auths": {${JSON.stringify(hostKeys[0])}: {…}}}, or log in again.`,
    })
  }
  return out
}

/** Helper names docker would never run as meant: a wildcard key, a prefixed name. */
function helperFindings(config: ParsedConfig, where: string): Finding[] {
  const out: Finding[] = []
  for (const {key, helper} of config.credHelpers) {
    if (key.includes('*')) {
      out.push({
        code: 'credentials.cred-helpers.wildcard',
        severity: 'warn',
        message: `credHelpers key "${key}" in ${where} has a wildcard: docker and podman match credHelpers keys exactly, so it never applies`,
        fix: `List each registry host explicitly, e.g. "123456789012.dkr.ecr.us-east-1.amazonaws.com": "${helper}".`,
        evidence: key,
      })
    }
    if (helper.startsWith('docker-credential-')) out.push(prefixedHelper(`credHelpers[${JSON.stringify(key)}]`, helper, where))
  }
  if (config.credsStore?.startsWith('docker-credential-')) out.push(prefixedHelper('credsStore', config.credsStore, where))
  return out
}

/** Fields of the wrong type, and misspelled entry fields. */
function fieldFindings(config: ParsedConfig, where: string): Finding[] {
  const out: Finding[] = []
  for (const p of config.problems) {
    out.push({
      code: 'credentials.config.wrong-type',
      severity: 'warn',
      message: `${p.field} in ${where} should be ${p.expected}: docker prints "WARNING: Error loading config file" and loses the rest of its credentials; regprobe ignores only that field`,
      fix: `Fix ${p.field} in ${where}, or log in again to rewrite it.`,
      evidence: p.field,
    })
  }
  for (const e of config.auths) {
    for (const f of e.unknownFields) {
      const meant = ['auth', 'username', 'password', 'identitytoken', 'registrytoken'].find((k) => editDistance(f.toLowerCase().replace(/[_-]/g, ''), k) <= 1)
      if (meant) {
        out.push({
          code: 'credentials.config.misspelled-field',
          severity: 'warn',
          message: `auths[${JSON.stringify(e.key)}] in ${where} has the field "${f}", which docker ignores: it looks like "${meant}"`,
          fix: `Rename "${f}" to "${meant}".`,
          evidence: f,
        })
      }
    }
  }
  return out
}

function prefixedHelper(field: string, helper: string, where: string): Finding {
  return {
    code: 'credentials.helper.prefixed-name',
    severity: 'warn',
    message: `${field} in ${where} is "${helper}": docker adds the prefix itself and runs docker-credential-${helper}`,
    fix: `Write only the suffix: "${helper.slice('docker-credential-'.length)}".`,
  }
}
