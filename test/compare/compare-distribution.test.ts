import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {after, before, describe, it} from 'node:test'
import {startDistribution, type RunningDistribution} from '../../tools/record/distribution.js'
import {startTokenServer, type StandaloneTokenServer} from '../../src/sandbox/index.js'
import {parseJsonOut, runCli} from '../helpers/cli.js'
import {startTogether} from '../helpers/together.js'

/** The real docker-registry in its three auth modes, side by side, through the CLI as a user runs it. */
describe('compare over three real docker-registry instances (open, htpasswd, token)', () => {
  let open: RunningDistribution
  let basic: RunningDistribution
  let token: RunningDistribution
  let tokens: StandaloneTokenServer
  before(async () => {
    tokens = await startTokenServer({service: 'compare-test', issuer: 'compare-test-issuer'})
    const lines = execFileSync('htpasswd', ['-Bbn', 'alice', 'wonderland'], {encoding: 'utf8'})
    ;[open, basic, token] = await startTogether([
      startDistribution(),
      startDistribution({htpasswd: {realm: 'Registry Realm', lines}}),
      startDistribution({token: {realm: tokens.url, service: 'compare-test', issuer: 'compare-test-issuer', signingCertPem: tokens.signingCertPem}}),
    ])
  })
  after(async () => {
    await Promise.all([open?.close(), basic?.close(), token?.close()])
    await tokens?.close()
  })

  it('the table tells the three modes apart (human output, exit 0)', async () => {
    const r = await runCli(['compare', open.url, basic.url, token.url, '--repo', 'library/hello'])
    assert.equal(r.code, 0, r.stdout + r.stderr)
    const row = (label: string) => r.stdout.split('\n').find((l) => l.startsWith(`│ ${label}`)) ?? ''
    assert.match(row('auth scheme'), /none \(open.*│ Basic .*│ Bearer \(token\)/)
    assert.match(row('API version header'), /registry\/2\.0.*registry\/2\.0.*registry\/2\.0/)
    // Cells wrap at word boundaries: "(same host," ends the line, "other port)" starts the next one.
    assert.match(row('realm host'), /n\/a .*│ n\/a .*│ 127\.0\.0\.1:\d+ \(same host, +│/)
    // The realm's whole URL, path included, wrapped after a separator.
    const realm = r.stdout.slice(r.stdout.indexOf('│ realm  '), r.stdout.indexOf('│ realm host'))
    assert.match(realm, /http:\/\/[\s\S]*127\.0\.0\.1:\d+\/token/)
  })

  it('--json gives the same as data, with every registry\'s trace', async () => {
    const r = await runCli(['compare', open.url, basic.url, token.url, '--repo', 'library/hello', '--json'])
    assert.equal(r.code, 0, r.stderr)
    const doc = parseJsonOut(r)
    assert.equal(doc.schema, 'regprobe/compare@1')
    const [o, b, t] = doc.registries
    assert.equal(o.cells.catalog, 'offered')
    assert.equal(b.cells.anonymousToken, 'n/a (Basic: no token exchange)')
    assert.equal(b.cells.catalog, 'refused (401: basic credentials needed)')
    assert.equal(t.cells.service, 'compare-test')
    assert.equal(t.cells.anonymousToken, 'granted (repository:library/hello:pull)', 'the sandbox rules let anyone pull library/*')
    assert.equal(t.cells.tokenFormat, 'JWT ES256')
    assert.equal(t.cells.lifetime, '300 s (expires_in)')
    assert.equal(t.cells.catalog, 'refused (401: anonymous token grants nothing)')
    for (const x of doc.registries) assert.equal(x.trace.schema, 'regprobe/trace@1')
  })

  it('with -u/--password-stdin the authenticated token row appears, and the password never does', async () => {
    const r = await runCli(['compare', token.url, basic.url, '--repo', 'library/hello', '-u', 'alice', '--password-stdin', '--json'], {stdin: 'wonderland\n'})
    assert.equal(r.code, 0, r.stderr)
    assert.ok(!r.stdout.includes('wonderland') && !r.stderr.includes('wonderland'))
    assert.ok(!r.stdout.includes(Buffer.from('alice:wonderland').toString('base64')))
    const doc = parseJsonOut(r)
    assert.equal(doc.authenticated, true)
    assert.equal(doc.registries[0].cells.authenticatedToken, 'granted (repository:library/hello:pull)')
  })

  it('no registry named is a usage error (exit 2) in both modes', async () => {
    const human = await runCli(['compare'])
    assert.equal(human.code, 2, human.stderr)
    const json = await runCli(['compare', '--json'])
    assert.equal(json.code, 2)
    assert.equal(parseJsonOut(json).error.code, 'compare.no-registry')
  })
})
