/**
 * What a failure line and the lines before it say about the failing request: the tool, the image reference (or at
 * least the registry host) and the operation. The texts are the tools' own: docker's "The push refers to repository
 * [...]", kubelet's `Failed to pull image "..."`, containers/image's "reading manifest TAG in REPO", URLs of the
 * distribution API (/v2/NAME/manifests/REF), token URLs with their scope, and the commands themselves.
 */
import {parseReference} from '../reference.js'
import type {Operation, Tool} from './types.js'

export interface Target {
  registry?: string
  repository?: string
  tag?: string
  digest?: string
  reference?: string
  /** The reference as written in the log. */
  written?: string
  /** False when no tag was written and `latest` is docker's default. */
  explicitTag?: boolean
}

// A reference as tools print it: host[:port]/path[:tag][@digest] (validated by parseReference afterwards).
const REF = String.raw`[A-Za-z0-9][\w.-]*(?::\d+)?(?:/[\w.-]+)*(?::\w[\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?`

/** Texts that carry a whole reference, most specific first; group 1 is the reference. */
const REF_TEXTS: readonly RegExp[] = [
  new RegExp(String.raw`Failed to pull image "(${REF})"`),
  new RegExp(String.raw`(?:pull and unpack image|failed to resolve reference|checking push permission for|pushing manifest for|failed to push|error pushing image|Pulling image|load metadata for) "?(${REF})"?`, 'i'),
  new RegExp(String.raw`(?:pull|push) access denied for (${REF})`, 'i'),
  new RegExp(String.raw`manifest for (${REF}) not found`, 'i'),
  /The push refers to (?:a )?repository \[([^\]\s]+)\]/,
  new RegExp(String.raw`docker(?:-daemon)?://(${REF})`),
  new RegExp(String.raw`^\s*-?\s*image:\s*["']?(${REF})`),
  new RegExp(String.raw`--destination[= ]"?(${REF})`),
  new RegExp(String.raw`\b(?:docker|podman|buildah|nerdctl|crane)\s+(?:image\s+)?(?:push|pull)\s+(?:-{1,2}[\w-]+(?:[= ](?!-)\S+)?\s+)*(${REF})`),
  new RegExp(String.raw`\b(?:docker|podman)\s+(?:run|create)\s+(?:-{1,2}[\w-]+(?:[= ](?!-)\S+)?\s+)*(${REF})`),
]

/** Per line: reference, or registry and repository from API and token URLs. */
export function targetOf(text: string): Target | undefined {
  const manifest = /reading manifest (\S+) in (\S+?):/.exec(text)
  if (manifest) return fromRef(`${manifest[2]}:${manifest[1]}`)
  for (const re of REF_TEXTS) {
    const m = re.exec(text)
    const t = m ? fromRef(m[1]!) : undefined
    if (t) return t
  }
  const upload = /initiating layer upload to \/v2\/(\S+?)\/blobs\/uploads\/ in ([^\s:]+(?::\d+)?)/.exec(text)
  if (upload) return fromRef(`${upload[2]}/${upload[1]}`)
  const exists = /exists in (\S+?):/.exec(text)
  if (exists) return fromRef(exists[1]!)
  return fromUrl(text)
}

function fromUrl(text: string): Target | undefined {
  const api = /https?:\/\/([^/\s"']+)\/v2\/([\w./-]+?)\/(manifests|blobs|tags)\/([\w.:-]+)?/.exec(text)
  if (api) {
    const ref = api[3] === 'manifests' && api[4] ? (api[4].includes(':') ? `@${api[4]}` : `:${api[4]}`) : ''
    return fromRef(`${hubName(api[1]!)}/${api[2]}${ref}`) ?? {registry: hubName(api[1]!)}
  }
  const token = /https?:\/\/([^/\s"']+)[^\s"']*?[?&]scope=repository(?:%3A|:)([\w.%/-]+?)(?:%3A|:)/i.exec(text)
  if (token) {
    const service = /[?&]service=([\w.%:-]+)/.exec(text)?.[1]
    const host = token[1] === 'auth.docker.io' ? 'docker.io' : service && /\./.test(decodeURIComponent(service)) && !service.includes('%2F') ? decodeURIComponent(service).replace(/^registry\.docker\.io$/, 'docker.io') : token[1]!
    return fromRef(`${host}/${decodeURIComponent(token[2]!)}`) ?? {registry: host}
  }
  const ping = /https?:\/\/([^/\s"']+)\/v[12]\/(?:["'\s:]|_ping|$)/.exec(text)
  if (ping) return {registry: hubName(ping[1]!)}
  const login = /\blogin attempt to https?:\/\/([^/\s"']+)/.exec(text) ?? /\b(?:docker|podman|buildah|skopeo|nerdctl) login\s+(?:-{1,2}[\w-]+(?:[= ](?!-)\S+)?\s+)*(?:https?:\/\/)?([\w.-]+(?::\d+)?)/.exec(text)
  if (login) return {registry: hubName(login[1]!)}
  return undefined
}

/** docker's names for Hub's hosts. */
function hubName(host: string): string {
  return /^(registry-1|index|registry\.hub)\.docker\.(io|com)$/.test(host) ? 'docker.io' : host
}

function fromRef(written: string): Target | undefined {
  const clean = written.replace(/^(?:docker|oci):\/\//, '').replace(/[.,;:]+$/, '')
  // CI logs mask secrets as ***; the registry part can still tell which registry it is (an ECR account ID).
  if (clean.includes('*')) {
    const slash = clean.indexOf('/')
    return slash > 0 && /[.:]/.test(clean.slice(0, slash)) ? {registry: clean.slice(0, slash), repository: clean.slice(slash + 1).replace(/[:@].*$/, '')} : undefined
  }
  try {
    const r = parseReference(clean)
    const explicitTag = !r.digest && /:[\w][\w.-]*$/.test(clean.slice(clean.lastIndexOf('/') + 1))
    return {
      registry: r.registry.name,
      repository: r.repository,
      ...(r.digest ? {digest: r.digest} : {tag: r.tag ?? 'latest'}),
      reference: r.canonical,
      written: clean,
      explicitTag,
    }
  } catch {
    return undefined
  }
}

const OPERATIONS: ReadonlyArray<[Operation, RegExp]> = [
  ['push', /\bpush(?:ing|ed)?\b|blobs\/uploads|writing blob|layer upload|write_package|(?:Write|Create) organization package|uploadArtifacts|action: push|(?:%3A|:)push\b|%2Cpush|pull,push|refers to (?:a )?repository/i],
  ['pull', /\bpull(?:ing)?\b|failed to resolve reference|reading manifest|load metadata|downloadArtifacts|action: pull|manifest for \S+ not found|Unable to find image|initializing source|ErrImagePull/i],
  ['login', /\blogin attempt to|\b(?:docker|podman|buildah|skopeo|nerdctl|oras) login\b|\bhelm registry login\b|\bLogging into\b/i],
]

export function operationOf(text: string): Operation | undefined {
  for (const [op, re] of OPERATIONS) if (re.test(text)) return op
  return undefined
}

const TOOLS: ReadonlyArray<[Tool, RegExp]> = [
  ['kubelet', /\bkubelet\b|Failed to pull image "|ErrImagePull|ImagePullBackOff|Back-off pulling image/],
  ['kaniko', /kaniko|error checking push permissions/i],
  ['buildx', /\bbuildx\b|buildkit|failed to solve|^#\d+ (?:ERROR|\[)|\[internal\] load metadata|ERROR: failed to (?:build|push)/i],
  ['helm', /\bhelm\b|oci:\/\//],
  ['skopeo', /\bskopeo\b|msg="initializing source docker:|^FATA\[\d+\] initializing source/],
  ['buildah', /\bbuildah\b/],
  ['podman', /\bpodman\b|^Error: (?:writing blob|trying to reuse blob|copying image|error pushing image|initializing source|reading manifest)/],
  ['crane', /\bcrane\b/],
  ['nerdctl', /\bnerdctl\b/],
  ['containerd', /\bctr\b|failed to pull and unpack|failed to resolve reference|httpRead(?:er)?Seeker/],
  ['docker-compose', /docker-compose|docker compose/],
  ['docker', /Error response from daemon|The push refers to|\bdocker (?:push|pull|login|run|build|image)\b|Using default tag|\bdockerd\b|^denied: |^unauthorized: /],
]

/** The tool named by this line, if any. */
export function toolOf(text: string): Tool | undefined {
  for (const [tool, re] of TOOLS) if (re.test(text)) return tool
  return undefined
}
