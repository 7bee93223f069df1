import assert from 'node:assert/strict'
import {createHash} from 'node:crypto'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, describe, it} from 'node:test'
import {readCertsDir} from '../../src/hostview/certs-dir.js'
import {tlsOptions} from '../../src/hostview/client.js'
import {readDaemonJson} from '../../src/hostview/daemon-json.js'
import {plainHttpFix, unknownCaFix, viewLine} from '../../src/hostview/describe.js'
import {daemonPlace} from '../../src/hostview/paths.js'
import {matchRegistriesConf, parseEntries} from '../../src/hostview/registries-conf.js'
import {buildHostView} from '../../src/hostview/view.js'
import {parseRegistry} from '../../src/reference.js'

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'
const root = mkdtempSync(join(tmpdir(), 'rp-hostview-'))
after(() => rmSync(root, {recursive: true, force: true}))
let n = 0
/** A fresh fake /etc (and HOME) per test: never the machine's. */
function etc(files: Record<string, string>): {env: NodeJS.ProcessEnv; dir: string} {
  const dir = join(root, `t${n++}`)
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), {recursive: true})
    writeFileSync(join(dir, path), text)
  }
  mkdirSync(dir, {recursive: true})
  return {dir, env: {REGPROBE_ETC: join(dir, 'etc'), HOME: join(dir, 'home')}}
}
const noLookup = async () => [] as string[]

describe('certs.d, read as moby reads it', () => {
  it('every *.crt is a CA and NAME.cert + NAME.key a client pair', () => {
    const {dir} = etc({'d/ca.crt': CA, 'd/extra.crt': CA, 'd/client.cert': 'C', 'd/client.key': 'K', 'd/README': 'x'})
    const c = readCertsDir(join(dir, 'd'))
    assert.deepEqual(c.cas.map((x) => x.file), [join(dir, 'd/ca.crt'), join(dir, 'd/extra.crt')])
    assert.deepEqual(c.clientPairs.map((p) => [p.cert, p.key, p.certPem, p.keyPem]), [[join(dir, 'd/client.cert'), join(dir, 'd/client.key'), 'C', 'K']])
    assert.equal(c.error, undefined)
  })
  it('a .cert without its .key, and a .key without its .cert, are the errors the daemon reports', () => {
    const a = etc({'d/client.cert': 'C'})
    assert.match(readCertsDir(join(a.dir, 'd')).error ?? '', /^missing key client\.key for client certificate client\.cert\. Note that CA certificates should use the extension \.crt/)
    const b = etc({'d/client.key': 'K'})
    assert.match(readCertsDir(join(b.dir, 'd')).error ?? '', /^missing client certificate client\.cert for key client\.key/)
  })
  it('a missing directory is no error; a .crt without a PEM certificate is said', () => {
    const a = readCertsDir(join(root, 'nothing-here'))
    assert.deepEqual([a.exists, a.cas.length, a.error], [false, 0, undefined])
    const b = etc({'d/ca.crt': 'not pem'})
    assert.match(readCertsDir(join(b.dir, 'd')).error ?? '', /holds no PEM certificate/)
  })
})

describe('daemon.json: insecure-registries and the default 127.0.0.0/8', () => {
  const view = (registry: string, files: Record<string, string>, lookup = noLookup) => {
    const {env} = etc(files)
    return buildHostView({registry: parseRegistry(registry), env, lookup})
  }
  it('a host listed by name is insecure, and certs.d is not read for it (moby newTLSConfig)', async () => {
    const v = await view('reg.corp:5000', {'etc/docker/daemon.json': '{"insecure-registries":["http://reg.corp:5000"]}', 'etc/docker/certs.d/reg.corp:5000/ca.crt': CA})
    assert.equal(v.scheme.insecure, true)
    assert.match(v.scheme.why, /^listed in insecure-registries in .*etc\/docker\/daemon\.json$/)
    assert.equal(v.certs, undefined)
    assert.match(viewLine(v) ?? '', /^docker: insecure: listed in insecure-registries/)
  })
  it('a host name whose address is in a listed CIDR is insecure; one outside it is secure', async () => {
    const files = {'etc/docker/daemon.json': '{"insecure-registries":["10.1.0.0/16"]}'}
    assert.match((await view('reg.corp', files, async () => ['10.1.2.3'])).scheme.why, /^its address is in 10\.1\.0\.0\/16, listed in insecure-registries in .*daemon\.json$/)
    assert.equal((await view('reg.corp', files, async () => ['10.1.2.3'])).scheme.insecure, true)
    assert.equal((await view('reg.corp', files, async () => ['10.2.0.1'])).scheme.insecure, false)
  })
  it('127.0.0.0/8 is insecure by default, with or without a daemon.json; ::1 is not (docker 20.10)', async () => {
    const v = await view('127.0.0.5:5000', {})
    assert.deepEqual([v.scheme.insecure, v.scheme.why], [true, '127.0.0.0/8 is insecure by default'])
    assert.equal((await view('localhost:5000', {'etc/docker/daemon.json': '{"insecure-registries":["10.0.0.0/8"]}'})).scheme.insecure, true)
    assert.equal((await view('[::1]:5000', {})).scheme.insecure, false)
  })
  it('a secure registry reads certs.d/<host:port>, IPv6 literals with their brackets', async () => {
    const v = await view('[::1]:5000', {'etc/docker/certs.d/[::1]:5000/ca.crt': CA})
    assert.equal(v.scheme.insecure, false)
    assert.match(v.scheme.why, /does not exist/)
    assert.equal(v.certs?.cas.length, 1)
    assert.match(v.certs!.dir, /certs\.d\/\[::1\]:5000$/)
    assert.match(viewLine(v) ?? '', /^docker: CA from .*certs\.d\/\[::1\]:5000\/ca\.crt$/)
  })
  it('a broken daemon.json is a problem to report (dockerd would not start with it)', () => {
    const {dir} = etc({'daemon.json': '{"insecure-registries": ['})
    assert.match(readDaemonJson(join(dir, 'daemon.json')).problem ?? '', /is not valid JSON/)
  })
  it('REGPROBE_DOCKER_CERTS_D and REGPROBE_DAEMON_JSON move the two roots', async () => {
    const {dir, env} = etc({'x/reg.corp/ca.crt': CA, 'x.json': '{"insecure-registries":["other:1"]}'})
    const v = await buildHostView({registry: parseRegistry('reg.corp'), env: {...env, REGPROBE_DOCKER_CERTS_D: join(dir, 'x'), REGPROBE_DAEMON_JSON: join(dir, 'x.json')}, lookup: noLookup})
    assert.deepEqual(v.certs?.cas.map((c) => c.file), [join(dir, 'x/reg.corp/ca.crt')])
    assert.match(v.scheme.why, /not listed in insecure-registries in .*x\.json$/)
  })
  it('Docker Hub is secure and gets the registry mirrors', async () => {
    const v = await view('docker.io', {'etc/docker/daemon.json': '{"registry-mirrors":["https://mirror.corp"]}'})
    assert.deepEqual([v.scheme.insecure, v.mirrors], [false, ['https://mirror.corp']])
  })
  it('the daemon\'s own /info wins over daemon.json (--via-daemon)', async () => {
    const {env} = etc({'etc/docker/daemon.json': '{"insecure-registries":["reg.corp:5000"]}'})
    const info = {insecureRegistryCIDRs: ['127.0.0.0/8'], indexConfigs: {}, mirrors: []}
    const v = await buildHostView({registry: parseRegistry('reg.corp:5000'), env, daemonInfo: info, lookup: noLookup})
    assert.deepEqual([v.scheme.insecure, v.scheme.source], [false, 'the daemon\'s GET /info'])
  })
})

describe('where the daemon runs', () => {
  it('DOCKER_HOST: default, rootless, remote, Docker Desktop', () => {
    assert.equal(daemonPlace({HOME: '/nonexistent'}).kind, 'local')
    assert.equal(daemonPlace({DOCKER_HOST: 'unix:///run/user/1000/docker.sock'}).kind, 'rootless')
    assert.equal(daemonPlace({DOCKER_HOST: 'unix:///tmp/x/docker.sock', XDG_RUNTIME_DIR: '/tmp/x'}).kind, 'rootless')
    assert.equal(daemonPlace({DOCKER_HOST: 'tcp://10.0.0.2:2376'}).kind, 'remote')
    assert.equal(daemonPlace({DOCKER_HOST: 'tcp://127.0.0.1:2375'}).kind, 'local')
    assert.equal(daemonPlace({DOCKER_HOST: 'ssh://me@build'}).kind, 'remote')
    assert.equal(daemonPlace({DOCKER_HOST: 'unix:///home/me/.docker/desktop/docker.sock'}).kind, 'desktop')
    assert.equal(daemonPlace({DOCKER_HOST: 'tcp://10.0.0.2:2376'}, 'unix:///var/run/docker.sock').kind, 'local')
  })
  it('the current docker context, from config.json and the context\'s meta.json', () => {
    const {dir} = etc({})
    const id = createHash('sha256').update('desktop-linux').digest('hex')
    mkdirSync(join(dir, 'cfg', 'contexts', 'meta', id), {recursive: true})
    writeFileSync(join(dir, 'cfg', 'config.json'), '{"currentContext":"desktop-linux"}')
    writeFileSync(join(dir, 'cfg', 'contexts', 'meta', id, 'meta.json'), '{"Endpoints":{"docker":{"Host":"unix:///home/me/.docker/desktop/docker.sock"}}}')
    const p = daemonPlace({DOCKER_CONFIG: join(dir, 'cfg')})
    assert.deepEqual([p.kind, p.from], ['desktop', 'docker context "desktop-linux"'])
    assert.equal(daemonPlace({DOCKER_CONFIG: join(dir, 'cfg'), DOCKER_CONTEXT: 'gone'}).kind, 'unknown')
  })
  it('a rootless daemon reads ~/.config/docker (XDG_CONFIG_HOME), not /etc/docker', async () => {
    const {dir, env} = etc({'cfg/docker/certs.d/reg.corp/ca.crt': CA, 'etc/docker/certs.d/reg.corp/ca.crt': CA})
    const v = await buildHostView({registry: parseRegistry('reg.corp'), env: {...env, XDG_CONFIG_HOME: join(dir, 'cfg'), DOCKER_HOST: 'unix:///run/user/1000/docker.sock'}, lookup: noLookup})
    assert.deepEqual(v.certs?.cas.map((c) => c.file), [join(dir, 'cfg/docker/certs.d/reg.corp/ca.crt')])
    assert.match(v.scheme.why, /cfg\/docker\/daemon\.json/)
  })
})

describe('--as podman: containers certs.d and registries.conf', () => {
  it('the first certs.d that has a directory for the host: ~/.config, /etc/containers, then /etc/docker', async () => {
    const {env} = etc({'etc/docker/certs.d/reg.corp:5000/ca.crt': CA})
    const v = await buildHostView({registry: parseRegistry('reg.corp:5000'), client: 'podman', env})
    assert.match(v.certs!.cas[0]!.file, /etc\/docker\/certs\.d\/reg\.corp:5000\/ca\.crt$/)
    assert.equal(v.certsSearched.length, 3)
    const w = etc({'etc/docker/certs.d/reg.corp:5000/ca.crt': CA, 'etc/containers/certs.d/reg.corp:5000/other.crt': CA})
    assert.match((await buildHostView({registry: parseRegistry('reg.corp:5000'), client: 'skopeo', env: w.env})).certs!.cas[0]!.file, /containers\/certs\.d\/reg\.corp:5000\/other\.crt$/)
  })
  it('[[registry]] insecure = true (location or prefix, the longest wins); v1 [registries.insecure]; no 127.0.0.0/8 default', async () => {
    const conf = [
      '# a comment',
      'unqualified-search-registries = ["docker.io"]',
      '[[registry]]',
      'location = "reg.corp:5000"',
      'insecure = true',
      '[[registry.mirror]]',
      'location = "mirror.corp"',
      'insecure = false',
      '[[registry]]',
      'prefix = "reg.corp:5000/secure"',
      'location = "reg.corp:5000/secure"',
      '',
    ].join('\n')
    const {env} = etc({'etc/containers/registries.conf': conf})
    const v = await buildHostView({registry: parseRegistry('reg.corp:5000'), client: 'podman', env})
    assert.deepEqual([v.scheme.insecure, v.scheme.why.replace(/ in .*$/, '')], [true, 'insecure = true for "reg.corp:5000"'])
    assert.equal((await buildHostView({registry: parseRegistry('127.0.0.1:5000'), client: 'podman', env})).scheme.insecure, false)
    assert.deepEqual(parseEntries('[registries.insecure]\nregistries = [\n  "a:1",\n  \'b\'\n]\n', 'f').map((e) => [e.prefix, e.insecure]), [['a:1', true], ['b', true]])
  })
  it('CONTAINERS_REGISTRIES_CONF names the one file; *.domain prefixes match subdomains', () => {
    const {dir} = etc({'r.conf': '[[registry]]\nprefix = "*.corp"\ninsecure = true\n'})
    assert.equal(matchRegistriesConf([join(dir, 'r.conf')], 'a.corp:5000')?.insecure, true)
    assert.equal(matchRegistriesConf([join(dir, 'r.conf')], 'corp.example'), undefined)
  })
})

describe('what the client is given, and what the fixes say', () => {
  const base = async (registry: string, files: Record<string, string>, flags = {}) => buildHostView({registry: parseRegistry(registry), env: etc(files).env, lookup: noLookup, flags})
  it('a secure registry: its CA files, joined, and the first client pair; verification on', async () => {
    const v = await base('reg.corp', {'etc/docker/certs.d/reg.corp/a.crt': CA, 'etc/docker/certs.d/reg.corp/b.crt': CA, 'etc/docker/certs.d/reg.corp/c.cert': 'C', 'etc/docker/certs.d/reg.corp/c.key': 'K'})
    assert.deepEqual(tlsOptions(v, undefined), {caCertPem: `${CA}\n${CA}`, clientCert: {cert: 'C', key: 'K'}})
  })
  it('an insecure registry: no verification, unless --ca-cert or an https:// URL asks for it (and the view says so)', async () => {
    const v = await base('reg.corp:5000', {'etc/docker/daemon.json': '{"insecure-registries":["reg.corp:5000"]}'})
    assert.deepEqual(tlsOptions(v, undefined), {insecure: true})
    // Interim (see tlsOptions): docker's built-in 127.0.0.0/8 keeps a verifying client; the probe still falls back.
    assert.deepEqual(tlsOptions(await base('127.0.0.1:5000', {}), undefined), {})
    const flagged = await base('127.0.0.1:5000', {}, {caCert: 'my-ca.pem'})
    assert.deepEqual(tlsOptions(flagged, 'PEM'), {caCertPem: 'PEM'})
    assert.match(flagged.overrides[0]!, /^--ca-cert my-ca\.pem: regprobe verifies the certificate with it \(docker would not verify it: 127\.0\.0\.0\/8 is insecure by default\)$/)
    const named = await base('https://127.0.0.1:5000', {})
    assert.deepEqual(tlsOptions(named, undefined), {})
    assert.match(named.overrides[0]!, /^https:\/\/ named: regprobe verifies/)
  })
  it('the unknown-CA fix never asks for a file that is there', async () => {
    const held = await base('reg.corp', {'etc/docker/certs.d/reg.corp/ca.crt': CA})
    assert.match(unknownCaFix(held, false), /ca\.crt is already there but did not sign/)
    assert.doesNotMatch(unknownCaFix(held, false), /Copy the CA/)
    const none = await base('reg.corp', {})
    assert.match(unknownCaFix(none, false), /^Copy the CA .* to .*etc\/docker\/certs\.d\/reg\.corp\/ca\.crt/)
  })
  it('the plain-HTTP fix names daemon.json and says the host is not in it', async () => {
    const v = await base('reg.corp:5000', {'etc/docker/daemon.json': '{"insecure-registries":["other:5000"]}'})
    assert.match(plainHttpFix(v), /add "reg\.corp:5000" to "insecure-registries" in .*daemon\.json \(it is not in insecure-registries in .*daemon\.json\) and restart dockerd/)
  })
})
