import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {gunzipSync} from 'node:zlib'
import {sha256Digest} from '../../src/sandbox/digest.js'
import {buildSeedImage} from '../../src/sandbox/seed.js'
import {tarArchive} from '../../src/sandbox/tar.js'

describe('sandbox seed image', () => {
  const image = buildSeedImage()
  const manifest = JSON.parse(image.manifest.toString())
  const config = JSON.parse(image.config.toString())

  it('manifest descriptors match the blobs', () => {
    assert.equal(manifest.config.digest, sha256Digest(image.config))
    assert.equal(manifest.config.size, image.config.length)
    assert.equal(manifest.layers[0].digest, sha256Digest(image.layer))
    assert.equal(manifest.layers[0].size, image.layer.length)
    assert.equal(image.manifestDigest, sha256Digest(image.manifest))
  })

  it("config's diff_id is the digest of the uncompressed layer", () => {
    assert.deepEqual(config.rootfs.diff_ids, [sha256Digest(gunzipSync(image.layer))])
  })

  it('is deterministic, so digests in docs and tests stay put', () => {
    assert.equal(buildSeedImage().manifestDigest, image.manifestDigest)
  })

  it('layer is a valid ustar archive with a correct header checksum', () => {
    const tar = gunzipSync(image.layer)
    const header = tar.subarray(0, 512)
    assert.equal(header.toString('ascii', 0, 9), 'hello.txt')
    assert.equal(header.toString('ascii', 257, 262), 'ustar')
    const stored = parseInt(header.toString('ascii', 148, 154), 8)
    const copy = Buffer.from(header)
    copy.fill(0x20, 148, 156)
    assert.equal(stored, copy.reduce((sum, b) => sum + b, 0))
    assert.equal(tar.length % 512, 0)
  })

  it('tar pads content to 512 bytes and ends with two zero blocks', () => {
    const tar = tarArchive([{name: 'x', content: Buffer.from('abc')}])
    assert.equal(tar.length, 512 + 512 + 1024)
    assert.equal(tar.toString('ascii', 512, 515), 'abc')
  })
})
