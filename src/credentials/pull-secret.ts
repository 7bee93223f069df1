/**
 * --pull-secret FILE: a Kubernetes image pull secret as `kubectl get secret NAME -o yaml` or `-o json` prints it
 * (type kubernetes.io/dockerconfigjson with data[".dockerconfigjson"], or the legacy kubernetes.io/dockercfg with
 * data[".dockercfg"]; data base64, or stringData as written in a manifest), or a bare config JSON.
 *
 * Read as the kubelet reads it (k8s pkg/credentialprovider config.go): `auth` wins over username/password and is
 * base64 (padded or not) of USER:PASSWORD; one undecodable entry makes the whole secret unusable, so it is exit 2
 * here too. Loaded only when the flag is given. Messages name keys and fields, never values.
 */
import {UsageError} from '../errors.js'
import {jsonErrorWithoutContent} from './config-file.js'
import {parseYaml, YamlError} from './mini-yaml.js'
import {readCredentialFile} from './read-file.js'

export const DOCKERCONFIGJSON = 'kubernetes.io/dockerconfigjson'
export const DOCKERCFG = 'kubernetes.io/dockercfg'

export interface PullSecretEntry {
  /** The key as written: 'https://index.docker.io/v1/', '*.example.com', 'registry:5000/team'. */
  key: string
  username: string
  password: string
  /** The username/password fields disagree with what `auth` decodes to (the kubelet uses auth's). */
  disagrees?: Array<'username' | 'password'>
}

export interface PullSecret {
  path: string
  /** 'namespace/name' of the Secret, or the file name for a bare config. */
  label: string
  /** The Secret's type, or 'config' for a bare config JSON. */
  type: string
  entries: PullSecretEntry[]
}

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

function bad(path: string, what: string, code: string, hint?: string): UsageError {
  return new UsageError(`--pull-secret ${path}: ${what}`, `pull-secret.${code}`, hint)
}

export async function loadPullSecret(path: string): Promise<PullSecret> {
  const read = await readCredentialFile(path)
  if (!read.exists) throw bad(path, 'no such file', 'missing', 'Save it with: kubectl get secret NAME -n NAMESPACE -o yaml > FILE')
  if (!read.readable) throw bad(path, `cannot be read (${read.error})`, 'unreadable')
  return parsePullSecret(read.text, path)
}

/** Pure: the text of the file, and its path for messages. */
export function parsePullSecret(text: string, path: string): PullSecret {
  const doc = parseDocument(text, path)
  if (isSecret(doc)) return fromSecret(doc, path)
  const label = path.split('/').pop() ?? path
  if (isObj(doc.auths)) return {path, label, type: 'config', entries: entriesOf(doc.auths, path, 'auths')}
  if (Object.keys(doc).length > 0 && Object.values(doc).every(isObj)) return {path, label, type: 'config', entries: entriesOf(doc, path, '')}
  throw bad(path, 'is neither a Secret (kind: Secret) nor a docker config ({"auths": …})', 'not-a-secret')
}

function parseDocument(text: string, path: string): Obj {
  let doc: unknown
  if (/^\s*\{/.test(text)) {
    try {
      doc = JSON.parse(text)
    } catch (err) {
      throw bad(path, `is ${jsonErrorWithoutContent(text, (err as Error).message)}`, 'not-json')
    }
  } else {
    try {
      doc = parseYaml(text)
    } catch (err) {
      if (err instanceof YamlError) throw bad(path, `is not YAML as kubectl prints it (${err.message})`, 'not-yaml')
      throw err
    }
  }
  if (isObj(doc) && doc.kind === 'List' && Array.isArray(doc.items)) {
    if (doc.items.length !== 1) throw bad(path, `is a List of ${doc.items.length} items`, 'list', 'Save one Secret: kubectl get secret NAME -o yaml.')
    doc = doc.items[0]
  }
  if (!isObj(doc)) throw bad(path, 'is empty or not a mapping', 'not-a-secret')
  return doc
}

function isSecret(doc: Obj): boolean {
  return doc.kind === 'Secret' || 'data' in doc || 'stringData' in doc || 'type' in doc
}

function fromSecret(doc: Obj, path: string): PullSecret {
  const meta = isObj(doc.metadata) ? doc.metadata : {}
  const name = typeof meta.name === 'string' ? meta.name : '(unnamed)'
  const namespace = typeof meta.namespace === 'string' ? meta.namespace : 'default'
  const label = `${namespace}/${name}`
  const type = typeof doc.type === 'string' ? doc.type : undefined
  if (type !== DOCKERCONFIGJSON && type !== DOCKERCFG) {
    throw bad(path, `the Secret ${label} has type ${type ?? '(none)'}, and the kubelet uses only ${DOCKERCONFIGJSON} (or the legacy ${DOCKERCFG}) as image pull secrets`, 'wrong-type', `Recreate it: kubectl create secret docker-registry ${name} --docker-server=HOST --docker-username=USER --docker-password=…`)
  }
  const dataKey = type === DOCKERCONFIGJSON ? '.dockerconfigjson' : '.dockercfg'
  const json = secretValue(doc, dataKey, label, path)
  let parsed: unknown
  try {
    parsed = JSON.parse(json)
  } catch (err) {
    throw bad(path, `${dataKey} in ${label} is ${jsonErrorWithoutContent(json, (err as Error).message)}`, 'not-json')
  }
  if (!isObj(parsed)) throw bad(path, `${dataKey} in ${label} is not a JSON object`, 'not-json')
  if (type === DOCKERCFG) return {path, label, type, entries: entriesOf(parsed, path, '')}
  const auths = parsed.auths ?? {}
  if (!isObj(auths)) throw bad(path, `"auths" in ${label}'s ${dataKey} is not an object`, 'not-json')
  return {path, label, type, entries: entriesOf(auths, path, 'auths')}
}

/** stringData is merged over data when the Secret is written, so it wins here too. */
function secretValue(doc: Obj, dataKey: string, label: string, path: string): string {
  const stringData = isObj(doc.stringData) ? doc.stringData : {}
  if (typeof stringData[dataKey] === 'string') return stringData[dataKey]
  const data = isObj(doc.data) ? doc.data : {}
  const raw = data[dataKey]
  if (typeof raw !== 'string' || raw.trim() === '') throw bad(path, `the Secret ${label} has no data["${dataKey}"] (nor stringData)`, 'no-data')
  const compact = raw.replace(/\s+/g, '')
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) throw bad(path, `data["${dataKey}"] in ${label} is not base64`, 'not-base64', 'kubectl prints data base64-encoded; a value written by hand belongs under stringData.')
  return Buffer.from(compact, 'base64').toString('utf8')
}

/** Go's encoding/json matches field names case-insensitively. */
function field(o: Obj, name: string): string | undefined {
  const k = Object.keys(o).find((x) => x.toLowerCase() === name)
  const v = k === undefined ? undefined : o[k]
  return typeof v === 'string' ? v : undefined
}

function entriesOf(map: Obj, path: string, section: string): PullSecretEntry[] {
  const out: PullSecretEntry[] = []
  for (const [key, value] of Object.entries(map)) {
    const where = section ? `${section}["${key}"]` : `["${key}"]`
    if (!isObj(value)) throw bad(path, `${where} is not an object`, 'not-json')
    const username = field(value, 'username') ?? ''
    const password = field(value, 'password') ?? ''
    const auth = field(value, 'auth') ?? ''
    if (auth === '') {
      out.push({key, username, password})
      continue
    }
    const d = decodeKubeletAuth(auth)
    if (!d.ok) throw bad(path, `${where}.auth ${d.why}, so the kubelet cannot read this secret at all`, 'bad-auth', 'Write auth as base64 of USER:PASSWORD (printf \'%s\' "user:pass" | base64 -w0).')
    const entry: PullSecretEntry = {key, username: d.username, password: d.password}
    const disagrees = (['username', 'password'] as const).filter((f) => (f === 'username' ? username : password) !== '' && (f === 'username' ? username : password) !== d[f])
    if (disagrees.length) entry.disagrees = disagrees
    out.push(entry)
  }
  return out
}

/**
 * k8s credentialprovider decodeDockerConfigFieldAuth: StdEncoding when the value ends with "=", else RawStdEncoding
 * (unpadded); split on the first ':'. The user name may be empty there; the password keeps everything after ':'.
 */
export function decodeKubeletAuth(auth: string): {ok: true; username: string; password: string} | {ok: false; why: string} {
  const s = auth.trim()
  const padded = s.endsWith('=')
  const valid = padded ? /^[A-Za-z0-9+/]*={1,2}$/.test(s) && s.length % 4 === 0 : /^[A-Za-z0-9+/]*$/.test(s) && s.length % 4 !== 1
  if (!valid) return {ok: false, why: 'is not base64'}
  const decoded = Buffer.from(s, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon === -1) return {ok: false, why: 'does not decode to user:password (no ":")'}
  return {ok: true, username: decoded.slice(0, colon), password: decoded.slice(colon + 1)}
}
