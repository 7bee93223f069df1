/**
 * Pure parser for docker's config.json and podman's auth.json (same shape): no I/O, no secrets in problems.
 *
 * Shape (docker/cli cli/config/configfile/file.go `ConfigFile`, cli/config/types/authconfig.go `AuthConfig`):
 *   {"auths": {"<key>": {"auth": base64(user:pass), "username", "password", "identitytoken", "registrytoken",
 *                        "email", "serveraddress"}},
 *    "credsStore": "<suffix>", "credHelpers": {"<host>": "<suffix>"}, ...formatting and plugin settings}
 * Go's encoding/json matches field names case-insensitively, so "CredsStore" works in docker; we do the same and
 * report only names that match no field at all.
 */

export interface AuthEntry {
  /** The key exactly as written in the file. */
  key: string
  auth?: string
  username?: string
  password?: string
  identitytoken?: string
  registrytoken?: string
  /** Entry keys that match no AuthConfig field (e.g. "identity_token"). */
  unknownFields: string[]
  /** Fields present with a non-string value, which docker refuses. */
  wrongTypes: string[]
}

export interface ConfigProblem {
  /** 'wrong-type' (docker cannot load the field) or 'not-an-object'. */
  kind: 'wrong-type' | 'not-an-object'
  /** JSON path such as 'auths["ghcr.io"].auth' or 'credHelpers'. */
  field: string
  expected: string
}

export interface ParsedConfig {
  /** In file order: Go iterates maps randomly, we take the first match in the order the user reads. */
  auths: AuthEntry[]
  credsStore?: string
  credHelpers: Array<{key: string; helper: string}>
  /** Top-level keys (as written) that match no docker config field. */
  unknownKeys: string[]
  /** Top-level keys that match a docker field only case-insensitively ("credSstore" is "credsStore" to Go). */
  caseVariants: Array<{written: string; canonical: string}>
  /** The top-level keys as written, to tell a legacy ~/.dockercfg-style file apart. */
  topLevelKeys: string[]
  problems: ConfigProblem[]
}

export type ParseResult = {ok: true; config: ParsedConfig} | {ok: false; error: string}

/** docker/cli ConfigFile's JSON names (file.go), including the deprecated ones a file may still carry. */
export const DOCKER_CONFIG_FIELDS = [
  'auths', 'HttpHeaders', 'psFormat', 'imagesFormat', 'networksFormat', 'pluginsFormat', 'volumesFormat', 'statsFormat',
  'detachKeys', 'credsStore', 'credHelpers', 'serviceInspectFormat', 'servicesFormat', 'tasksFormat', 'secretFormat',
  'configFormat', 'nodesFormat', 'pruneFilters', 'proxies', 'currentContext', 'cliPluginsExtraDirs', 'plugins',
  'aliases', 'features', 'experimental', 'stackOrchestrator', 'kubernetes', 'filename',
] as const

/** docker/cli types.AuthConfig JSON names. */
export const AUTH_ENTRY_FIELDS = ['auth', 'username', 'password', 'identitytoken', 'registrytoken', 'email', 'serveraddress'] as const

const lower = (s: string) => s.toLowerCase()
const TOP_LEVEL = new Set(DOCKER_CONFIG_FIELDS.map(lower))
const ENTRY_FIELDS = new Set<string>(AUTH_ENTRY_FIELDS)

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Go's case-insensitive field match: the first key whose lower-case form equals the field's. */
function pick(obj: Record<string, unknown>, field: string): {key: string; value: unknown} | undefined {
  if (Object.prototype.hasOwnProperty.call(obj, field)) return {key: field, value: obj[field]}
  const k = Object.keys(obj).find((x) => lower(x) === lower(field))
  return k === undefined ? undefined : {key: k, value: obj[k]}
}

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v
}

/** Empty text is an empty config, as docker's LoadFromReader treats io.EOF. */
export function parseConfigText(text: string): ParseResult {
  if (text.trim() === '') return {ok: true, config: emptyConfig()}
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (err) {
    return {ok: false, error: jsonErrorWithoutContent(text, (err as Error).message)}
  }
  if (!isObject(raw)) return {ok: false, error: `the top level is ${typeName(raw)}, not a JSON object`}
  return {ok: true, config: parseConfigObject(raw)}
}

export function parseConfigObject(raw: Record<string, unknown>): ParsedConfig {
  const config = emptyConfig()
  config.topLevelKeys = Object.keys(raw)
  config.unknownKeys = config.topLevelKeys.filter((k) => !TOP_LEVEL.has(lower(k)))
  for (const k of config.topLevelKeys) {
    const canonical = DOCKER_CONFIG_FIELDS.find((f) => lower(f) === lower(k))
    if (canonical && canonical !== k) config.caseVariants.push({written: k, canonical})
  }

  const auths = pick(raw, 'auths')
  if (auths && auths.value !== null) {
    if (!isObject(auths.value)) config.problems.push({kind: 'wrong-type', field: auths.key, expected: 'an object of registry → entry'})
    else {
      for (const [key, value] of Object.entries(auths.value)) {
        if (!isObject(value)) {
          config.problems.push({kind: 'not-an-object', field: `${auths.key}[${JSON.stringify(key)}]`, expected: 'an object such as {"auth": "…"}'})
          continue
        }
        config.auths.push(parseEntry(key, value, `${auths.key}[${JSON.stringify(key)}]`, config.problems))
      }
    }
  }

  const store = pick(raw, 'credsStore')
  if (store && store.value !== null) {
    if (typeof store.value === 'string') {
      if (store.value !== '') config.credsStore = store.value
    } else config.problems.push({kind: 'wrong-type', field: store.key, expected: 'a string (the helper suffix, e.g. "desktop")'})
  }

  const helpers = pick(raw, 'credHelpers')
  if (helpers && helpers.value !== null) {
    if (!isObject(helpers.value)) config.problems.push({kind: 'wrong-type', field: helpers.key, expected: 'an object of registry → helper suffix'})
    else {
      for (const [key, helper] of Object.entries(helpers.value)) {
        if (typeof helper === 'string') config.credHelpers.push({key, helper})
        else config.problems.push({kind: 'wrong-type', field: `${helpers.key}[${JSON.stringify(key)}]`, expected: 'a string (the helper suffix)'})
      }
    }
  }
  return config
}

function parseEntry(key: string, value: Record<string, unknown>, path: string, problems: ConfigProblem[]): AuthEntry {
  const entry: AuthEntry = {key, unknownFields: [], wrongTypes: []}
  for (const field of ['auth', 'username', 'password', 'identitytoken', 'registrytoken'] as const) {
    const p = pick(value, field)
    if (!p || p.value === null) continue
    if (typeof p.value === 'string') entry[field] = p.value
    else {
      entry.wrongTypes.push(p.key)
      problems.push({kind: 'wrong-type', field: `${path}.${p.key}`, expected: 'a string'})
    }
  }
  entry.unknownFields = Object.keys(value).filter((k) => !ENTRY_FIELDS.has(lower(k)))
  return entry
}

/** V8 quotes a slice of the input in some JSON errors, and that slice may hold a secret: keep only where it broke. */
export function jsonErrorWithoutContent(text: string, message: string): string {
  const m = /at position (\d+)/.exec(message)
  if (!m) return /Unexpected end/i.test(message) ? 'not valid JSON: it ends too early' : 'not valid JSON'
  const pos = Number(m[1])
  const before = text.slice(0, pos)
  const line = before.split('\n').length
  const column = pos - before.lastIndexOf('\n')
  return `not valid JSON at line ${line} column ${column}`
}

export function emptyConfig(): ParsedConfig {
  return {auths: [], credHelpers: [], unknownKeys: [], caseVariants: [], topLevelKeys: [], problems: []}
}

export type DecodedAuth = {ok: true; username: string; password: string} | {ok: false; reason: 'not-base64' | 'no-colon' | 'empty-username'}

/**
 * docker/cli configfile.decodeAuth: standard base64, split on the first ':', NUL bytes trimmed from the password
 * (some old tools padded it), and an empty user name is an error ("Invalid auth configuration file").
 */
export function decodeAuth(auth: string): DecodedAuth {
  const trimmed = auth.trim()
  // Go's base64.StdEncoding wants the padding, so unpadded input fails in docker as it does here.
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(trimmed) || trimmed.length % 4 !== 0) return {ok: false, reason: 'not-base64'}
  const decoded = Buffer.from(trimmed, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon === -1) return {ok: false, reason: 'no-colon'}
  const username = decoded.slice(0, colon)
  if (username === '') return {ok: false, reason: 'empty-username'}
  return {ok: true, username, password: decoded.slice(colon + 1).replace(/^\0+|\0+$/g, '')}
}

export function encodeAuth(username: string, password: string): string {
  return Buffer.from(`${username}:${password}`, 'utf8').toString('base64')
}
