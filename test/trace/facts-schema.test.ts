import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, it} from 'node:test'
import {REPO_ROOT} from '../helpers/cli.js'
import {TRACE_SCHEMA_JSON, traceValidator, type SchemaNode} from '../helpers/trace-schema.js'

/**
 * The schema documents each stage's facts (Step is a union on `stage`), and it checks them: a fact of the wrong type
 * fails validation. Every case is checked valid first with the right value, so a rejection is for that one fact.
 */
const validate = traceValidator()

function trace(step: Record<string, unknown>, over: Record<string, unknown> = {}): unknown {
  return {
    schema: 'regprobe/trace@1', tool: 'regprobe', version: '0.1.0', command: 'probe', target: 'r.example', startedAt: '2026-12-07T03:00:00.000Z', durationMs: 12,
    steps: [{status: 'ok', summary: 's', exchanges: [], findings: [], ...step}],
    verdict: {status: 'ok', code: 0, headline: 'h', causes: [], fixes: []},
    ...over,
  }
}

const cases: Array<{name: string; stage: string; good: Record<string, unknown>; bad: Record<string, unknown>}> = [
  {name: 'probe status as text', stage: 'probe', good: {status: 200, scheme: 'https'}, bad: {status: '200', scheme: 'https'}},
  {name: 'probe scheme outside http/https', stage: 'probe', good: {scheme: 'http'}, bad: {scheme: 'ftp'}},
  {name: 'probe clockSkew as "0 s"', stage: 'probe', good: {clockSkew: 0}, bad: {clockSkew: '0 s'}},
  {name: 'probe tls.validTo not a date', stage: 'probe', good: {tls: {version: 'TLSv1.3', validTo: '2027-03-10T12:00:00.000Z'}}, bad: {tls: {version: 'TLSv1.3', validTo: 'Mar 10 12:00:00 2027 GMT'}}},
  {name: 'token expiresIn as "300 s"', stage: 'token', good: {expiresIn: 300}, bad: {expiresIn: '300 s'}},
  {name: 'token serverClockSkew as text', stage: 'token', good: {serverClockSkew: -3}, bad: {serverClockSkew: '-3 s'}},
  {name: 'token expiresInAbsent as text', stage: 'token', good: {expiresInAbsent: true}, bad: {expiresInAbsent: 'yes'}},
  {name: 'token requested as prose', stage: 'token', good: {requested: []}, bad: {requested: '(none: docker login asks for no scope)'}},
  {name: 'token jwtHeader.x5c as text', stage: 'token', good: {jwtHeader: {alg: 'RS256', kid: null, x5c: true, jwk: false}}, bad: {jwtHeader: {alg: 'RS256', kid: null, x5c: 'x5c', jwk: false}}},
  {name: 'challenge derived as prose', stage: 'challenge', good: {derived: true, scopes: ['repository:a:pull']}, bad: {derived: 'from the reference and actions', scopes: ['repository:a:pull']}},
  {name: 'login identityToken as a number', stage: 'login', good: {identityToken: null}, bad: {identityToken: 0}},
  {name: 'access uploadCancelled as text', stage: 'access', good: {uploadCancelled: false}, bad: {uploadCancelled: 'no'}},
  {name: 'access rateLimit.remaining as the header text', stage: 'access', good: {rateLimit: {'ratelimit-remaining': '0;w=21600', remaining: 0}}, bad: {rateLimit: {'ratelimit-remaining': '0;w=21600', remaining: '0;w=21600'}}},
  {name: 'access results[].ok missing', stage: 'access', good: {results: [{action: 'pull', ok: true, status: 200}]}, bad: {results: [{action: 'pull', status: 200}]}},
  {name: 'catalog count as text', stage: 'catalog', good: {count: 3, complete: true}, bad: {count: '3', complete: true}},
  {name: 'tags complete as text', stage: 'tags', good: {complete: false}, bad: {complete: 'false'}},
  {name: 'credentials winner as a number', stage: 'credentials', good: {winner: null}, bad: {winner: 1}},
  {name: 'daemon request as the old display text', stage: 'daemon', good: {request: {method: 'POST', path: '/auth', username: 'alice', serveraddress: 'r.example'}}, bad: {request: 'POST /auth {username: "alice", password: <redacted>}'}},
]

describe('the schema checks each stage\'s facts', () => {
  for (const c of cases) {
    it(`rejects ${c.name}`, () => {
      assert.equal(validate(trace({stage: c.stage, facts: c.good})), true, `the good value: ${JSON.stringify(validate.errors?.slice(0, 3))}`)
      assert.equal(validate(trace({stage: c.stage, facts: c.bad})), false, `${JSON.stringify(c.bad)} passed as ${c.stage} facts`)
    })
  }

  it('a skipped step carries {} facts, and an unknown stage is refused', () => {
    assert.equal(validate(trace({stage: 'token', status: 'skip', facts: {}})), true)
    assert.equal(validate(trace({stage: 'dns', facts: {}})), false)
  })

  it('startedAt must be an ISO 8601 date', () => {
    assert.equal(validate(trace({stage: 'probe', facts: {}}, {startedAt: 'Mon Dec 7 2026'})), false)
  })

  it('documents every fact of every stage (each property has a description: the --json API reference)', () => {
    const defs = TRACE_SCHEMA_JSON.definitions
    const facts = [...Object.keys(defs).filter((k) => k.endsWith('Facts') && k !== 'CertificateFacts' && k !== 'ConnectionFacts'), 'LookupRow']
    for (const stage of ['Probe', 'Challenge', 'Credentials', 'Token', 'Login', 'Access', 'Catalog', 'Tags', 'Daemon', 'DockerError']) assert.ok(facts.includes(`${stage}Facts`), `${stage}Facts is in the schema`)
    const undocumented = facts.flatMap((k) => Object.entries(propertiesOf(defs[k]!)).filter(([, p]) => !p.description).map(([name]) => `${k}.${name}`))
    assert.deepEqual(undocumented, [])
  })

  it('names in the README\'s table of facts only facts the schema has', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8')
    const table = readme.slice(readme.indexOf('| stage | main facts |'), readme.indexOf('\n\n', readme.indexOf('| stage | main facts |')))
    const named = [...table.matchAll(/`([a-zA-Z*-]+)(?:\[\])?`/g)].map((m) => m[1]!)
    assert.ok(named.length > 40, `the table names the facts: ${named.length}`)
    const defs = TRACE_SCHEMA_JSON.definitions
    const known = new Set(Object.keys(defs).filter((k) => k.endsWith('Facts')).flatMap((k) => Object.keys(propertiesOf(defs[k]!))))
    const unknown = named.filter((n) => !known.has(n) && !(n === 'ratelimit-*' && known.has('ratelimit-limit')))
    assert.deepEqual(unknown, [])
  })

  it('ties each stage to its own facts (Step is a union on stage)', () => {
    const step = TRACE_SCHEMA_JSON.definitions.Step!
    const refs = (step.anyOf ?? []).map((s) => s.$ref)
    assert.equal(refs.length, 10, JSON.stringify(step))
    const probe = TRACE_SCHEMA_JSON.definitions.ProbeStep!.properties!
    assert.deepEqual([probe.stage, probe.facts!.$ref], [{type: 'string', const: 'probe'}, '#/definitions/ProbeFacts'])
  })
})

/** A definition's properties, following the aliases ts-json-schema-generator writes as a $ref (TagsFacts → ListFacts). */
function propertiesOf(node: SchemaNode): Record<string, SchemaNode> {
  if (node.properties) return node.properties
  const ref = node.$ref?.replace('#/definitions/', '')
  return ref ? propertiesOf(TRACE_SCHEMA_JSON.definitions[ref]!) : {}
}
