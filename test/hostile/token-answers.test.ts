import assert from 'node:assert/strict'
import {after, describe, it} from 'node:test'
import {runCli} from '../helpers/cli.js'
import {bearerRegistry, recording, type Recording} from '../helpers/hostile-servers.js'
import {serve, type Running} from '../helpers/servers.js'
import {assertClean} from './support.js'

const SECRET = 'tok-9f2c41d7e0b35a68c4d1e2f3a4b5c6d7'
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLW9mLWEtdG9rZW4tdGhhdC1tdXN0LW5vdC1sZWFr'

/**
 * A token endpoint that answers 200 with a token regprobe does not recognise (synthetic, modelled on OAuth servers
 * that use camelCase or wrap the token, and on a realm that answers the bare token as text). Issue 15 item 3: the
 * headline "answered 200 without a token: <body>", the ::error annotation and --json printed it, without -v.
 */
describe('a token in an answer regprobe does not recognise is never printed', () => {
  const servers: Running[] = []
  after(async () => {
    for (const s of servers) await s.close()
  })

  async function registryWithRealm(answer: {type: string; body: string}): Promise<string> {
    const realm: Recording = await recording((req, res) => {
      res.writeHead(200, {'content-type': answer.type})
      res.end(answer.body)
    })
    const reg = await serve(bearerRegistry(`http://${realm.host}/token`))
    servers.push(realm, reg)
    return `http://${reg.host}/team/app`
  }

  const shapes = [
    {name: '{"accessToken": …}', type: 'application/json', body: JSON.stringify({accessToken: SECRET, expires_in: 300})},
    {name: 'a plain-text token', type: 'text/plain', body: `${SECRET}\n`},
    {name: '{"data":{"jwt": …}}', type: 'application/json', body: JSON.stringify({data: {jwt: JWT}})},
  ]
  for (const shape of shapes) {
    it(`${shape.name}: not in the headline, the annotation, -v, --json or the HAR`, async () => {
      const target = await registryWithRealm(shape)
      const runs = await Promise.all([
        runCli(['doctor', target]),
        runCli(['doctor', target, '-v']),
        runCli(['doctor', target, '--json']),
        runCli(['doctor', target], {env: {GITHUB_ACTIONS: 'true'}}),
      ])
      for (const r of runs) {
        assert.equal(r.code, 5, r.stdout + r.stderr)
        for (const t of [r.stdout, r.stderr]) {
          assert.ok(!t.includes(SECRET) && !t.includes(JWT), `the token was printed:\n${t}`)
          assert.ok(!t.includes(JWT.split('.')[2]!), `the JWT's signature was printed:\n${t}`)
        }
        assertClean(r)
      }
      // Still diagnosed, and the reader sees something came back (a marker with its length).
      assert.match(runs[0]!.stdout, /answered 200 without a token/)
      assert.match(runs[0]!.stdout, /<redacted (jwt|opaque) \d+ chars hmac:[0-9a-f]{8}>/)
      assert.match(runs[3]!.stdout, /^::error title=/m)
      const trace = JSON.parse(runs[2]!.stdout)
      assert.equal(trace.verdict.causes[0].code, 'token.no-token')
    })
  }

  it('a token server echoing an ordinary-word password in its refusal: redacted there as a whole word, and only there', async () => {
    const realm = await recording((req, res) => {
      res.writeHead(401, {'content-type': 'application/json'})
      res.end(JSON.stringify({details: 'bad password status for user alice (status: denied)'}))
    })
    const reg = await serve(bearerRegistry(`http://${realm.host}/token`))
    servers.push(realm, reg)
    const [human, json] = await Promise.all([
      runCli(['doctor', `http://${reg.host}/team/app`, '-u', 'alice', '--password-stdin'], {stdin: 'status\n'}),
      runCli(['doctor', `http://${reg.host}/team/app`, '-u', 'alice', '--password-stdin', '--json'], {stdin: 'status\n'}),
    ])
    assert.equal(human.code, 6, human.stdout)
    assert.match(human.stdout, /bad password <redacted password 6 chars hmac:[0-9a-f]{8}> for user alice \(<redacted password/)
    const trace = JSON.parse(json.stdout)
    // The trace's own keys and words are untouched: only the realm's answer was searched.
    assert.equal(trace.verdict.status, 'fail')
    assert.ok(trace.steps.every((s: {status: string}) => typeof s.status === 'string'))
  })
})
