import type {RequestContext} from './context.js'
import {digestMatches, isDigest} from './digest.js'
import type {Upload} from './store.js'
import {methodNotAllowed, readBody, sendError} from './wire.js'

/** Blobs are content-addressed, so distribution lets them be cached for a year. */
const BLOB_CACHE_CONTROL = 'max-age=31536000'

function send(ctx: RequestContext, status: number, headers: Record<string, string>, body?: Buffer): void {
  ctx.res.writeHead(status, {...headers, 'Content-Length': String(body?.length ?? 0)})
  ctx.res.end(body)
}

export function handleBlob(ctx: RequestContext, name: string, digest: string): void {
  const method = ctx.req.method
  if (method !== 'GET' && method !== 'HEAD' && method !== 'DELETE') return methodNotAllowed(ctx.res, ['GET', 'HEAD', 'DELETE'])
  if (!isDigest(digest)) return sendError(ctx.res, 'DIGEST_INVALID', {detail: {}})
  if (method === 'DELETE') {
    if (!ctx.store.deleteBlob(name, digest)) return sendError(ctx.res, 'BLOB_UNKNOWN', {detail: digest})
    return send(ctx, 202, {})
  }
  const blob = ctx.store.getBlob(name, digest)
  if (blob === undefined) return sendError(ctx.res, 'BLOB_UNKNOWN', {detail: digest})
  const headers = {
    'Content-Type': 'application/octet-stream',
    'Docker-Content-Digest': digest,
    ETag: `"${digest}"`,
    'Accept-Ranges': 'bytes',
    'Cache-Control': BLOB_CACHE_CONTROL,
  }
  send(ctx, 200, headers, blob)
}

function uploadHeaders(ctx: RequestContext, upload: Upload): Record<string, string> {
  return {
    Location: `${ctx.origin}/v2/${upload.repo}/blobs/uploads/${upload.id}`,
    'Docker-Upload-UUID': upload.id,
    // distribution reports the last byte received, and 0-0 before the first one.
    Range: `0-${Math.max(upload.size - 1, 0)}`,
  }
}

/** Stores the upload's bytes if they match `digest`; the session ends either way, as in distribution. */
function commit(ctx: RequestContext, upload: Upload, digest: string | null): void {
  const data = Buffer.concat(upload.chunks)
  ctx.store.endUpload(upload.id)
  if (digest === null || !digestMatches(digest, data)) {
    return sendError(ctx.res, 'DIGEST_INVALID', {detail: {Digest: digest ?? '', Reason: {}}})
  }
  ctx.store.putBlob(upload.repo, data, digest)
  send(ctx, 201, {Location: `${ctx.origin}/v2/${upload.repo}/blobs/${digest}`, 'Docker-Content-Digest': digest})
}

/**
 * POST opens a session (202), or mounts a blob from another repository (201) when `?mount=&from=` names one that
 * holds it (the caller was authorized for pull there). Like registry 2.8 (measured), a `?digest=` monolithic upload
 * is not honoured: it gets a plain session, which the spec allows and clients handle.
 */
export async function handleUploadStart(ctx: RequestContext, name: string): Promise<void> {
  if (ctx.req.method !== 'POST') return methodNotAllowed(ctx.res, ['POST'])
  await readBody(ctx.req)
  const mount = ctx.url.searchParams.get('mount')
  const from = ctx.url.searchParams.get('from')
  const source = mount !== null && from !== null && isDigest(mount) ? ctx.store.getBlob(from, mount) : undefined
  if (source !== undefined) {
    ctx.store.putBlob(name, source, mount!)
    return send(ctx, 201, {Location: `${ctx.origin}/v2/${name}/blobs/${mount}`, 'Docker-Content-Digest': mount!})
  }
  send(ctx, 202, uploadHeaders(ctx, ctx.store.startUpload(name)))
}

export async function handleUpload(ctx: RequestContext, name: string, id: string): Promise<void> {
  const method = ctx.req.method
  if (method !== 'GET' && method !== 'PATCH' && method !== 'PUT' && method !== 'DELETE') {
    return methodNotAllowed(ctx.res, ['GET', 'PATCH', 'PUT', 'DELETE'])
  }
  const upload = ctx.store.getUpload(name, id)
  if (upload === undefined) return sendError(ctx.res, 'BLOB_UPLOAD_UNKNOWN', {detail: {}})
  switch (method) {
    case 'GET':
      ctx.res.writeHead(204, uploadHeaders(ctx, upload))
      return void ctx.res.end()
    case 'PATCH':
      ctx.store.appendUpload(upload, await readBody(ctx.req))
      return send(ctx, 202, uploadHeaders(ctx, upload))
    case 'PUT':
      ctx.store.appendUpload(upload, await readBody(ctx.req))
      return commit(ctx, upload, ctx.url.searchParams.get('digest'))
    case 'DELETE':
      ctx.store.endUpload(upload.id)
      ctx.res.writeHead(204, {'Docker-Upload-UUID': upload.id})
      return void ctx.res.end()
  }
}
