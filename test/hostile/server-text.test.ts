import assert from 'node:assert/strict'
import type http from 'node:http'
import {after, describe, it} from 'node:test'
import {runCli} from '../helpers/cli.js'
import {bearerRegistry, bigJwt, recording, tokenServerGiving} from '../helpers/hostile-servers.js'
import {serve, type Running} from '../helpers/servers.js'
import {assertClean} from './support.js'

/** What a hostile server puts in its text (issue 15 item 4): a forged annotation, the runner switched off, the screen cleared, the title set. */
export const HOSTILE_TEXT = 'authentication required\n::error title=x::forged\n::stop-commands::abc\n\u001b[2J\u001b]0;title\u0007 ##[error]azure\r\u202eevil\u0085'

/** Every line either ours or data: no control character but the newline, no workflow command a server started. */
export function assertInert(out: string): void {
  assert.doesNotMatch(out, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/, `a control character reached the output:\n${JSON.stringify(out)}`)
  for (const line of out.split('\n')) {
    const t = line.trimStart()
    if (t.startsWith('::') || t.startsWith('##[')) assert.match(t, /^::(group::|endgroup::|error title=regprobe |warning title=regprobe )/, `a line a server started: ${t}`)
  }
}

/**
 * Synthetic servers, modelled on distribution's token auth (bearerRegistry), whose error text is hostile. Text from a
 * server is data: it never drives the terminal or the CI runner.
 */
describe('server text is data: escapes, workflow commands and bidi overrides are shown, never obeyed', () => {
  const servers: Running[] = []
  after(async () => {
    for (const s of servers) await s.close()
  })

  it('a token server refusing with hostile text: human, -v and Actions output stay inert, the message is still shown', async () => {
    const realm = await recording((req, res) => {
      res.writeHead(401, {'content-type': 'application/json'})
      res.end(JSON.stringify({errors: [{code: 'UNAUTHORIZED', message: HOSTILE_TEXT}]}))
    })
    const reg = await serve(bearerRegistry(`http://${realm.host}/token`))
    servers.push(realm, reg)
    const target = `http://${reg.host}/team/app`
    const runs = await Promise.all([
      runCli(['doctor', target, '-u', 'alice', '--password-stdin'], {stdin: 'pw-123456'}),
      runCli(['doctor', target, '-u', 'alice', '--password-stdin', '-v'], {stdin: 'pw-123456'}),
      runCli(['doctor', target, '-u', 'alice', '--password-stdin'], {stdin: 'pw-123456', env: {GITHUB_ACTIONS: 'true'}}),
    ])
    for (const r of runs) {
      assert.equal(r.code, 6, r.stdout + r.stderr)
      assertInert(r.stdout)
      assertInert(r.stderr)
      assertClean(r)
      // Shown, escaped: the reader still learns what the server said.
      assert.match(r.stdout, /authentication required\\n\\x3a:error title=x::forged|authentication required\\n::error title=x::forged/)
      assert.match(r.stdout, /\\x1b\[2J/)
    }
    const annotations = runs[2]!.stdout.split('\n').filter((l) => /^::(error|warning)/.test(l))
    assert.equal(annotations.length, 1, runs[2]!.stdout)
    assert.match(annotations[0]!, /^::error title=regprobe doctor /)
    assert.doesNotMatch(annotations[0]!, /[\r\n]/)
  })

  it('a registry whose 401 body (text) forges lines, with a good token: exit 0 and no forged line', async () => {
    const token = await tokenServerGiving(bigJwt(600, 'team/app'))
    const inner = bearerRegistry(`http://${token.host}/token`)
    const handler: http.RequestListener = (req, res) => {
      if (req.headers.authorization) return inner(req, res)
      res.writeHead(401, {'content-type': 'text/plain', 'docker-distribution-api-version': 'registry/2.0', 'www-authenticate': `Bearer realm="http://${token.host}/token",service="hostile"${req.url === '/v2/' ? '' : ',scope="repository:team/app:pull"'}`})
      res.end(`no\n::warning ::forged\n${HOSTILE_TEXT}`)
    }
    const reg = await serve(handler)
    servers.push(token, reg)
    const r = await runCli(['doctor', `http://${reg.host}/team/app`], {env: {GITHUB_ACTIONS: 'true'}})
    assert.equal(r.code, 0, r.stdout + r.stderr)
    assertInert(r.stdout)
    assert.match(r.stdout, /no\\n\\x3a:warning ::forged|no\\n::warning ::forged/)
  })
})
