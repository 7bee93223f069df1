import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, it} from 'node:test'
import {explainLog} from '../../src/explain/index.js'
import {REPO_ROOT} from '../helpers/cli.js'

const fixture = (name: string) => readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'explain', name), 'utf8')
const explain = (text: string) => explainLog(text, {source: 'file', bytes: Buffer.byteLength(text), truncated: false})

describe('explain: whole logs with noise around the failure', () => {
  it('a GitHub Actions job log: one finding for the three lines that repeat it, read through timestamps and ##[error]', () => {
    const r = explain(fixture('github-actions-ghcr-pr.log'))
    assert.equal(r.findings.length, 1, JSON.stringify(r.findings.map((f) => f.text)))
    const f = r.findings[0]!
    assert.equal(f.line, 38)
    assert.equal(f.occurrences, 3, 'the failed-to-solve line and the closing ##[error] are the same failure')
    assert.equal(f.tool, 'buildx')
    assert.equal(f.ci, 'github-actions')
    assert.deepEqual([f.registry, f.repository, f.tag, f.operation], ['ghcr.io', 'acme/app', 'pr-42', 'push'])
    assert.equal(f.category, 'authorization')
    assert.equal(f.candidates[0]!.cause, 'ghcr-workflow-permission')
    assert.equal(f.decided, true)
    assert.match(f.candidates[0]!.for[0]!.text, /refs\/pull\/42/)
    assert.equal(f.next, "regprobe doctor ghcr.io/acme/app:pr-42 --push --docker-error 'failed to push ghcr.io/acme/app:pr-42: denied: installation not allowed to Write organization package'")
    assert.equal(r.exitCode, 7)
    assert.doesNotMatch(f.text, /^\d{4}-\d{2}-\d{2}T/, 'the timestamp is not part of the message')
  })

  it('a GitLab CI job log: section markers and colours removed; a push of "app" is the namespace cause', () => {
    const r = explain(fixture('gitlab-ci-library-push.log'))
    assert.equal(r.findings.length, 1)
    const f = r.findings[0]!
    assert.equal(f.ci, 'gitlab-ci')
    assert.equal(f.tool, 'docker')
    assert.deepEqual([f.registry, f.repository, f.operation], ['docker.io', 'library/app', 'push'])
    assert.equal(f.candidates[0]!.cause, 'namespace-missing')
    assert.equal(f.category, 'not-found')
    assert.equal(f.decided, true)
    assert.match(f.candidates[0]!.fix, /docker tag app YOUR_DOCKER_ID\/app/)
    // The login was to $CI_REGISTRY (GitLab's registry), not Docker Hub: it says nothing against "not logged in" there.
    assert.ok(f.candidates.every((c) => c.against.length === 0))
    assert.equal(r.exitCode, 8)
    assert.doesNotMatch(JSON.stringify(r), /\\u001b|section_start/)
  })

  it('a kubelet event: the image, the registry, a pull, and an anonymous token refused (no pull secret)', () => {
    const r = explain(fixture('kubelet-ghcr-anonymous.txt'))
    assert.equal(r.findings.length, 1)
    const f = r.findings[0]!
    assert.equal(f.tool, 'kubelet')
    assert.deepEqual([f.reference, f.operation, f.code], ['ghcr.io/acme/web:1.4.2', 'pull', 'docker.token.refused'])
    assert.equal(f.category, 'credentials')
    assert.equal(f.candidates[0]!.cause, 'credentials-missing')
    assert.match(f.candidates[0]!.fix, /^Give the pod an imagePullSecret for ghcr\.io/)
    assert.match(f.next, /^regprobe doctor ghcr\.io\/acme\/web:1\.4\.2 --docker-error '/)
    assert.equal(r.exitCode, 6)
  })

  it('a log without a registry failure: other tools\' x509, 401 and refused connections are not taken for one', () => {
    const r = explain(fixture('github-actions-success.log'))
    assert.deepEqual(r.findings, [])
    assert.equal(r.exitCode, 0)
  })

  it('the same x509 line next to a docker pull is a registry failure', () => {
    const r = explain('$ docker pull registry.corp/app:1\nGet "https://registry.corp/v2/": x509: certificate signed by unknown authority\n')
    assert.equal(r.findings[0]?.category, 'tls')
    assert.equal(r.findings[0]?.registry, 'registry.corp')
  })
})
