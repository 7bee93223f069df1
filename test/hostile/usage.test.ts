import assert from 'node:assert/strict'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, describe, it} from 'node:test'
import {parseJsonOut, runCli} from '../helpers/cli.js'
import {CONCURRENCY, assertClean} from './support.js'

/** Garbage from the user, not the registry: exit 2 before any request, with a message that points at the bad part. */
describe('hostile input from the command line', {concurrency: CONCURRENCY}, () => {
  const dir = mkdtempSync(join(tmpdir(), 'regprobe-hostile-usage-'))
  after(() => rmSync(dir, {recursive: true, force: true}))

  const REFS: Array<{name: string; ref: string; points: RegExp}> = [
    {name: 'a tag with a non-ASCII character', ref: '127.0.0.1:9/team/app:lat€st', points: /"lat€st"/},
    {name: 'an empty path component', ref: '127.0.0.1:9/team//app', points: /"team\/\/app"/},
    {name: 'upper case in the repository', ref: '127.0.0.1:9/Team/App', points: /Team\/App/},
    {name: 'a digest that is not hex', ref: '127.0.0.1:9/team/app@sha256:zzzz', points: /sha256:zzzz/},
    {name: 'control characters', ref: '127.0.0.1:9/team/a\u0007pp', points: /a\\u0007pp|a.pp/},
  ]

  for (const c of REFS) {
    it(`a reference with garbage: ${c.name} (exit 2, in both modes)`, async () => {
      const [human, json] = await Promise.all([runCli(['doctor', c.ref]), runCli(['doctor', c.ref, '--json'])])
      assert.equal(human.code, 2, human.stdout + human.stderr)
      assert.match(human.stderr, c.points)
      assert.equal(human.stdout, '')
      assert.equal(json.code, 2, json.stdout + json.stderr)
      const doc = parseJsonOut(json)
      assert.equal(doc.error.exitCode, 2)
      assert.match(doc.error.message, c.points)
      assertClean(human)
      assertClean(json)
    })
  }

  it('an unreadable --ca-cert is exit 2 naming the file and why: missing, a directory, not PEM', async () => {
    const notPem = join(dir, 'not-a-cert.pem')
    writeFileSync(notPem, 'hello, I am not a certificate\n')
    const cases: Array<[string, RegExp]> = [
      [join(dir, 'missing.pem'), /cannot read --ca-cert .*missing\.pem: no such file or directory \(ENOENT\)/],
      [dir, /cannot read --ca-cert .*: it is a directory/],
      [notPem, /no certificate in .*not-a-cert\.pem/],
    ]
    const runs = await Promise.all(cases.map(([file]) => runCli(['probe', '127.0.0.1:9', '--ca-cert', file, '--json'])))
    runs.forEach((r, i) => {
      assert.equal(r.code, 2, r.stdout + r.stderr)
      assert.match(parseJsonOut(r).error.message, cases[i]![1])
      assert.match(r.stderr, cases[i]![1])
      assertClean(r)
    })
  })

  it('a missing REF with a password piped in is exit 2 "Missing 1 required arg"; the password is not taken for the REF', async () => {
    // oclif's parser read a missing argument from piped stdin: the password became the REF (and was echoed in errors).
    const r = await runCli(['doctor', '-u', 'alice', '--password-stdin', '--json'], {stdin: 'wonderland-secret\n'})
    assert.equal(r.code, 2, r.stdout + r.stderr)
    assert.match(parseJsonOut(r).error.message, /^Missing 1 required arg:\nref {2}REF: an image reference/)
    assert.doesNotMatch(r.stdout + r.stderr, /wonderland-secret/)
    assertClean(r)
  })

  it('a mistyped password flag (--pasword=...) is exit 2 naming the flag, and the value appears nowhere, in both modes', async () => {
    const [human, json] = await Promise.all([runCli(['doctor', 'alpine', '--pasword=hunter2-secret']), runCli(['doctor', 'alpine', '--pasword=hunter2-secret', '--json'])])
    for (const r of [human, json]) {
      assert.equal(r.code, 2, r.stdout + r.stderr)
      assert.match(r.stderr, /Nonexistent flag: --pasword=…/)
      assert.doesNotMatch(r.stdout + r.stderr, /hunter2/)
      assertClean(r)
    }
  })

  it('argument mistakes never echo a value that could be a password: stray positionals, a value glued to -p', async () => {
    const runs = await Promise.all([
      runCli(['login', 'registry.example', 'alice', 'hunter2-secret']),
      runCli(['login', 'registry.example', 'alice', 'hunter2-secret', '--json']),
      runCli(['probe', 'registry.example', '-phunter2-secret']),
    ])
    for (const r of runs) {
      assert.equal(r.code, 2, r.stdout + r.stderr)
      assert.doesNotMatch(r.stdout + r.stderr, /hunter2/)
      assertClean(r)
    }
    assert.match(runs[0]!.stderr, /Unexpected arguments: 2 more than this command takes/)
    assert.match(runs[2]!.stderr, /Nonexistent flag: -p…/)
  })
})
