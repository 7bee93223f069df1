import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {startSandbox, type Sandbox} from '../../src/sandbox/index.js'
import {parseJsonOut, REPO_ROOT, runCli} from '../helpers/cli.js'
import {REGISTRY_HEADERS, serve, type Running} from '../helpers/servers.js'
import {assertClean} from './support.js'

/** Issue 15 item 11, each as the user meets it. Synthetic servers are modelled on distribution's answers. */
describe('the smaller items of the attack pass', () => {
  const servers: Running[] = []
  let sandbox: Sandbox
  before(async () => {
    sandbox = await startSandbox({})
  })
  after(async () => {
    for (const s of servers) await s.close()
    await sandbox?.close()
  })

  it('a realm with user:password@ never shows the password and is a named finding (exit 5), not a transport failure', async () => {
    const reg = await serve((req, res) => {
      res.writeHead(401, {...REGISTRY_HEADERS, 'www-authenticate': `Bearer realm="http://bob:s3cret-realm-pw@127.0.0.1:9/token",service="x"`})
      res.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}')
    })
    servers.push(reg)
    const runs = await Promise.all([runCli(['doctor', `http://${reg.host}/team/app`, '-v']), runCli(['doctor', `http://${reg.host}/team/app`, '--json'])])
    for (const r of runs) {
      assert.equal(r.code, 5, r.stdout + r.stderr)
      assert.ok(!(r.stdout + r.stderr).includes('s3cret-realm-pw'), r.stdout)
      assertClean(r)
    }
    assert.equal(parseJsonOut(runs[1]!).verdict.causes[0].code, 'token.realm-userinfo')
  })

  it('a realm password with , \' @ or an escaped quote never shows either; a user name alone or a malformed % is no crash', async () => {
    // Synthetic challenges, modelled on distribution's: the realm's userinfo as a misconfigured registry would send it.
    const realms: Array<{realm: string; secret?: string; says: RegExp}> = [
      {realm: 'http://bob:pa,ss-9f2c@127.0.0.1:9/token', secret: 'ss-9f2c', says: /user "bob" and a password/},
      {realm: "http://bob:it's-9f2c@127.0.0.1:9/token", secret: "it's-9f2c", says: /user "bob" and a password/},
      {realm: 'http://bob:p@ss-9f2c@127.0.0.1:9/token', secret: 'ss-9f2c', says: /user "bob" and a password/},
      {realm: 'http://bob:q\\"uote-9f2c@127.0.0.1:9/token', secret: 'uote-9f2c', says: /user "bob" and a password/},
      {realm: 'http://bob@127.0.0.1:9/token', says: /user "bob"\)/},
      {realm: 'http://u%zz:pw-9f2c@127.0.0.1:9/token', secret: 'pw-9f2c', says: /user "u%zz" and a password/},
    ]
    const runs = await Promise.all(realms.map(async ({realm}) => {
      const reg = await serve((req, res) => {
        res.writeHead(401, {...REGISTRY_HEADERS, 'www-authenticate': `Bearer realm="${realm}",service="x"`})
        res.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}')
      })
      servers.push(reg)
      return Promise.all([runCli(['doctor', `http://${reg.host}/team/app`, '-v']), runCli(['doctor', `http://${reg.host}/team/app`, '--json'])])
    }))
    for (const [i, [human, json]] of runs.entries()) {
      const {secret, says} = realms[i]!
      for (const r of [human!, json!]) {
        assert.equal(r.code, 5, `${realms[i]!.realm}: ${r.stdout}${r.stderr}`)
        if (secret) assert.ok(!(r.stdout + r.stderr).includes(secret), `${realms[i]!.realm} shows its password:\n${r.stdout}`)
      }
      const first = parseJsonOut(json!).verdict.causes[0]
      assert.equal(first.code, 'token.realm-userinfo')
      assert.match(first.message, says)
      if (!secret) assert.doesNotMatch(first.message, /password/)
    }
  })

  it('a proxy\'s password never shows: not in the "cannot speak socks5" failure (human, --json)', async () => {
    const env = {HTTPS_PROXY: 'socks5://alice:s3cretProxyPw-41@10.0.0.1:1080'}
    const runs = await Promise.all([runCli(['doctor', 'registry.example.com/library/hello', '-v'], {env}), runCli(['doctor', 'registry.example.com/library/hello', '--json'], {env})])
    for (const r of runs) {
      assert.equal(r.code, 3, r.stdout + r.stderr)
      assert.match(r.stdout, /socks5/)
      assert.ok(!(r.stdout + r.stderr).includes('s3cretProxyPw-41'), r.stdout)
    }
  })

  it('a URL password in a response body is cut as in its headers (-v, --json)', async () => {
    // Synthetic, modelled on distribution's 401: the realm URL with userinfo, repeated in the error message.
    const reg = await serve((req, res) => {
      res.writeHead(401, {...REGISTRY_HEADERS, 'www-authenticate': 'Bearer realm="https://bob:Realm5ecretPw@127.0.0.1:9/token",service="x"'})
      res.end('{"errors":[{"code":"UNAUTHORIZED","message":"auth at https://bob:Realm5ecretPw@127.0.0.1:9/token"}]}')
    })
    servers.push(reg)
    const runs = await Promise.all([runCli(['doctor', `http://${reg.host}/team/app`, '-v']), runCli(['doctor', `http://${reg.host}/team/app`, '--json'])])
    for (const r of runs) {
      assert.match(r.stdout, /auth at https:\/\/bob:REDACTED@/)
      assert.ok(!(r.stdout + r.stderr).includes('Realm5ecretPw'), r.stdout)
    }
  })

  it('catalog --all at the 100-page cap says the cap was hit, not "more exist: --all"', async () => {
    let n = 0
    const reg = await serve((req, res) => {
      if (req.url === '/v2/') return void res.writeHead(200, REGISTRY_HEADERS).end('{}')
      n++
      // Synthetic, modelled on distribution's _catalog: one name per page and a Link to the next, for ever.
      res.writeHead(200, {...REGISTRY_HEADERS, link: `</v2/_catalog?last=repo-${n}&n=1>; rel="next"`})
      res.end(JSON.stringify({repositories: [`repo-${n}`]}))
    })
    servers.push(reg)
    const r = await runCli(['catalog', `http://${reg.host}`, '--all', '--json'], {timeoutMs: 60_000})
    const trace = parseJsonOut(r)
    assert.equal(trace.steps.at(-1).facts.count, 100)
    assert.doesNotMatch(trace.verdict.headline, /--all\)/)
    assert.match(trace.verdict.headline, /cap/)
    assert.ok(trace.steps.at(-1).findings.some((f: {code: string}) => f.code === 'catalog.page-cap'))
  })

  it('token --print-token --json prints one JSON document with the token (asked for) and the verdict', async () => {
    const r = await runCli(['token', `${sandbox.registryHost}/library/hello`, '--print-token', '--json'])
    assert.equal(r.code, 0, r.stderr)
    const doc = parseJsonOut(r)
    assert.equal(doc.schema, 'regprobe/print-token@1')
    assert.match(doc.token, /^ey/)
    assert.equal(doc.verdict.code, 0)
    assert.match(r.stderr, /the token below is a secret/)
  })

  it('compare takes --json but not -v or --har, and the README says so', async () => {
    const r = await runCli(['compare', sandbox.registryHost, '-v'])
    assert.equal(r.code, 2)
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8')
    const output = readme.slice(readme.indexOf('### Output flags'))
    assert.match(output.slice(0, 400), /`compare` \(only --json\)/)
  })
})
