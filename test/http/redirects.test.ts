// Issue 15 item 2 and the file:// part of item 11: a /v2/ or token redirect to another host is reported and not
// followed by default (docker follows it; --follow-redirects does too), a body from another host is recorded as its
// size and type only, metadata and link-local targets are named, and a redirect to a non-http(s) scheme is exit 5.
// Hostile loopback servers (synthetic, modelled on the SSRF a hostile registry can attempt against a cloud instance).
import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, describe, it} from 'node:test'
import {parseJsonOut, runCli, type CliResult} from '../helpers/cli.js'
import {bearerRegistry, recording} from '../helpers/hostile-servers.js'
import {assertClean} from '../hostile/support.js'

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
/** What an instance metadata service answers for a role's credentials (AWS IMDS shape). */
const METADATA = JSON.stringify({Code: 'Success', AccessKeyId: 'ASIAEXAMPLEEXAMPLE00', SecretAccessKey: SECRET, Token: 'IQoJb3JpZ2luX2VjEXAMPLE', Expiration: '2030-01-01T00:00:00Z'})

async function metadataServer() {
  return recording((req, res) => {
    res.writeHead(200, {'content-type': 'application/json'})
    res.end(METADATA)
  })
}

function redirecting(location: (url: string) => string) {
  return recording((req, res) => {
    res.writeHead(302, {location: location(req.url ?? '/')})
    res.end()
  })
}

const dir = mkdtempSync(join(tmpdir(), 'regprobe-redirects-'))
after(() => rmSync(dir, {recursive: true, force: true}))

/** -v, --json and --har of one probe: every output mode a body could reach. */
async function everyOutput(args: string[]): Promise<{human: CliResult; json: CliResult; har: string}> {
  const harFile = join(dir, `${Math.random().toString(36).slice(2)}.har`)
  const human = await runCli([...args, '-v', '--har', harFile])
  const json = await runCli([...args, '--json'])
  return {human, json, har: readFileSync(harFile, 'utf8')}
}

function assertNoSecret(out: {human: CliResult; json: CliResult; har: string}): void {
  for (const text of [out.human.stdout, out.human.stderr, out.json.stdout, out.json.stderr, out.har]) {
    assert.ok(!text.includes(SECRET), `the metadata secret reached the output:\n${text.slice(0, 2000)}`)
    assert.ok(!text.includes('SecretAccessKey'), 'a field of the other host\'s body was recorded')
  }
}

describe('redirects of /v2/ and the token endpoint', () => {
  it('/v2/ redirected to another host:port is reported, not followed: exit 5, the other host never asked', async () => {
    const meta = await metadataServer()
    const reg = await redirecting(() => `${meta.origin}/latest/meta-data/iam/security-credentials/role`)
    try {
      const out = await everyOutput(['probe', `http://${reg.host}`])
      assert.equal(out.human.code, 5, out.human.stdout + out.human.stderr)
      assert.equal(meta.seen.length, 0, 'regprobe followed the redirect')
      const t = parseJsonOut(out.json)
      assert.equal(t.verdict.causes[0].code, 'probe.redirect.cross-host')
      assert.match(t.verdict.headline, new RegExp(`redirected /v2/ to another host, ${meta.host.replace(/\./g, '\\.')}.*did not follow it \\(docker does\\)`))
      assert.match(out.human.stdout, /--follow-redirects/)
      assertNoSecret(out)
      assertClean(out.human)
    } finally {
      await reg.close()
      await meta.close()
    }
  })

  it('with --follow-redirects the redirect is followed, and the other host\'s body is recorded as size and type only', async () => {
    const meta = await metadataServer()
    const reg = await redirecting(() => `${meta.origin}/latest/meta-data/iam/security-credentials/role`)
    try {
      const out = await everyOutput(['probe', `http://${reg.host}`, '--follow-redirects'])
      assert.equal(meta.seen.length, 2, 'followed once per run (-v with --har, then --json)')
      const x = parseJsonOut(out.json).steps[0].exchanges
      assert.equal(x.length, 2)
      assert.deepEqual(x[1].response.body, {bytes: Buffer.byteLength(METADATA), contentType: 'application/json'})
      assertNoSecret(out)
      assertClean(out.human)
    } finally {
      await reg.close()
      await meta.close()
    }
  })

  const special: Array<[string, string, RegExp]> = [
    ['http://169.254.169.254/latest/meta-data/', 'probe.redirect.metadata', /169\.254\.169\.254 is a cloud metadata address/],
    ['http://[fd00:ec2::254]/latest/meta-data/', 'probe.redirect.metadata', /fd00:ec2::254\]? is a cloud metadata address/],
    ['http://metadata.google.internal/computeMetadata/v1/', 'probe.redirect.metadata', /metadata\.google\.internal is a cloud metadata address/],
    ['http://169.254.10.20/x', 'probe.redirect.link-local', /169\.254\.10\.20 is a link-local address/],
    ['http://[fe80::1]:5000/v2/', 'probe.redirect.link-local', /fe80::1\]? is a link-local address/],
  ]
  for (const [location, code, named] of special) {
    it(`a redirect to ${location} is named as such (and nothing is sent there)`, async () => {
      const reg = await redirecting(() => location)
      try {
        const r = await runCli(['probe', `http://${reg.host}`, '--json'])
        assert.equal(r.code, 5, r.stdout + r.stderr)
        const t = parseJsonOut(r)
        assert.equal(t.verdict.causes[0].code, code)
        assert.match(t.verdict.headline, named)
        assert.equal(t.steps[0].exchanges.length, 1)
      } finally {
        await reg.close()
      }
    })
  }

  for (const location of ['file:///etc/passwd', 'data:text/plain,hello', 'ftp://files.example/x']) {
    it(`a redirect to ${location.split(':')[0]}: is exit 5, redirect.scheme (not "not implemented")`, async () => {
      const reg = await redirecting(() => location)
      try {
        const r = await runCli(['probe', `http://${reg.host}`, '--json'])
        assert.equal(r.code, 5, r.stdout + r.stderr)
        const t = parseJsonOut(r)
        assert.equal(t.verdict.causes[0].code, 'probe.redirect.scheme')
        assert.match(t.verdict.headline, new RegExp(`to a ${location.split(':')[0]}: URL`))
        assert.doesNotMatch(r.stdout, /not implemented/)
      } finally {
        await reg.close()
      }
    })
  }

  it('a token endpoint redirecting to another host is not followed by default: the password stays home, the body unseen', async () => {
    const meta = await metadataServer()
    const realm = await redirecting((url) => `${meta.origin}/token${url.slice(url.indexOf('?'))}`)
    const registry = await recording(bearerRegistry(`${realm.origin}/token`))
    try {
      const r = await runCli(['token', `http://${registry.host}/team/app`, '-u', 'alice', '--password-stdin', '--json'], {stdin: 'redirect-pw-123\n'})
      assert.equal(r.code, 5, r.stdout + r.stderr)
      assert.equal(meta.seen.length, 0)
      const t = parseJsonOut(r)
      assert.match(t.verdict.headline, /redirected \/token to another host.*did not follow it \(docker does\)/)
      assert.ok(!r.stdout.includes(SECRET))
    } finally {
      await registry.close()
      await realm.close()
      await meta.close()
    }
  })
})
