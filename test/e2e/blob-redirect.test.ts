import assert from 'node:assert/strict'
import {createHash} from 'node:crypto'
import {mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {parseJsonOut, runCli} from '../helpers/cli.js'
import {closedPort, REGISTRY_HEADERS, serve, type Running} from '../helpers/servers.js'

/**
 * doctor --blob (failure-stories.md §16): a registry that sends blobs to object storage with a 307 to a presigned URL,
 * as distribution does with its S3 driver (redirect enabled) and Docker Hub does to its CDN. The storage here answers
 * as S3 does: the blob for a presigned GET; InvalidArgument "Only one auth mechanism allowed" when an Authorization
 * header comes too; AccessDenied when the bucket policy refuses.
 */
const CONFIG = Buffer.from('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}')
const CONFIG_DIGEST = `sha256:${createHash('sha256').update(CONFIG).digest('hex')}`
const MANIFEST = JSON.stringify({schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: {mediaType: 'application/vnd.oci.image.config.v1+json', digest: CONFIG_DIGEST, size: CONFIG.length}, layers: []})
const SIGNATURE = 'presigned-signature-0123456789abcdef'

function s3Error(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>4442587FB7D0A2F9</RequestId></Error>`
}

describe('doctor --blob: the redirect to object storage, host by host', () => {
  let storage: Running
  let policy: 'ok' | 'deny' | 'signature' = 'ok'
  let registry: Running
  let target = ''
  before(async () => {
    storage = await serve((req, res) => {
      const url = new URL(req.url ?? '/', 'http://storage')
      if (req.headers.authorization) {
        res.writeHead(400, {'content-type': 'application/xml'})
        return void res.end(s3Error('InvalidArgument', 'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified'))
      }
      if (policy === 'signature') {
        // S3 repeats what it was given, the signature included (SignatureDoesNotMatch error body).
        res.writeHead(403, {'content-type': 'application/xml'})
        return void res.end(s3Error('SignatureDoesNotMatch', `The request signature we calculated does not match the signature you provided.</Message><SignatureProvided>${url.searchParams.get('X-Amz-Signature')}</SignatureProvided><Message2>`))
      }
      if (policy === 'deny' || url.searchParams.get('X-Amz-Signature') !== SIGNATURE) {
        res.writeHead(403, {'content-type': 'application/xml'})
        return void res.end(s3Error('AccessDenied', 'Access Denied'))
      }
      res.writeHead(200, {'content-type': 'application/octet-stream', 'content-length': CONFIG.length})
      res.end(CONFIG)
    })
    target = `http://${storage.host}`
    registry = await serve((req, res) => {
      if (!req.headers.authorization?.startsWith('Basic ') || !Buffer.from(req.headers.authorization.slice(6), 'base64').toString().startsWith('alice:')) {
        res.writeHead(401, {...REGISTRY_HEADERS, 'www-authenticate': 'Basic realm="Registry Realm"'})
        return void res.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":null}]}')
      }
      if (req.url === '/v2/') return void res.writeHead(200, REGISTRY_HEADERS).end('{}')
      if (req.url === '/v2/team/app/manifests/latest') {
        res.writeHead(200, {...REGISTRY_HEADERS, 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-content-digest': `sha256:${createHash('sha256').update(MANIFEST).digest('hex')}`})
        return void res.end(req.method === 'HEAD' ? undefined : MANIFEST)
      }
      if (req.url === `/v2/team/app/blobs/${CONFIG_DIGEST}`) {
        const location = `${target}/bucket/docker/registry/v2/blobs/sha256/${CONFIG_DIGEST.slice(7, 9)}/${CONFIG_DIGEST.slice(7)}/data?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=1200&X-Amz-Signature=${SIGNATURE}`
        // distribution answers a redirect with Go's http.Redirect, whose body links the target: the signature again.
        res.writeHead(307, {...REGISTRY_HEADERS, location, 'content-type': 'text/html; charset=utf-8'})
        return void res.end(`<a href="${location.replaceAll('&', '&amp;')}">Temporary Redirect</a>.\n\n`)
      }
      res.writeHead(404, REGISTRY_HEADERS).end('{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]}')
    })
  })
  after(async () => {
    await registry.close()
    await storage.close()
  })

  const doctor = (...extra: string[]) => runCli(['doctor', `http://${registry.host}/team/app`, '-u', 'alice', '--password-stdin', '--json', ...extra], {stdin: 'wonderland'})

  it('follows the 307 without the Authorization header, and the storage serves the blob: exit 0', async () => {
    policy = 'ok'
    const r = await doctor('--blob')
    assert.equal(r.code, 0, r.stdout + r.stderr)
    const access = parseJsonOut(r).steps.find((s: {stage: string}) => s.stage === 'access')
    assert.equal(access.facts.blob, CONFIG_DIGEST)
    assert.equal(access.facts.blobPath, `${registry.host} (with Authorization) → 307; ${storage.host} (no Authorization) → 200`)
    assert.ok(!r.stdout.includes(SIGNATURE), 'the presigned signature is a secret too')
    const har = join(mkdtempSync(join(tmpdir(), 'regprobe-blob-har-')), 'run.har')
    const withHar = await doctor('--blob', '--har', har)
    assert.equal(withHar.code, 0, withHar.stdout + withHar.stderr)
    assert.ok(!readFileSync(har, 'utf8').includes(SIGNATURE), 'the signature reached the HAR file (the 307 body repeats it)')
  })

  it('a bucket policy that refuses: exit 5, the storage host and its S3 error named', async () => {
    policy = 'deny'
    const r = await doctor('--blob')
    assert.equal(r.code, 5, r.stdout + r.stderr)
    const cause = parseJsonOut(r).verdict.causes[0]
    assert.equal(cause.code, 'access.blob.storage.rejected')
    assert.equal(cause.message, `the blob storage at ${storage.host} refused the redirected request (403: AccessDenied: Access Denied)`)
    assert.match(cause.fix, /bucket policy/)
  })

  it('a storage host this machine cannot reach (egress allows only the registry): exit 3, naming that host', async () => {
    policy = 'ok'
    const saved = target
    target = `http://127.0.0.1:${await closedPort()}`
    try {
      const r = await doctor('--blob')
      assert.equal(r.code, 3, r.stdout + r.stderr)
      const cause = parseJsonOut(r).verdict.causes[0]
      assert.equal(cause.code, 'access.blob.storage.refused')
      assert.match(cause.message, /^the registry sent the blob to 127\.0\.0\.1:\d+, which this machine cannot reach/)
    } finally {
      target = saved
    }
  })

  it('the storage repeating the presigned signature in its error body: the signature is still not printed', async () => {
    policy = 'signature'
    const [json, human] = await Promise.all([doctor('--blob'), runCli(['doctor', `http://${registry.host}/team/app`, '-u', 'alice', '--password-stdin', '--blob', '-v'], {stdin: 'wonderland'})])
    assert.equal(json.code, 5, json.stdout + json.stderr)
    assert.match(parseJsonOut(json).verdict.causes[0].message, /\(403: SignatureDoesNotMatch/)
    for (const r of [json, human]) assert.ok(!(r.stdout + r.stderr).includes(SIGNATURE), 'the signature came back through the error body')
    policy = 'ok'
  })

  it('a password that also appears in the registry\'s address (scrubbed out of the recorded URLs): still a verdict, no crash', async () => {
    policy = 'ok'
    const r = await runCli(['doctor', `http://${registry.host}/team/app`, '-u', 'alice', '--password-stdin', '--blob', '--json'], {stdin: String(registry.port)})
    assert.equal(r.code, 0, r.stdout + r.stderr)
    assert.doesNotMatch(r.stderr, /internal error/)
  })

  it('without --blob, the manifest HEAD is all: no blob request', async () => {
    const r = await doctor()
    assert.equal(r.code, 0, r.stdout + r.stderr)
    const t = parseJsonOut(r)
    assert.equal(t.steps.find((s: {stage: string}) => s.stage === 'access').facts.blob, undefined)
    assert.ok(!t.steps.flatMap((s: {exchanges: Array<{request: {url: string}}>}) => s.exchanges).some((x: {request: {url: string}}) => x.request.url.includes('/blobs/')))
  })
})
