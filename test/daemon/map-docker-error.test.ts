import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {DOCKER_ERROR_ROWS, mapDockerError} from '../../src/daemon/docker-error.js'

describe('mapDockerError: docker\'s printed error → stage and cause', () => {
  const cases: Array<{name: string; text: string; stage: string; code: string; cause?: RegExp}> = [
    {name: 'push without the push grant (registry:2 insufficient_scope turned into DENIED)', text: 'denied: requested access to the resource is denied', stage: 'access', code: 'docker.access.denied'},
    {name: 'unauthorized on a pull (no credentials for the action)', text: 'unauthorized: authentication required', stage: 'credentials', code: 'docker.auth.required'},
    {name: 'wrong password on docker login, as the 20.10 daemon prints it', text: 'Error response from daemon: Get "https://127.0.0.1:5000/v2/": unauthorized: authentication required', stage: 'login', code: 'docker.login.bad-credentials', cause: /127\.0\.0\.1:5000/},
    {name: 'Docker Hub wrong password', text: 'Error response from daemon: Get "https://registry-1.docker.io/v2/": unauthorized: incorrect username or password', stage: 'login', code: 'docker.login.bad-credentials', cause: /Docker Hub/},
    {name: 'Docker Hub wrong password without the URL', text: 'unauthorized: incorrect username or password', stage: 'login', code: 'docker.login.bad-credentials'},
    {name: 'Basic challenge and nothing stored', text: 'no basic auth credentials', stage: 'credentials', code: 'docker.credentials.none-basic'},
    {name: 'anonymous pull from an htpasswd registry, as the 20.10 daemon printed it here', text: 'Error response from daemon: Head "http://127.0.0.1:5077/v2/x/y/manifests/1": no basic auth credentials', stage: 'credentials', code: 'docker.credentials.none-basic'},
    {name: 'wrong password on an htpasswd registry, as the 20.10 daemon printed it here (after its https→http fallback)', text: 'Error response from daemon: login attempt to http://127.0.0.1:5077/v2/ failed with status: 401 Unauthorized', stage: 'login', code: 'docker.login.refused'},
    {name: 'anonymous pull of a private repository: the pull-access text wins over the denied it wraps', text: "Error response from daemon: pull access denied for 127.0.0.1:5000/private/app, repository does not exist or may require 'docker login': denied: requested access to the resource is denied", stage: 'access', code: 'docker.access.pull-denied', cause: /127\.0\.0\.1:5000\/private\/app/},
    {name: 'pull access denied on Docker Hub', text: "pull access denied for acme/nope, repository does not exist or may require 'docker login'", stage: 'access', code: 'docker.access.pull-denied', cause: /acme\/nope/},
    {name: 'Docker Hub rate limit', text: 'toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit', stage: 'access', code: 'docker.rate-limited', cause: /pull rate limit/},
    {name: 'rate limit with no message', text: 'toomanyrequests:', stage: 'access', code: 'docker.rate-limited'},
    {name: 'untrusted CA', text: 'Error response from daemon: Get "https://[::1]:5444/v2/": x509: certificate signed by unknown authority', stage: 'tls', code: 'docker.tls.unknown-ca', cause: /certs\.d/},
    {name: 'plain-HTTP registry not in insecure-registries', text: 'Error response from daemon: Get "https://registry.local:5000/v2/": http: server gave HTTP response to HTTPS client', stage: 'tls', code: 'docker.tls.plain-http', cause: /insecure/},
    {name: 'Docker Desktop credsStore copied to a Linux box', text: 'error getting credentials - err: exec: "docker-credential-desktop": executable file not found in $PATH, out: ``', stage: 'credentials', code: 'docker.credentials.helper-missing', cause: /docker-credential-desktop/},
    // The exact text the real docker CLI printed on this project's test machine (Debian docker.io 20.10 with
    // golang-docker-credential-helpers installed, no D-Bus session): see test/helpers/dockerd.ts.
    {name: 'secretservice without a keyring (docker login on a server)', text: 'Error saving credentials: error storing credentials - err: exit status 1, out: `Cannot autolaunch D-Bus without X11 $DISPLAY`', stage: 'credentials', code: 'docker.credentials.helper-no-keyring', cause: /D-Bus/},
    {name: 'credential helper that fails', text: 'error getting credentials - err: exit status 1, out: `credentials not found in native keychain`', stage: 'credentials', code: 'docker.credentials.helper-failed', cause: /exit status 1/},
    {name: 'tag that does not exist', text: 'Error response from daemon: manifest for 127.0.0.1:5000/app:9.9 not found: manifest unknown: manifest unknown', stage: 'access', code: 'docker.access.manifest-unknown'},
    {name: 'repository that does not exist', text: 'name unknown: repository name not known to registry', stage: 'access', code: 'docker.access.name-unknown'},
    {name: 'insufficient_scope spelled out by the registry', text: 'unauthorized: authentication required, insufficient_scope: authorization failed', stage: 'token', code: 'docker.token.insufficient-scope'},
    {name: 'DNS failure from the daemon', text: 'Error response from daemon: Get "https://registry.example.invalid/v2/": dial tcp: lookup registry.example.invalid on 10.0.0.53:53: no such host', stage: 'network', code: 'docker.network.dns', cause: /registry\.example\.invalid/},
    {name: 'DNS failure without the resolver address', text: 'Get "https://r.example/v2/": dial tcp: lookup r.example: no such host', stage: 'network', code: 'docker.network.dns', cause: /r\.example/},
    {name: 'connection refused, as the 20.10 daemon prints it for a closed loopback port', text: 'Error response from daemon: Get "http://127.0.0.1:1/v2/": dial tcp 127.0.0.1:1: connect: connection refused', stage: 'network', code: 'docker.network.refused'},
    {name: 'bare connection refused', text: 'connection refused', stage: 'network', code: 'docker.network.refused'},
    {name: 'proxy refusing: the proxy row wins over connection refused', text: 'Get "https://registry-1.docker.io/v2/": proxyconnect tcp: dial tcp 10.1.1.1:3128: connect: connection refused', stage: 'network', code: 'docker.network.proxy'},
    // docker/hub-feedback#2349 and moby#51819 (failure-stories.md §17): AAAA records, no global IPv6 address on the host.
    {name: 'IPv6 dial without a source address', text: 'Error response from daemon: Get "https://registry-1.docker.io/v2/": dial tcp [2600:1f18:2148:bc00:8d61:9b62:40aa:8e11]:443: connect: cannot assign requested address', stage: 'network', code: 'docker.network.no-source-address', cause: /no global IPv6 address/},
    {name: 'IPv6 dial without a route', text: 'Get "https://registry.example/v2/": dial tcp [2001:db8::1]:443: connect: network is unreachable', stage: 'network', code: 'docker.network.unreachable'},
    {name: 'timeout dialing', text: 'Error response from daemon: Get "https://registry.example/v2/": dial tcp 192.0.2.10:443: i/o timeout', stage: 'network', code: 'docker.network.timeout'},
    {name: 'timeout waiting for headers', text: 'Get "https://registry.example/v2/": net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)', stage: 'network', code: 'docker.network.timeout'},
    {name: 'login ping answered 401 (older daemons and other registries)', text: 'Error response from daemon: login attempt to https://registry.example/v2/ failed with status: 401 Unauthorized', stage: 'login', code: 'docker.login.refused', cause: /401 Unauthorized.*not accepted/},
    {name: 'login ping answered 404: not a registry', text: 'login attempt to https://example.com/v2/ failed with status: 404 Not Found', stage: 'probe', code: 'docker.login.not-a-registry'},
    {name: 'GHCR denial', text: 'Error response from daemon: Head "https://ghcr.io/v2/acme/app/manifests/1.0": denied: denied', stage: 'access', code: 'docker.access.ghcr-denied', cause: /read:packages/},
    {name: 'ECR expired token: the ECR row wins over denied', text: 'denied: Your authorization token has expired. Reauthenticate and try again.', stage: 'credentials', code: 'docker.credentials.ecr-expired', cause: /12 hours/},
    {name: 'expired certificate', text: 'x509: certificate has expired or is not yet valid: current time 2026-01-02T00:00:00Z is after 2025-12-31T00:00:00Z', stage: 'tls', code: 'docker.tls.expired'},
    {name: 'certificate for another name', text: 'x509: certificate is valid for registry.other, not registry.example', stage: 'tls', code: 'docker.tls.hostname'},
    {name: 'case does not matter', text: 'DENIED: REQUESTED ACCESS TO THE RESOURCE IS DENIED', stage: 'access', code: 'docker.access.denied'},
    // Texts of other clients and registries (src/daemon/registry-error-texts.ts), quoted in test/fixtures/explain/corpus.json.
    {name: 'containers/image prints the denial without docker\'s "denied:" prefix', text: 'initializing source docker://tagless:test: reading manifest test in docker.io/library/tagless: requested access to the resource is denied', stage: 'access', code: 'docker.access.denied'},
    {name: 'GHCR: the workflow token may not create an organization package', text: 'denied: installation not allowed to Create organization package', stage: 'access', code: 'docker.access.ghcr-installation', cause: /create an organization package/},
    {name: 'GitLab wins over the generic unauthorized', text: 'Error response from daemon: Get "https://registry.gitlab.com/v2/": unauthorized: HTTP Basic: Access denied', stage: 'login', code: 'docker.login.gitlab-basic-denied'},
    {name: 'Artifact Registry, unauthenticated, names the permission', text: 'Unauthenticated request. Unauthenticated requests do not have permission "artifactregistry.repositories.uploadArtifacts" on resource', stage: 'credentials', code: 'docker.credentials.gcp-unauthenticated', cause: /uploadArtifacts/},
    {name: 'BuildKit: an anonymous token refused', text: 'failed to authorize: failed to fetch anonymous token: unexpected status: 401 Unauthorized', stage: 'token', code: 'docker.token.refused', cause: /anonymous token/},
    {name: 'containerd: a bare 401 on the manifest', text: 'pulling from host registry.app.example failed with status code [manifests 1.0]: 401 Unauthorized', stage: 'credentials', code: 'docker.status.unauthorized'},
    {name: 'containerd: a tag that does not resolve', text: 'failed to resolve reference "docker.io/library/app:9": docker.io/library/app:9: not found', stage: 'access', code: 'docker.access.tag-not-found'},
    {name: 'an empty CI variable in the image name', text: 'unexpected status code 400 Bad Request: {"details":"invalid repository name"}', stage: 'reference', code: 'docker.reference.invalid'},
    {name: 'several errors on separate lines: the first row in table order decides', text: 'errors:\ndenied: requested access to the resource is denied\nunauthorized: authentication required\n', stage: 'access', code: 'docker.access.denied'},
  ]
  for (const c of cases) {
    it(c.name, () => {
      const m = mapDockerError(c.text)
      assert.ok(m, `no mapping for ${JSON.stringify(c.text)}`)
      assert.equal(m.stage, c.stage)
      assert.equal(m.code, c.code)
      assert.ok(m.cause.length > 10)
      if (c.cause) assert.match(m.cause, c.cause)
    })
  }

  const unmapped: Array<{name: string; text: unknown}> = [
    {name: 'empty text', text: ''},
    {name: 'white space only', text: '  \n\t '},
    {name: 'unrelated text', text: 'Error: No such container: abc123'},
    {name: 'a word that merely contains "denied" is not a registry denial', text: 'permission undenied'},
    {name: 'not a string (untyped JSON input)', text: 42},
  ]
  for (const c of unmapped) {
    it(`${c.name} → no mapping`, () => {
      assert.equal(mapDockerError(c.text as string), undefined)
    })
  }

  describe('every row of the table maps its own example to itself', () => {
    for (const [i, row] of DOCKER_ERROR_ROWS.entries()) {
      it(`row ${i}: ${row.code}`, () => {
        const m = mapDockerError(row.example)
        assert.equal(m?.code, row.code, `example "${row.example}" was taken by an earlier row`)
        assert.equal(m?.stage, row.stage)
        // Each row must be reached by its own pattern, not only by an earlier one with the same code.
        assert.ok(row.pattern.test(row.example))
      })
    }
  })

  it('codes are stable dotted names starting with "docker."', () => {
    for (const row of DOCKER_ERROR_ROWS) assert.match(row.code, /^docker(\.[a-z0-9-]+)+$/)
  })
})
