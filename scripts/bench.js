#!/usr/bin/env node
// npm run bench: start-up and doctor timings against `node -e 0` (the floor of any Node CLI), requests and new
// connections per doctor, and peak memory — from one run on this machine. Budgets (issue 10) are reported, not
// enforced: tests never time anything.
import {spawn} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {loadavg, tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

const RUNS = Number(process.env.BENCH_RUNS ?? 15)
const WARMUP = 2
const BIN = fileURLToPath(new URL('../bin/run.js', import.meta.url))
const dist = (p) => new URL(`../dist/${p}`, import.meta.url).href

const BUDGETS = {version: 1.3, doctor: 2.2, rssMiB: 90, requests: 3}

// Every run gets a docker config of its own with one auths entry (another registry), as a user who has logged in
// somewhere has. With no config, docker (and regprobe, judging as docker) uses the default credential store when its
// helper is on PATH: docker-credential-secretservice on this machine, +60 ms and a warning, which times the machine.
const dockerConfig = mkdtempSync(join(tmpdir(), 'regprobe-bench-'))
writeFileSync(join(dockerConfig, 'config.json'), `${JSON.stringify({auths: {'registry.example.com': {}}})}\n`)
const childEnv = {...process.env, NO_COLOR: '1', DOCKER_CONFIG: dockerConfig}

/** Wall time and peak RSS of one child process; RSS from /proc via `ps` is racy, so ask the kernel at exit. */
function once(cmd, args, env = {}) {
  return new Promise((resolve, reject) => {
    const start = performance.now()
    const child = spawn(cmd, args, {stdio: ['ignore', 'pipe', 'pipe'], env: {...childEnv, ...env}})
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', () => {})
    child.on('error', reject)
    child.on('exit', (code) => resolve({ms: performance.now() - start, code, out}))
  })
}

/**
 * Medians of several commands, run round-robin (a, b, c, a, b, c, …) so that the machine's drift — these runs take
 * seconds and the load changes — falls on every command alike, and the ratios between them hold.
 */
async function medians(cases) {
  const times = cases.map(() => [])
  for (let i = 0; i < WARMUP + RUNS; i++) {
    for (const [j, [cmd, args, env]] of cases.entries()) {
      const {ms} = await once(cmd, args, env)
      if (i >= WARMUP) times[j].push(ms)
    }
  }
  return times.map((t) => t.sort((a, b) => a - b)[Math.floor(t.length / 2)])
}

/** Peak RSS of one run, as the child's kernel accounts it (process.resourceUsage at exit, via --import). */
function peakRssMiB(args) {
  const hook = 'data:text/javascript,process.on("exit",()=>process.stderr.write("\\nRSS_KB="+process.resourceUsage().maxRSS+"\\n"))'
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', hook, BIN, ...args], {stdio: ['ignore', 'ignore', 'pipe'], env: childEnv})
    let err = ''
    child.stderr.on('data', (d) => (err += d))
    child.on('exit', () => {
      const m = /RSS_KB=(\d+)/.exec(err)
      resolve(m ? Number(m[1]) / 1024 : NaN)
    })
  })
}

async function doctorShape(target, extra = []) {
  const r = await once(process.execPath, [BIN, 'doctor', target, '--json', ...extra])
  const t = JSON.parse(r.out)
  const exchanges = t.steps.flatMap((s) => s.exchanges)
  const perHost = {}
  for (const x of exchanges) {
    const host = new URL(x.request.url).host
    perHost[host] ??= 0
    if (x.connection && !x.connection.reused) perHost[host]++
  }
  return {code: r.code, requests: exchanges.length, newConnectionsPerHost: perHost}
}

const fmt = (ms) => `${ms.toFixed(0).padStart(5)} ms`
const rows = []
// The machine's load moves every number (CI runners and shared machines): say what it was.
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ')
const loadBefore = load()
const {startSandbox} = await import(dist('src/sandbox/index.js'))
const sandbox = await startSandbox()
const sandboxTarget = `${sandbox.registryUrl}/library/hello`
// The floors the transport was chosen by (issue 17): the same three requests (ping, token, manifest HEAD) with
// nothing else, through node:http with a keep-alive Agent (regprobe's transport) and through the global fetch (Node's
// bundled undici; the undici package measured 4.28× and is no longer a dependency). What doctor takes beyond its floor
// is its own.
const pull = (get) => `
const [reg, realm, service, caPath] = process.argv.slice(1)
${get}
const ping = await get(reg + '/v2/')
const t = await get(realm + '?service=' + encodeURIComponent(service) + '&scope=repository:library/hello:pull')
const {token} = JSON.parse(t.body)
const m = await get(reg + '/v2/library/hello/manifests/latest', 'HEAD', {authorization: 'Bearer ' + token, accept: 'application/vnd.oci.image.manifest.v1+json'})
process.stdout.write(JSON.stringify({ping: ping.status, token: t.status, manifest: m.status}) + '\\n')
process.exit(0)`
const FLOORS = {
  'node:http': pull(`import http from 'node:http'
const agent = new http.Agent({keepAlive: true})
const get = (url, method = 'GET', headers = {}) => new Promise((resolve, reject) => {
  const req = http.request(url, {method, headers, agent}, (res) => { let body = ''; res.setEncoding('utf8'); res.on('data', (d) => (body += d)); res.on('end', () => resolve({status: res.statusCode, body})) })
  req.on('error', reject); req.end()
})`),
  fetch: pull(`const get = async (url, method = 'GET', headers = {}) => { const r = await fetch(url, {method, headers}); return {status: r.status, body: await r.text()} }`),
  // The TLS floor: node:https, keep-alive, the private CA added to the default roots of one secure context, as the
  // transport does (src/http/transport.ts). Two handshakes: the registry and its token server listen on two ports.
  'node:https': pull(`const https = process.getBuiltinModule('node:https')
const tls = process.getBuiltinModule('node:tls')
const secureContext = tls.createSecureContext({})
secureContext.context.addCACert(process.getBuiltinModule('node:fs').readFileSync(caPath, 'utf8'))
const agent = new https.Agent({keepAlive: true, secureContext})
const get = (url, method = 'GET', headers = {}) => new Promise((resolve, reject) => {
  const req = https.request(url, {method, headers, agent, servername: ''}, (res) => { let body = ''; res.setEncoding('utf8'); res.on('data', (d) => (body += d)); res.on('end', () => resolve({status: res.statusCode, body})) })
  req.on('error', reject); req.end()
})`),
}
// The same sandbox over HTTPS, its private CA passed as --ca-cert. Its certificates are ECDSA P-256 (src/sandbox/
// certs.ts), as Let's Encrypt issues by default; RSA 2048, what many registries present, cost the same here within
// noise (handshakes of each, measured for issue 10), so the fixture is not tuned to pass.
const tlsSandbox = await startSandbox({tls: true})
const tlsTarget = `${tlsSandbox.registryUrl}/library/hello`
const tlsArgs = [BIN, 'doctor', tlsTarget, '--json', '--ca-cert', tlsSandbox.caPath]
const floorArgs = (stack) => {
  const sb = stack === 'node:https' ? tlsSandbox : sandbox
  return ['--input-type=module', '-e', FLOORS[stack], sb.registryUrl, sb.tokenUrl, sb.service, ...(sb.caPath ? [sb.caPath] : [])]
}
for (const stack of Object.keys(FLOORS)) {
  const check = await once(process.execPath, floorArgs(stack))
  if (check.out.trim() !== '{"ping":401,"token":200,"manifest":200}') throw new Error(`the ${stack} floor script did not pull: ${check.out}`)
}
// "A private CA costs no more than the same CA in Node's own store": the same run with the CA appended to the
// NODE_EXTRA_CA_CERTS bundle this environment already has (the system bundle here and on CI), and no --ca-cert.
const extraBundle = `${tlsSandbox.caPath}.with-extra.pem`
const existingExtra = process.env.NODE_EXTRA_CA_CERTS ? readFileSync(process.env.NODE_EXTRA_CA_CERTS, 'utf8') : ''
writeFileSync(extraBundle, `${existingExtra}\n${tlsSandbox.caPem}`)
for (const [args, env] of [[tlsArgs], [[BIN, 'doctor', tlsTarget, '--json'], {NODE_EXTRA_CA_CERTS: extraBundle}]]) {
  const check = await once(process.execPath, args, env)
  if (check.code !== 0) throw new Error(`doctor over HTTPS did not pass (exit ${check.code}) with ${env ? 'the CA in NODE_EXTRA_CA_CERTS' : '--ca-cert'}`)
}

const cases = [
  ['node -e 0', process.execPath, ['-e', '0']],
  ['regprobe --version', process.execPath, [BIN, '--version']],
  ['regprobe --help', process.execPath, [BIN, '--help']],
  ['doctor (sandbox, loopback)', process.execPath, [BIN, 'doctor', sandboxTarget, '--json']],
  ['doctor (sandbox, HTTPS, --ca-cert)', process.execPath, tlsArgs],
  ['doctor (HTTPS, CA in NODE_EXTRA_CA_CERTS)', process.execPath, [BIN, 'doctor', tlsTarget, '--json'], {NODE_EXTRA_CA_CERTS: extraBundle}],
  ['3 requests: node:http (the transport)', process.execPath, floorArgs('node:http')],
  ['3 requests: node:https + CA (TLS floor)', process.execPath, floorArgs('node:https')],
  ['3 requests: global fetch', process.execPath, floorArgs('fetch')],
]
const ms = await medians(cases.map(([, cmd, args, env]) => [cmd, args, env]))
const floor = ms[0]
cases.forEach(([label], i) => rows.push([label, ms[i], ms[i] / floor]))
const versionRatio = ms[1] / floor
const doctorRatio = ms[3] / floor
const tlsRatio = ms[4] / floor
const [doctorMs, tlsMs, floorMs, tlsFloorMs] = [ms[3], ms[4], ms[6], ms[7]]
const shape = await doctorShape(sandboxTarget)
const tlsShape = await doctorShape(tlsTarget, ['--ca-cert', tlsSandbox.caPath])
const rss = await peakRssMiB(['doctor', sandboxTarget, '--json'])
const tlsRss = await peakRssMiB(tlsArgs.slice(1))
await sandbox.close()
await tlsSandbox.close()

let real
try {
  const {startDistribution} = await import(dist('test/helpers/distribution.js'))
  const reg = await startDistribution('token')
  try {
    // The real registry starts empty: push the sandbox's seed image as alice, so doctor times a pull that succeeds
    // (the budget's case: ping, token, manifest), not a diagnosis of a missing image.
    const {pushImage} = await import(dist('tools/record/distribution.js'))
    const {buildSeedImage} = await import(dist('src/sandbox/seed.js'))
    const scope = encodeURIComponent('repository:library/hello:pull,push')
    const tokenRes = await fetch(`${reg.tokenServer.url}?service=${encodeURIComponent(reg.service)}&scope=${scope}`, {headers: {authorization: `Basic ${Buffer.from('alice:wonderland').toString('base64')}`}})
    const {token} = await tokenRes.json()
    await pushImage(reg.url, 'library/hello', 'latest', {...buildSeedImage(), mediaType: 'application/vnd.oci.image.manifest.v1+json'}, `Bearer ${token}`)
    const target = `${reg.url}/library/hello`
    const [realMs] = await medians([[process.execPath, [BIN, 'doctor', target, '--json']]])
    rows.push(['doctor (real registry, token mode)', realMs, realMs / floor])
    real = await doctorShape(target)
  } finally {
    await reg.close()
  }
} catch (e) {
  rows.push([`doctor (real registry): not run — ${e.message.split('\n')[0]}`, NaN, NaN])
}

console.log(`regprobe benchmark: median of ${RUNS} runs each (after ${WARMUP} warm-up), round-robin, node ${process.version}, ${process.platform}-${process.arch}`)
console.log(`load average (1, 5, 15 min) before: ${loadBefore}; after: ${load()}`)
console.log(`every run: DOCKER_CONFIG=${dockerConfig} (config.json with one auths entry, so no default credential store)\n`)
for (const [label, ms, ratio] of rows) console.log(`${label.padEnd(44)} ${Number.isNaN(ms) ? '' : fmt(ms)}  ${Number.isNaN(ratio) ? '' : `${ratio.toFixed(2)}×`}`)
console.log(`\ndoctor (sandbox) requests: ${shape.requests}; new connections per host: ${JSON.stringify(shape.newConnectionsPerHost)}; exit ${shape.code}`)
console.log(`doctor (sandbox, HTTPS, --ca-cert) requests: ${tlsShape.requests}; new connections per host: ${JSON.stringify(tlsShape.newConnectionsPerHost)}; exit ${tlsShape.code}`)
if (real) console.log(`doctor (real registry) requests: ${real.requests}; new connections per host: ${JSON.stringify(real.newConnectionsPerHost)}; exit ${real.code}`)
console.log(`doctor peak RSS: ${rss.toFixed(1)} MiB; with HTTPS and --ca-cert: ${tlsRss.toFixed(1)} MiB`)
const beyond = (a, b) => `${(a - b).toFixed(0)} ms = ${((a - b) / floor).toFixed(2)}× node -e 0`
console.log(`doctor beyond the node:http floor (regprobe's own start-up and work): ${beyond(doctorMs, floorMs)}`)
console.log(`doctor with --ca-cert beyond the node:https floor: ${beyond(tlsMs, tlsFloorMs)}; the TLS floor beyond the plain one: ${beyond(tlsFloorMs, floorMs)}`)
const verdict = (ok) => (ok ? 'met' : 'NOT met')
const onePerHost = (sh) => Object.values(sh.newConnectionsPerHost).every((n) => n === 1)
console.log(`\nbudgets: --version ≤ ${BUDGETS.version}× (${verdict(versionRatio <= BUDGETS.version)}), doctor ≤ ${BUDGETS.doctor}× (${verdict(doctorRatio <= BUDGETS.doctor)}), ` +
  `doctor with a private CA ≤ ${BUDGETS.doctor}× (${verdict(tlsRatio <= BUDGETS.doctor)}), ` +
  `${BUDGETS.requests} requests (${verdict(shape.requests === BUDGETS.requests && tlsShape.requests === BUDGETS.requests)}), one connection per host (${verdict(onePerHost(shape) && onePerHost(tlsShape))}), ` +
  `RSS < ${BUDGETS.rssMiB} MiB (${verdict(rss < BUDGETS.rssMiB && tlsRss < BUDGETS.rssMiB)})`)
rmSync(dockerConfig, {recursive: true, force: true})
process.exit(0)
