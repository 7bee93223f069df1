import type {RequestContext} from './context.js'
import {isDigest, sha256Digest} from './digest.js'
import {isTag} from './names.js'
import {OCI_INDEX, OCI_MANIFEST} from './media-types.js'
import type {StoredManifest} from './store.js'
import {methodNotAllowed, readBody, sendError} from './wire.js'

interface Descriptor {
  digest?: unknown
}

interface ManifestShape {
  mediaType?: unknown
  config?: Descriptor
  layers?: Descriptor[]
  manifests?: Descriptor[]
}

function send(ctx: RequestContext, status: number, headers: Record<string, string>, body?: Buffer): void {
  ctx.res.writeHead(status, {...headers, 'Content-Length': String(body?.length ?? 0)})
  ctx.res.end(body)
}

export async function handleManifest(ctx: RequestContext, name: string, reference: string): Promise<void> {
  switch (ctx.req.method) {
    case 'GET':
    case 'HEAD':
      return getManifest(ctx, name, reference)
    case 'PUT':
      return putManifest(ctx, name, reference)
    case 'DELETE':
      return deleteManifest(ctx, name, reference)
    default:
      return methodNotAllowed(ctx.res, ['GET', 'HEAD', 'PUT', 'DELETE'])
  }
}

function acceptedTypes(ctx: RequestContext): string[] {
  const header = ctx.req.headers.accept ?? ''
  return header.split(',').map((part) => part.split(';')[0]!.trim().toLowerCase())
}

/**
 * Registry 2.8 hides OCI manifests and indexes from clients that do not list the type in Accept (measured: 404
 * MANIFEST_UNKNOWN with this message). A client sending only `*\/*`, as fetch does by default, hits it too.
 */
function hiddenByAccept(ctx: RequestContext, manifest: StoredManifest): string | undefined {
  if (manifest.contentType !== OCI_MANIFEST && manifest.contentType !== OCI_INDEX) return undefined
  if (acceptedTypes(ctx).includes(manifest.contentType)) return undefined
  return manifest.contentType === OCI_MANIFEST
    ? 'OCI manifest found, but accept header does not support OCI manifests'
    : 'OCI index found, but accept header does not support OCI indexes'
}

function getManifest(ctx: RequestContext, name: string, reference: string): void {
  const manifest = ctx.store.getManifest(name, reference)
  if (manifest === undefined) {
    // The detail mirrors distribution's ErrTagUnknown / ErrManifestUnknownRevision.
    const detail = isDigest(reference) ? {Name: name, Revision: reference} : {Tag: reference}
    return sendError(ctx.res, 'MANIFEST_UNKNOWN', {detail})
  }
  const hidden = hiddenByAccept(ctx, manifest)
  if (hidden !== undefined) return sendError(ctx.res, 'MANIFEST_UNKNOWN', {message: hidden})
  send(ctx, 200, {'Content-Type': manifest.contentType, 'Docker-Content-Digest': manifest.digest, ETag: `"${manifest.digest}"`}, manifest.body)
}

/** Digests a manifest points at that must already be here: blobs for an image, manifests for an index. */
function missingReference(ctx: RequestContext, name: string, manifest: ManifestShape): string | undefined {
  const blobs = [manifest.config, ...(manifest.layers ?? [])].filter((d): d is Descriptor => d !== undefined)
  for (const d of blobs) {
    if (typeof d.digest !== 'string' || ctx.store.getBlob(name, d.digest) === undefined) return String(d.digest)
  }
  for (const d of manifest.manifests ?? []) {
    if (typeof d.digest !== 'string' || ctx.store.getManifest(name, d.digest) === undefined) return String(d.digest)
  }
  return undefined
}

async function putManifest(ctx: RequestContext, name: string, reference: string): Promise<void> {
  if (!isDigest(reference) && !isTag(reference)) return sendError(ctx.res, 'TAG_INVALID', {detail: {Tag: reference}})
  const body = await readBody(ctx.req)
  let manifest: ManifestShape
  try {
    manifest = JSON.parse(body.toString('utf8')) as ManifestShape
    if (manifest === null || typeof manifest !== 'object' || Array.isArray(manifest)) throw new Error('not an object')
  } catch {
    return sendError(ctx.res, 'MANIFEST_INVALID', {detail: 'manifest is not a JSON object'})
  }
  // The store addresses manifests by sha256, so a digest reference must be that digest of these exact bytes.
  if (isDigest(reference) && reference !== sha256Digest(body)) return sendError(ctx.res, 'DIGEST_INVALID')
  const missing = missingReference(ctx, name, manifest)
  if (missing !== undefined) return sendError(ctx.res, 'MANIFEST_BLOB_UNKNOWN', {detail: missing})
  const declared = typeof manifest.mediaType === 'string' ? manifest.mediaType : undefined
  const contentType = ctx.req.headers['content-type'] ?? declared ?? OCI_MANIFEST
  const stored = ctx.store.putManifest(name, reference, body, contentType)
  send(ctx, 201, {Location: `${ctx.origin}/v2/${name}/manifests/${stored.digest}`, 'Docker-Content-Digest': stored.digest})
}

function deleteManifest(ctx: RequestContext, name: string, reference: string): void {
  // distribution deletes by digest only and answers a tag with DIGEST_INVALID.
  if (!isDigest(reference)) return sendError(ctx.res, 'DIGEST_INVALID')
  if (!ctx.store.deleteManifest(name, reference)) return sendError(ctx.res, 'MANIFEST_UNKNOWN')
  send(ctx, 202, {})
}
