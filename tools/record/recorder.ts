import {mkdirSync, writeFileSync} from 'node:fs'
import type {Credential} from '../../src/credentials/types.js'
import {HttpClient} from '../../src/http/client.js'
import type {Trace} from '../../src/trace/types.js'
import {VERSION} from '../../src/version.js'
import {recordPipeline} from './pipeline.js'
import {loopbackAliases, sanitizeRecords, type FixtureRequest, type NockRecord} from './sanitize.js'

export interface RecordOptions {
  ref: string
  scenario: string
  actions?: string[]
  credential?: Credential
  plainHttp?: boolean
  caCertPem?: string
  insecure?: boolean
  /** Folder to write recorded-<scenario>.json in. */
  outDir: URL
  /** Registry label for the fixture's `registry` field. */
  registryLabel?: string
  notes?: string
}

export interface RecordResult {
  file: URL
  trace: Trace
  fixture: RecordedFixture
}

export interface RecordedFixture {
  registry: string
  scenario: string
  confirmed: 'capture'
  source: string
  recordedAt: string
  notes: string
  verdict: {code: number; headline: string}
  requests: FixtureRequest[]
}

/** A scenario name becomes part of a file name: keep it to what every file system and a reader accept. */
const SCENARIO = /^[a-z0-9][a-z0-9-]{0,63}$/

/**
 * Runs the pipeline against a live registry with nock's recorder on, then writes the sanitised exchanges. nock 14
 * records global fetch (its recorder applies the @mswjs fetch interceptor), which is what HttpClient calls, and it sees
 * the raw values: the recorder needs them to replace each token by one same-shaped fake everywhere it appears.
 */
export async function record(opts: RecordOptions): Promise<RecordResult> {
  if (!SCENARIO.test(opts.scenario)) throw new Error(`scenario "${opts.scenario}" must be lower-case letters, digits and '-'`)
  const {default: nock} = await import('nock')
  nock.recorder.clear()
  nock.recorder.rec({output_objects: true, dont_print: true, enable_reqheaders_recording: true})
  let trace: Trace
  let raw: NockRecord[]
  try {
    const http = new HttpClient({caCertPem: opts.caCertPem, insecure: opts.insecure, userAgent: `regprobe/${VERSION} (recorder)`})
    trace = await recordPipeline(http, opts.ref, {actions: opts.actions ?? ['pull'], credential: opts.credential, plainHttp: opts.plainHttp})
    // The recorder's response hook reads the body after our client did: let it finish.
    await new Promise((r) => setTimeout(r, 50))
    raw = nock.recorder.play() as unknown as NockRecord[]
  } finally {
    nock.restore()
    nock.recorder.clear()
  }
  const ordered = inTraceOrder(raw, trace)
  const hosts = loopbackAliases(ordered)
  const requests = sanitizeRecords(ordered, {hosts})
  const renamed = [...hosts].map(([from, to]) => `${from} → ${to}`).join(', ')
  const rename = (text: string) => [...hosts].reduce((t, [from, to]) => t.split(from).join(to), text)
  const origin = rename(ordered[0] ? new URL(ordered[0].scope).origin : opts.ref)
  const fixture: RecordedFixture = {
    registry: opts.registryLabel ?? new URL(origin).host,
    scenario: opts.scenario,
    confirmed: 'capture',
    source: `recorded by npm run record from ${origin} (regprobe ${VERSION}, node ${process.version})`,
    recordedAt: new Date().toISOString(),
    notes: [
      opts.notes,
      'Tokens are same-shaped fakes: a JWT keeps its header and claims with a random signature; an opaque token is random characters of the same length and alphabet. Basic passwords are fakes; cookies and content-length are dropped.',
      renamed ? `Ephemeral loopback hosts were normalised: ${renamed}.` : undefined,
    ].filter(Boolean).join(' '),
    verdict: {code: trace.verdict.code, headline: rename(trace.verdict.headline)},
    requests,
  }
  mkdirSync(opts.outDir, {recursive: true})
  const file = new URL(`recorded-${opts.scenario}.json`, opts.outDir)
  writeFileSync(file, `${JSON.stringify(fixture, null, 1)}\n`)
  return {file, trace, fixture}
}

/** The trace is the authority on order (method and path of each exchange); the recorder's events may interleave. */
function inTraceOrder(raw: NockRecord[], trace: Trace): NockRecord[] {
  const left = [...raw]
  const out: NockRecord[] = []
  for (const x of trace.steps.flatMap((s) => s.exchanges)) {
    if (!x.response) continue
    const u = new URL(x.request.url)
    const i = left.findIndex((r) => r.method.toUpperCase() === x.request.method && new URL(r.path, r.scope).pathname === u.pathname && new URL(r.scope).host === u.host)
    if (i >= 0) out.push(...left.splice(i, 1))
  }
  return [...out, ...left]
}
