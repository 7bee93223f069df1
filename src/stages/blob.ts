import type {HttpResult} from '../http/client.js'
import {ExitCode, type AccessFacts, type BlobHopFacts, type Exchange, type Finding} from '../trace/types.js'
import {transportFinding} from './transport-finding.js'
import {rateLimitedFinding} from '../diagnosis/rate-limit.js'
import {dockerStyle, registryErrors} from './context.js'
import type {StageContext} from './context.js'
import {hostOfUrl} from '../http/hosts.js'

/**
 * `doctor --blob`: fetch one blob the way a pull does, following the registry's redirect to its storage (S3, GCS,
 * Azure, a CDN), host by host (failure-stories.md §16). A pull that passes the manifest HEAD can still fail here: the
 * storage refuses a client that forwards the registry's Authorization ("Only one auth mechanism allowed"), its
 * signature has expired, or an egress policy lets the registry's host through but not the bucket's. Opt-in: it costs
 * a manifest GET (which counts as a pull on Docker Hub) and the blob.
 */
export interface BlobInput {
  baseUrl: string
  repository: string
  reference: string
  accept: string
  authorization?: string
  anonymous?: boolean
}

export interface BlobResult {
  facts: AccessFacts
  findings: Finding[]
  exchanges: Exchange[]
}

export async function blobCheck(ctx: StageContext, input: BlobInput): Promise<BlobResult> {
  const auth: Record<string, string> = input.authorization ? {authorization: input.authorization} : {}
  const exchanges: Exchange[] = []
  const findings: Finding[] = []
  const facts: AccessFacts = {}
  const get = async (path: string, accept?: string) => {
    const r = await ctx.http.send({method: 'GET', url: `${input.baseUrl}/v2/${input.repository}/${path}`, headers: {...auth, ...(accept ? {accept} : {})}})
    exchanges.push(...r.exchanges)
    return r
  }
  let manifest = await get(`manifests/${input.reference}`, input.accept)
  // An index names one manifest per platform: any of them leads to blobs stored the same way.
  const child = (manifest.json as {manifests?: Array<{digest?: unknown}>} | undefined)?.manifests?.find((m) => typeof m.digest === 'string')
  if (manifest.status === 200 && child) manifest = await get(`manifests/${child.digest as string}`, input.accept)
  const body = manifest.json as {config?: {digest?: unknown}; layers?: Array<{digest?: unknown}>} | undefined
  const digest = [body?.config?.digest, ...(body?.layers ?? []).map((l) => l.digest)].find((d): d is string => typeof d === 'string')
  if (manifest.status === 429) {
    // The GET counts against the pull budget where the HEAD did not: this is the refusal docker's pull gets.
    findings.push(rateLimitedFinding(manifest.headers!, dockerStyle(registryErrors(manifest)), input.anonymous ?? false, ctx.now()))
    return {facts, findings, exchanges}
  }
  if (manifest.status !== 200 || !digest) {
    findings.push({code: 'access.blob.no-manifest', severity: 'warn', message: `no blob to fetch: the manifest GET answered ${manifest.status ?? manifest.failure?.code}${manifest.status === 200 ? ' without a config or layer digest' : ''}`})
    return {facts, findings, exchanges}
  }
  const blob = await get(`blobs/${digest}`)
  facts.blob = digest
  facts.blobHops = hops(blob)
  facts.blobPath = facts.blobHops.map((x) => `${x.host} (${x.authorization ? 'with' : 'no'} Authorization) → ${x.status ?? x.error ?? '?'}`).join('; ')
  const finding = judgeBlob(blob, new URL(input.baseUrl).host)
  if (finding) findings.push(finding)
  return {facts, findings, exchanges}
}

/** Each request of the download: the host, whether it carried Authorization, and its answer. */
function hops(r: HttpResult): BlobHopFacts[] {
  return r.exchanges.map((x) => ({
    host: hostOfUrl(x.request.url),
    authorization: 'authorization' in x.request.headers,
    ...(x.response ? {status: x.response.status} : x.error ? {error: x.error.code} : {}),
  }))
}

function judgeBlob(r: HttpResult, registryHost: string): Finding | undefined {
  // r.url is the last hop as requested (not the recorded, redacted copy).
  const host = hostOfUrl(r.url)
  const redirected = host !== registryHost
  if (r.failure && !r.status) {
    if (!redirected) return transportFinding('access.blob', r.failure)
    return {
      ...transportFinding('access.blob', r.failure),
      code: `access.blob.storage.${r.failure.code}`,
      message: `the registry sent the blob to ${host}, which this machine cannot reach: ${r.failure.message}`,
      fix: `Allow ${host} through the firewall or proxy as well as the registry's host (egress rules often list only the registry); NO_PROXY and the proxy's allow-list need it too.`,
    }
  }
  if (r.status === 200 || r.status === 206) return undefined
  const storage = storageError(r.text)
  const said = storage ? `${storage.code}${storage.message ? `: ${storage.message}` : ''}` : (r.text ?? '').trim().slice(0, 120)
  if (!redirected) {
    return {code: 'access.blob.registry-refused', severity: 'error', exitCode: r.status === 404 ? ExitCode.NOT_FOUND : ExitCode.DENIED, message: `the registry refused the blob (${r.status}${said ? `: ${said}` : ''}) although it served the manifest`}
  }
  return {
    code: 'access.blob.storage.rejected',
    severity: 'error',
    exitCode: ExitCode.PROTOCOL,
    message: `the blob storage at ${host} refused the redirected request (${r.status}${said ? `: ${said}` : ''})`,
    fix: storageFix(storage?.code, said),
    evidence: `redirect from ${registryHost}`,
  }
}

/** S3, GCS and Azure answer in XML: <Error><Code>…</Code><Message>…</Message></Error>. */
function storageError(text: string | undefined): {code: string; message?: string} | undefined {
  const code = /<Code>([^<]{1,80})<\/Code>/.exec(text ?? '')?.[1]
  if (!code) return undefined
  return {code, message: /<Message>([^<]{1,200})<\/Message>/.exec(text ?? '')?.[1]}
}

function storageFix(code: string | undefined, said: string): string {
  if (/only one auth mechanism|authorization header should be specified, not both/i.test(said)) {
    return 'The storage got both the presigned URL and an Authorization header: the client forwarded the registry\'s credentials across the redirect (regprobe does not; docker does not). Fix the client or the proxy in between.'
  }
  if (code === 'RequestTimeTooSkewed' || /expired/i.test(said)) return 'The presigned URL is judged by the storage\'s clock: sync this machine\'s and the registry\'s clocks (NTP), and retry at once after the redirect.'
  if (code === 'AccessDenied' || code === 'SignatureDoesNotMatch') return 'The registry\'s storage credentials or bucket policy refuse this request (or a proxy rewrote the URL): check the registry\'s storage configuration; clients cannot fix it.'
  return 'The registry\'s storage backend refused the download: see its message; the registry itself served the manifest.'
}
