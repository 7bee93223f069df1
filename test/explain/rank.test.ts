import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {explainLog} from '../../src/explain/index.js'

const first = (log: string) => {
  const f = explainLog(log, {source: 'stdin', bytes: log.length, truncated: false}).findings[0]
  assert.ok(f, `no finding in ${log}`)
  return f
}
const causes = (log: string) => first(log).candidates.map((c) => c.cause)

/** Each rule of rank.ts once where its evidence is in the log, once where it is not. */
describe('rank: the log\'s evidence reorders the causes', () => {
  const denied = 'denied: requested access to the resource is denied'

  it('a push to docker.io/library/NAME: the namespace, decided; a push to USER/NAME: not', () => {
    const lib = first(`$ docker push app\nThe push refers to repository [docker.io/library/app]\n${denied}`)
    assert.equal(lib.candidates[0]!.cause, 'namespace-missing')
    assert.equal(lib.decided, true)
    assert.equal(lib.candidates[0]!.for[0]!.line, 2, 'the evidence is the line that names the repository')
    const own = first(`$ docker push bob/app\nThe push refers to repository [docker.io/bob/app]\n${denied}`)
    assert.equal(own.candidates[0]!.cause, 'credentials-missing')
    assert.equal(own.decided, false)
  })

  it('a pull of a missing official-image name: it does not exist; a private user repository: credentials first', () => {
    assert.equal(causes(`reading manifest test in docker.io/library/tagless: requested access to the resource is denied`)[0], 'repository-missing')
    assert.equal(causes(`Error response from daemon: pull access denied for bob/private, repository does not exist or may require 'docker login': ${denied}`)[0], 'repository-missing')
  })

  it('sudo for the push and not for the login: the other user\'s config, decided; sudo for both: not', () => {
    const split = first(`$ docker login -u bob --password-stdin\nLogin Succeeded\n$ sudo docker push bob/app\nThe push refers to repository [docker.io/bob/app]\n${denied}`)
    assert.equal(split.candidates[0]!.cause, 'sudo-other-config')
    assert.equal(split.decided, true)
    const both = causes(`$ sudo docker login -u bob --password-stdin\nLogin Succeeded\n$ sudo docker push bob/app\nThe push refers to repository [docker.io/bob/app]\n${denied}`)
    assert.notEqual(both[0], 'sudo-other-config')
  })

  it('"Login Succeeded" for the same registry speaks against "not logged in"', () => {
    const f = first(`$ docker login -u bob --password-stdin\nLogin Succeeded\n$ docker push acme/app\nThe push refers to repository [docker.io/acme/app]\n${denied}`)
    assert.notEqual(f.candidates[0]!.cause, 'credentials-missing')
    const missing = f.candidates.find((c) => c.cause === 'credentials-missing')
    assert.equal(missing?.against[0]?.line, 2)
    assert.equal(f.candidates.at(-1)?.cause, 'credentials-missing')
  })

  it('a login to another registry than the one refused: credentials stored under another name', () => {
    const f = first('$ docker login 111111111111.dkr.ecr.us-east-1.amazonaws.com\nLogin Succeeded\nThe push refers to repository [222222222222.dkr.ecr.us-east-1.amazonaws.com/app]\nno basic auth credentials')
    assert.equal(f.candidates[0]!.cause, 'credentials-other-host')
    assert.match(f.candidates[0]!.for[0]!.says, /logged in to 111111111111/)
    assert.match(f.candidates[0]!.fix, /aws ecr get-login-password --region us-east-1/)
    assert.equal(causes('$ docker login 222222222222.dkr.ecr.us-east-1.amazonaws.com\nThe push refers to repository [222222222222.dkr.ecr.us-east-1.amazonaws.com/app]\nno basic auth credentials')[0], 'credentials-missing')
  })

  it('x509 with a gateway\'s CA or on the blob CDN: interception; on the registry alone: an untrusted CA', () => {
    assert.equal(causes('docker pull x\nerror pulling image configuration: Get https://production.cloudflare.docker.com/registry-v2/x: x509: certificate signed by unknown authority (possibly because of "crypto/rsa: verification error" while trying to verify candidate authority certificate "ACME WebGateway CA")')[0], 'tls-interception')
    assert.equal(causes('Error response from daemon: Get https://registry.corp/v2/: x509: certificate signed by unknown authority')[0], 'ca-untrusted')
  })

  it('GHCR\'s installation text on a pull-request run: the read-only token, decided', () => {
    const pr = first('Job defined at: acme/app/.github/workflows/ci.yml@refs/pull/7/merge\nERROR: denied: installation not allowed to Write organization package')
    assert.equal(pr.decided, true)
    const push = first('ERROR: denied: installation not allowed to Write organization package')
    assert.equal(push.candidates[0]!.cause, 'ghcr-workflow-permission')
    assert.equal(push.decided, false)
  })

  it('manifest unknown with latest assumed: the tag, decided; with a tag written: still the tag, but not decided', () => {
    const assumed = first('docker pull acme/app\nUsing default tag: latest\nError response from daemon: manifest for acme/app:latest not found: manifest unknown: manifest unknown')
    assert.equal(assumed.decided, true)
    const named = first('Error response from daemon: manifest for acme/app:9.9 not found: manifest unknown: manifest unknown')
    assert.equal(named.candidates[0]!.cause, 'tag-missing')
    assert.equal(named.decided, false)
  })

  it('a rate limit: Docker Hub\'s pull limit on Hub, the registry\'s own elsewhere', () => {
    assert.equal(causes('toomanyrequests: You have reached your pull rate limit.')[0], 'pull-rate-limit')
    assert.equal(causes('unexpected status code https://quay.io/v2/org/app/manifests/1: 429 Too Many Requests')[0], 'rate-limited')
  })

  it('kaniko: its own config file comes before the generic causes', () => {
    assert.equal(causes('error checking push permissions -- make sure you entered the correct tag name: POST https://r.corp/v2/a/b/blobs/uploads/: UNAUTHORIZED: authentication required')[0], 'credentials-not-read')
  })

  it('a robot account refused: its rights first', () => {
    const f = first('$ docker login -u \'robot$ci\' --password-stdin harbor.corp\nLogin Succeeded\nPOST https://harbor.corp/v2/team/app/blobs/uploads/: UNAUTHORIZED: unauthorized to access repository: team/app, action: push')
    assert.equal(f.candidates[0]!.cause, 'action-not-granted')
    assert.equal(f.category, 'authorization')
  })
})

describe('rank: registry-specific evidence', () => {
  it('Docker Hub refusing a login made with an e-mail address: the Docker ID, decided', () => {
    const log = '$ docker login -u jane@example.com --password-stdin\nError response from daemon: Get "https://registry-1.docker.io/v2/": unauthorized: incorrect username or password'
    const f = explainLog(log, {source: 'stdin', bytes: log.length, truncated: false}).findings[0]!
    assert.equal(f.candidates[0]!.cause, 'credentials-wrong')
    assert.equal(f.decided, true)
    assert.match(f.candidates[0]!.for[0]!.says, /Docker ID/)
    assert.equal(f.next, 'regprobe login docker.io')
  })

  it('a Quay robot (ORG+NAME) refused a push: its permission on the repository first', () => {
    const log = '$ podman login -u "acme+ci" --password-stdin quay.io\nLogin Succeeded!\nError: writing blob: initiating layer upload to /v2/acme/app/blobs/uploads/ in quay.io: denied: requested access to the resource is denied'
    const f = explainLog(log, {source: 'stdin', bytes: log.length, truncated: false}).findings[0]!
    assert.equal(f.tool, 'podman')
    assert.equal(f.candidates[0]!.cause, 'action-not-granted')
  })

  it('an ACR firewall: the client\'s address, whatever the credentials', () => {
    const log = "Error response from daemon: Head \"https://acme.azurecr.io/v2/app/manifests/1\": denied: client with IP '203.0.113.7' is not allowed access. Refer https://aka.ms/acr/firewall to grant access."
    const f = explainLog(log, {source: 'stdin', bytes: log.length, truncated: false}).findings[0]!
    assert.deepEqual([f.category, f.candidates[0]!.cause, f.registry], ['authorization', 'ip-not-allowed', 'acme.azurecr.io'])
    assert.match(f.candidates[0]!.fix, /az acr network-rule add --name acme --ip-address IP/)
  })
})
