import {readFileSync} from 'node:fs'
import {parseArgs} from 'node:util'
import type {Credential} from '../../src/credentials/types.js'

/** Where fixtures live, from dist/tools/record/ (compiled) or tools/record/. */
export const FIXTURE_DIR = new URL('../../../test/fixtures/wire/', import.meta.url)

const USAGE = `usage: npm run record -- REF SCENARIO [options]
  Runs probe, challenge, token and access (a HEAD of the manifest) against a live registry with nock's recorder on
  and writes test/fixtures/wire/recorded-SCENARIO.json (tokens faked, secrets removed, loopback hosts normalised).
options:
  --actions pull,push     scope to ask for (only pull is proven; nothing is written to the registry)
  -u, --username USER     with --password-stdin: record an authenticated flow
  --password-stdin        read the password from stdin
  --plain-http            speak HTTP, and allow credentials over it
  --ca-cert FILE          trust this CA
  --insecure              do not verify TLS
  --registry LABEL        the fixture's "registry" field (default: the host)
  --notes TEXT            added to the fixture's notes
  --out DIR               write there instead of test/fixtures/wire
  --distribution          record the checked-in fixtures of the real docker-registry (open and token modes); no REF`

export async function main(argv: string[]): Promise<number> {
  const {values, positionals} = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      actions: {type: 'string', default: 'pull'},
      username: {type: 'string', short: 'u'},
      'password-stdin': {type: 'boolean'},
      'plain-http': {type: 'boolean'},
      'ca-cert': {type: 'string'},
      insecure: {type: 'boolean'},
      registry: {type: 'string'},
      notes: {type: 'string'},
      out: {type: 'string'},
      distribution: {type: 'boolean'},
      help: {type: 'boolean', short: 'h'},
    },
  })
  const outDir = values.out ? new URL(`file://${values.out.replace(/\/?$/, '/')}`) : FIXTURE_DIR
  if (values.help) {
    process.stdout.write(`${USAGE}\n`)
    return 0
  }
  if (values.distribution) {
    const {recordDistributionFixtures} = await import('./distribution-fixtures.js')
    for (const f of await recordDistributionFixtures(outDir)) process.stdout.write(`wrote ${f.file.pathname} (verdict ${f.fixture.verdict.code}: ${f.fixture.verdict.headline})\n`)
    return 0
  }
  const [ref, scenario] = positionals
  if (!ref || !scenario || positionals.length > 2) {
    process.stderr.write(`${USAGE}\n`)
    return 2
  }
  let credential: Credential | undefined
  if (values.username) {
    if (!values['password-stdin']) {
      process.stderr.write('--username needs --password-stdin\n')
      return 2
    }
    const password = readFileSync(0, 'utf8').replace(/\r?\n$/, '')
    credential = {kind: 'basic', username: values.username, password, source: {type: 'flag', location: '--username/--password-stdin'}}
  }
  const {record} = await import('./recorder.js')
  const r = await record({
    ref,
    scenario,
    actions: values.actions!.split(',').map((a) => a.trim()).filter(Boolean),
    credential,
    plainHttp: values['plain-http'],
    caCertPem: values['ca-cert'] ? readFileSync(values['ca-cert'], 'utf8') : undefined,
    insecure: values.insecure,
    outDir,
    registryLabel: values.registry,
    notes: values.notes,
  })
  process.stdout.write(`wrote ${r.file.pathname}: ${r.fixture.requests.length} exchanges, verdict ${r.trace.verdict.code} (${r.trace.verdict.headline})\n`)
  return 0
}
