import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {expandTargets, MAX_TARGETS, parseTargetArg} from '../../src/compare/targets.js'
import {PRESETS} from '../../src/compare/presets.js'
import {UsageError} from '../../src/errors.js'

describe('compare targets: presets and arguments (pure)', () => {
  it('--preset public names the seven public registries, each with a repository', () => {
    const t = expandTargets([], {preset: 'public'})
    assert.deepEqual(t.map((x) => x.registry.host), ['registry-1.docker.io', 'quay.io', 'ghcr.io', 'registry.gitlab.com', 'public.ecr.aws', 'gcr.io', 'us-docker.pkg.dev'])
    assert.deepEqual(t.map((x) => x.label), ['Docker Hub', 'Quay', 'ghcr.io', 'GitLab', 'ECR Public', 'GCR', 'Artifact Registry'])
    for (const x of t) assert.ok(x.ref?.repository, `${x.label} has a repository`)
    assert.equal(t[0]!.ref!.repository, 'library/alpine')
    assert.equal(t[6]!.ref!.reference, '1.0')
  })

  it('--repo overrides every preset repository (and drops the preset tag)', () => {
    const t = expandTargets([], {preset: 'public', repo: 'acme/app'})
    assert.ok(t.every((x) => x.ref?.repository === 'acme/app' && x.ref.reference === 'latest'))
  })

  it('preset entries come before the registries named as arguments', () => {
    const t = expandTargets(['localhost:5000'], {preset: 'public'})
    assert.equal(t.length, PRESETS.public!.length + 1)
    assert.equal(t.at(-1)!.registry.host, 'localhost:5000')
  })

  const args: Array<{name: string; arg: string; repo?: string; host: string; repository?: string; reference?: string; scheme?: string}> = [
    {name: 'a bare registry has no repository', arg: 'registry.corp:5000', host: 'registry.corp:5000'},
    {name: 'docker.io gets library/alpine by default', arg: 'docker.io', host: 'registry-1.docker.io', repository: 'library/alpine'},
    {name: 'docker.io with a one-part name gets library/', arg: 'docker.io/redis:7', host: 'registry-1.docker.io', repository: 'library/redis', reference: '7'},
    {name: 'REGISTRY/REPO:TAG names both', arg: 'ghcr.io/acme/app:1.0.0', host: 'ghcr.io', repository: 'acme/app', reference: '1.0.0'},
    {name: 'a first component without a dot is still the registry', arg: 'myhost/team/app', host: 'myhost', repository: 'team/app'},
    {name: '--repo fills a bare registry', arg: 'quay.io', repo: 'prometheus/prometheus', host: 'quay.io', repository: 'prometheus/prometheus'},
    {name: 'a repository in the argument wins over --repo', arg: 'quay.io/a/b', repo: 'x/y', host: 'quay.io', repository: 'a/b'},
    {name: 'a scheme is kept', arg: 'http://127.0.0.1:5000/library/hello', host: '127.0.0.1:5000', repository: 'library/hello', scheme: 'http'},
    {name: 'a trailing slash is ignored', arg: 'https://quay.io/', host: 'quay.io', scheme: 'https'},
  ]
  for (const c of args) {
    it(c.name, () => {
      const t = parseTargetArg(c.arg, c.repo)
      assert.equal(t.registry.host, c.host)
      assert.equal(t.ref?.repository, c.repository)
      if (c.reference) assert.equal(t.ref?.reference, c.reference)
      assert.equal(t.registry.scheme, c.scheme)
      assert.equal(t.input, c.arg)
    })
  }

  const bad: Array<{name: string; args: string[]; preset?: string; code: string}> = [
    {name: 'no registry and no preset', args: [], code: 'compare.no-registry'},
    {name: 'an unknown preset', args: [], preset: 'private', code: 'compare.unknown-preset'},
    {name: 'credentials in the registry', args: ['user:pw@registry.corp'], code: 'registry.credentials-in-url'},
    {name: 'an upper-case repository name', args: ['quay.io/Acme/App'], code: 'reference.invalid-path-component'},
    {name: 'an ftp:// scheme', args: ['ftp://registry.corp'], code: 'registry.unsupported-scheme'},
    {name: 'more registries than the limit', args: Array.from({length: MAX_TARGETS + 1}, (_, i) => `r${i}.example`), code: 'compare.too-many'},
  ]
  for (const c of bad) {
    it(`usage error: ${c.name}`, () => {
      assert.throws(() => expandTargets(c.args, {preset: c.preset}), (e: unknown) => {
        assert.ok(e instanceof UsageError, String(e))
        if (c.code !== 'reference.invalid-path-component') assert.equal(e.code, c.code)
        assert.ok(!e.message.includes('pw@'), 'the password is not echoed')
        return true
      })
    })
  }
})
