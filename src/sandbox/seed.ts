import {gzipSync} from 'node:zlib'
import {sha256Digest} from './digest.js'
import {OCI_CONFIG, OCI_LAYER_GZIP, OCI_MANIFEST} from './media-types.js'
import type {RegistryStore} from './store.js'
import {tarArchive} from './tar.js'


/** Where the sandbox puts its seeded image (tag `latest`): anonymous may pull the first, only bob and alice the second. */
export const SEEDED_REPOSITORIES = ['library/hello', 'team/app'] as const
export const SEEDED_TAG = 'latest'

export interface SeedImage {
  manifest: Buffer
  manifestDigest: string
  config: Buffer
  layer: Buffer
}

/** A small, valid OCI image: one gzipped layer holding /hello.txt, and a config whose diff_id matches it. */
export function buildSeedImage(): SeedImage {
  const tar = tarArchive([{name: 'hello.txt', content: Buffer.from('Hello from the regprobe sandbox.\n')}])
  const layer = gzipSync(tar, {level: 9})
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      created: '2024-01-01T00:00:00Z',
      config: {Cmd: ['/hello.txt']},
      rootfs: {type: 'layers', diff_ids: [sha256Digest(tar)]},
      history: [{created: '2024-01-01T00:00:00Z', created_by: 'regprobe sandbox seed'}],
    }),
  )
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: {mediaType: OCI_CONFIG, digest: sha256Digest(config), size: config.length},
      layers: [{mediaType: OCI_LAYER_GZIP, digest: sha256Digest(layer), size: layer.length}],
    }),
  )
  return {manifest, manifestDigest: sha256Digest(manifest), config, layer}
}

export function seedStore(store: RegistryStore, image: SeedImage = buildSeedImage()): void {
  for (const repo of SEEDED_REPOSITORIES) {
    store.putBlob(repo, image.config)
    store.putBlob(repo, image.layer)
    store.putManifest(repo, SEEDED_TAG, image.manifest, OCI_MANIFEST)
  }
}
