import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'
import {sha256Digest} from '../../src/sandbox/digest.js'
import {startSandbox, type Sandbox} from '../../src/sandbox/index.js'
import {OCI_ACCEPT, call, getToken} from './support.js'

const alice = {name: 'alice', password: 'wonderland'}
const bob = {name: 'bob', password: 'builder'}

describe('sandbox registry (token mode, loopback)', () => {
  let sb: Sandbox
  before(async () => {
    sb = await startSandbox({pageSize: 1})
  })
  after(() => sb.close())
  const bearer = (token: string, more: Record<string, string> = {}) => ({Authorization: `Bearer ${token}`, ...more})

  it('GET /v2/ challenges without scope, with the API version header and the 87-byte body', async () => {
    const res = await call(`${sb.registryUrl}/v2/`)
    assert.equal(res.status, 401)
    assert.equal(res.headers.get('docker-distribution-api-version'), 'registry/2.0')
    assert.equal(res.headers.get('www-authenticate'), `Bearer realm="${sb.tokenUrl}",service="${sb.service}"`)
    assert.equal(res.text, '{"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":null}]}\n')
  })

  it('a repository request challenges with the pull scope', async () => {
    const res = await call(`${sb.registryUrl}/v2/library/hello/manifests/latest`)
    assert.equal(res.status, 401)
    assert.match(res.headers.get('www-authenticate')!, /,scope="repository:library\/hello:pull"$/)
  })

  it('anonymous token pulls the seeded manifest and its blobs', async () => {
    const token = await getToken(sb, ['repository:library/hello:pull'])
    const res = await call(`${sb.registryUrl}/v2/library/hello/manifests/latest`, {headers: bearer(token, {Accept: OCI_ACCEPT})})
    assert.equal(res.status, 200)
    assert.equal(res.headers.get('content-type'), OCI_ACCEPT)
    assert.equal(res.headers.get('docker-content-digest'), sha256Digest(res.text))
    const manifest = res.json()
    for (const d of [manifest.config, ...manifest.layers]) {
      const blob = await fetch(`${sb.registryUrl}/v2/library/hello/blobs/${d.digest}`, {headers: bearer(token)})
      assert.equal(blob.status, 200)
      assert.equal(sha256Digest(Buffer.from(await blob.arrayBuffer())), d.digest)
    }
  })

  it('like registry 2.8, hides an OCI manifest from a client that does not accept it', async () => {
    const token = await getToken(sb, ['repository:library/hello:pull'])
    const res = await call(`${sb.registryUrl}/v2/library/hello/manifests/latest`, {headers: bearer(token)})
    assert.equal(res.status, 404)
    assert.equal(res.json().errors[0].code, 'MANIFEST_UNKNOWN')
  })

  it('anonymous pull of team/app is refused with insufficient_scope', async () => {
    const token = await getToken(sb, ['repository:team/app:pull'])
    const res = await call(`${sb.registryUrl}/v2/team/app/manifests/latest`, {headers: bearer(token)})
    assert.equal(res.status, 401)
    assert.match(res.headers.get('www-authenticate')!, /error="insufficient_scope"/)
  })

  it("bob's push is refused: POST asks pull,push and his token only has pull", async () => {
    const token = await getToken(sb, ['repository:team/app:pull,push'], bob)
    const res = await call(`${sb.registryUrl}/v2/team/app/blobs/uploads/`, {method: 'POST', headers: bearer(token)})
    assert.equal(res.status, 401)
    assert.match(res.headers.get('www-authenticate')!, /scope="repository:team\/app:pull,push",error="insufficient_scope"/)
    assert.equal(sb.stats().openUploads, 0)
  })

  it('alice pushes a blob in chunks and a manifest, then lists the tag', async () => {
    const token = await getToken(sb, ['repository:alice/new:pull,push'], alice)
    const data = Buffer.from('a blob pushed in two chunks')
    const start = await call(`${sb.registryUrl}/v2/alice/new/blobs/uploads/`, {method: 'POST', headers: bearer(token)})
    assert.equal(start.status, 202)
    assert.equal(start.headers.get('range'), '0-0')
    const uuid = start.headers.get('docker-upload-uuid')!
    assert.match(start.headers.get('location')!, new RegExp(`/v2/alice/new/blobs/uploads/${uuid}$`))
    const patch = await call(start.headers.get('location')!, {method: 'PATCH', headers: bearer(token), body: data.subarray(0, 5)})
    assert.equal(patch.status, 202)
    assert.equal(patch.headers.get('range'), '0-4')
    const digest = sha256Digest(data)
    const put = await call(`${patch.headers.get('location')}?digest=${digest}`, {method: 'PUT', headers: bearer(token), body: data.subarray(5)})
    assert.equal(put.status, 201)
    assert.equal(put.headers.get('docker-content-digest'), digest)
    const manifest = JSON.stringify({schemaVersion: 2, mediaType: OCI_ACCEPT, config: {mediaType: 'application/vnd.oci.image.config.v1+json', digest, size: data.length}, layers: []})
    const mput = await call(`${sb.registryUrl}/v2/alice/new/manifests/v1`, {method: 'PUT', headers: bearer(token, {'Content-Type': OCI_ACCEPT}), body: manifest})
    assert.equal(mput.status, 201)
    assert.equal(mput.headers.get('docker-content-digest'), sha256Digest(manifest))
    const tags = await call(`${sb.registryUrl}/v2/alice/new/tags/list`, {headers: bearer(token)})
    assert.deepEqual(tags.json(), {name: 'alice/new', tags: ['v1']})
    assert.equal(sb.stats().openUploads, 0)
  })

  it('a manifest naming a missing blob is MANIFEST_BLOB_UNKNOWN', async () => {
    const token = await getToken(sb, ['repository:alice/new:pull,push'], alice)
    const missing = sha256Digest('nothing')
    const body = JSON.stringify({schemaVersion: 2, config: {digest: missing}, layers: []})
    const res = await call(`${sb.registryUrl}/v2/alice/new/manifests/bad`, {method: 'PUT', headers: bearer(token, {'Content-Type': OCI_ACCEPT}), body})
    assert.equal(res.status, 400)
    assert.deepEqual(res.json().errors[0], {code: 'MANIFEST_BLOB_UNKNOWN', message: 'blob unknown to registry', detail: missing})
  })

  it('a wrong digest at upload end is DIGEST_INVALID and ends the session', async () => {
    const token = await getToken(sb, ['repository:alice/new:pull,push'], alice)
    const start = await call(`${sb.registryUrl}/v2/alice/new/blobs/uploads/`, {method: 'POST', headers: bearer(token)})
    const put = await call(`${start.headers.get('location')}?digest=${sha256Digest('x')}`, {method: 'PUT', headers: bearer(token), body: 'y'})
    assert.equal(put.status, 400)
    assert.equal(put.json().errors[0].code, 'DIGEST_INVALID')
    assert.equal(sb.stats().openUploads, 0)
  })

  it('cancelling an upload needs the delete action, like every DELETE in distribution', async () => {
    const token = await getToken(sb, ['repository:alice/new:pull,push'], alice)
    const start = await call(`${sb.registryUrl}/v2/alice/new/blobs/uploads/`, {method: 'POST', headers: bearer(token)})
    const del = await call(start.headers.get('location')!, {method: 'DELETE', headers: bearer(token)})
    assert.equal(del.status, 401)
    assert.match(del.headers.get('www-authenticate')!, /scope="repository:alice\/new:delete",error="insufficient_scope"/)
    assert.equal(sb.stats().openUploads, 1)
    const cleanup = await getToken(sb, ['repository:alice/new:delete'], alice)
    assert.equal((await call(start.headers.get('location')!, {method: 'DELETE', headers: bearer(cleanup)})).status, 204)
  })

  it('cancelling an upload answers 204 and leaves no open upload', async () => {
    const token = await getToken(sb, ['repository:alice/new:pull,push,delete'], alice)
    const start = await call(`${sb.registryUrl}/v2/alice/new/blobs/uploads/`, {method: 'POST', headers: bearer(token)})
    assert.equal(sb.stats().openUploads, 1)
    const del = await call(start.headers.get('location')!, {method: 'DELETE', headers: bearer(token)})
    assert.equal(del.status, 204)
    assert.equal(sb.stats().openUploads, 0)
    const again = await call(start.headers.get('location')!, {method: 'GET', headers: bearer(token)})
    assert.equal(again.json().errors[0].code, 'BLOB_UPLOAD_UNKNOWN')
  })

  it('mounts a blob from a readable repository without an upload', async () => {
    const token = await getToken(sb, ['repository:alice/mounted:pull,push', 'repository:library/hello:pull'], alice)
    const pulled = await call(`${sb.registryUrl}/v2/library/hello/manifests/latest`, {headers: bearer(token, {Accept: OCI_ACCEPT})})
    const layer = pulled.json().layers[0].digest as string
    const res = await call(`${sb.registryUrl}/v2/alice/mounted/blobs/uploads/?mount=${layer}&from=library/hello`, {method: 'POST', headers: bearer(token)})
    assert.equal(res.status, 201)
    assert.equal(res.headers.get('docker-content-digest'), layer)
  })

  it('a mount without pull on the source asks for both scopes', async () => {
    const token = await getToken(sb, ['repository:alice/mounted:pull,push'], alice)
    const res = await call(`${sb.registryUrl}/v2/alice/mounted/blobs/uploads/?mount=${sha256Digest('x')}&from=team/app`, {method: 'POST', headers: bearer(token)})
    assert.equal(res.status, 401)
    assert.match(res.headers.get('www-authenticate')!, /scope="repository:alice\/mounted:pull,push repository:team\/app:pull"/)
  })

  it('catalog needs registry:catalog:* and pages with a Link header', async () => {
    const bobToken = await getToken(sb, ['registry:catalog:*'], bob)
    const denied = await call(`${sb.registryUrl}/v2/_catalog`, {headers: bearer(bobToken)})
    assert.equal(denied.status, 401)
    assert.match(denied.headers.get('www-authenticate')!, /scope="registry:catalog:\*",error="insufficient_scope"/)

    const token = await getToken(sb, ['registry:catalog:*'], alice)
    const seen: string[] = []
    let next: string | undefined = '/v2/_catalog'
    while (next !== undefined) {
      const res = await call(`${sb.registryUrl}${next}`, {headers: bearer(token)})
      assert.equal(res.status, 200)
      seen.push(...res.json().repositories)
      next = /^<([^>]+)>; rel="next"$/.exec(res.headers.get('link') ?? '')?.[1]
    }
    assert.ok(seen.includes('library/hello') && seen.includes('team/app'))
    assert.deepEqual(seen, [...seen].sort())
  })

  it('catalog refuses n above the maximum with PAGINATION_NUMBER_INVALID', async () => {
    const token = await getToken(sb, ['registry:catalog:*'], alice)
    const res = await call(`${sb.registryUrl}/v2/_catalog?n=5000`, {headers: bearer(token)})
    assert.equal(res.status, 400)
    assert.equal(res.json().errors[0].code, 'PAGINATION_NUMBER_INVALID')
  })

  it('unknown paths are a plain-text 404 before any authentication', async () => {
    const res = await call(`${sb.registryUrl}/v3/`)
    assert.equal(res.status, 404)
    assert.equal(res.text, '404 page not found\n')
  })

  it('counts requests and connections', () => {
    const stats = sb.stats()
    assert.ok(stats.requests > 10)
    assert.ok(stats.connections >= 1)
  })
})
