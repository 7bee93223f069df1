import {randomUUID} from 'node:crypto'
import {isDigest, sha256Digest} from './digest.js'

export interface StoredManifest {
  digest: string
  contentType: string
  body: Buffer
}

interface Repository {
  /** Blobs are shared by digest but visible only in repositories that uploaded (or were seeded with) them. */
  blobs: Set<string>
  manifests: Map<string, StoredManifest>
  tags: Map<string, string>
}

export interface Upload {
  id: string
  repo: string
  chunks: Buffer[]
  size: number
}

/** Everything the sandbox registry holds, in memory; gone when the process or the sandbox ends. */
export class RegistryStore {
  private readonly blobs = new Map<string, Buffer>()
  private readonly repos = new Map<string, Repository>()
  private readonly uploads = new Map<string, Upload>()

  private repo(name: string): Repository {
    let repo = this.repos.get(name)
    if (repo === undefined) {
      repo = {blobs: new Set(), manifests: new Map(), tags: new Map()}
      this.repos.set(name, repo)
    }
    return repo
  }

  /** A repository exists once something was pushed to it, as in distribution's filesystem layout. */
  hasRepository(name: string): boolean {
    return this.repos.has(name)
  }

  /** Repositories holding at least one manifest, sorted like distribution's catalog walk. */
  repositories(): string[] {
    return [...this.repos].filter(([, r]) => r.manifests.size > 0).map(([name]) => name).sort()
  }

  tags(name: string): string[] | undefined {
    const repo = this.repos.get(name)
    return repo === undefined ? undefined : [...repo.tags.keys()].sort()
  }

  /** `digest` is the caller's verified digest when it used another algorithm than sha256. */
  putBlob(name: string, data: Buffer, digest = sha256Digest(data)): string {
    this.blobs.set(digest, data)
    this.repo(name).blobs.add(digest)
    return digest
  }

  getBlob(name: string, digest: string): Buffer | undefined {
    return this.repos.get(name)?.blobs.has(digest) === true ? this.blobs.get(digest) : undefined
  }

  /** Unlinks the blob from one repository; the bytes stay for the others (no garbage collection here). */
  deleteBlob(name: string, digest: string): boolean {
    return this.repos.get(name)?.blobs.delete(digest) ?? false
  }

  putManifest(name: string, reference: string, body: Buffer, contentType: string): StoredManifest {
    const repo = this.repo(name)
    const manifest = {digest: sha256Digest(body), contentType, body}
    repo.manifests.set(manifest.digest, manifest)
    if (!isDigest(reference)) repo.tags.set(reference, manifest.digest)
    return manifest
  }

  getManifest(name: string, reference: string): StoredManifest | undefined {
    const repo = this.repos.get(name)
    if (repo === undefined) return undefined
    const digest = isDigest(reference) ? reference : repo.tags.get(reference)
    return digest === undefined ? undefined : repo.manifests.get(digest)
  }

  /** Deleting by digest removes every tag pointing at it, as distribution does. */
  deleteManifest(name: string, digest: string): boolean {
    const repo = this.repos.get(name)
    if (repo === undefined || !repo.manifests.delete(digest)) return false
    for (const [tag, target] of repo.tags) if (target === digest) repo.tags.delete(tag)
    return true
  }

  startUpload(name: string): Upload {
    const upload = {id: randomUUID(), repo: name, chunks: [], size: 0}
    this.uploads.set(upload.id, upload)
    return upload
  }

  getUpload(name: string, id: string): Upload | undefined {
    const upload = this.uploads.get(id)
    return upload?.repo === name ? upload : undefined
  }

  appendUpload(upload: Upload, chunk: Buffer): void {
    if (chunk.length === 0) return
    upload.chunks.push(chunk)
    upload.size += chunk.length
  }

  endUpload(id: string): void {
    this.uploads.delete(id)
  }

  get openUploads(): number {
    return this.uploads.size
  }
}
