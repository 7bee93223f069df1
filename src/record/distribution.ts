import {spawn, type ChildProcess} from 'node:child_process'
import {once} from 'node:events'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import net from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

/**
 * The real distribution registry (Debian's `docker-registry`), started from a temporary config on a loopback port,
 * for recording fixtures in CI-like conditions. test/helpers/distribution.ts is the tests' harness; this one belongs
 * to the recorder so that `npm run record:distribution` needs nothing from test/.
 */
export interface RunningDistribution {
  url: string
  host: string
  close(): Promise<void>
}

export interface DistributionOptions {
  /** Token mode: the realm, service, issuer and the PEM of the certificate that signs the tokens. */
  token?: {realm: string; service: string; issuer: string; signingCertPem: string}
  /** htpasswd mode: the realm and bcrypt htpasswd lines (`htpasswd -Bbn USER PASSWORD`). */
  htpasswd?: {realm: string; lines: string}
  binary?: string
}

/** docker-registry 2.8 starts in well under a second; this covers a loaded CI machine. */
const START_TIMEOUT_MS = 15_000

export async function startDistribution(opts: DistributionOptions = {}): Promise<RunningDistribution> {
  const dir = mkdtempSync(join(tmpdir(), 'regprobe-record-'))
  const port = await freePort()
  const auth = opts.token
    ? (() => {
        const bundle = join(dir, 'token-signer.pem')
        writeFileSync(bundle, opts.token.signingCertPem)
        return `auth:\n  token:\n    realm: ${JSON.stringify(opts.token.realm)}\n    service: ${JSON.stringify(opts.token.service)}\n    issuer: ${JSON.stringify(opts.token.issuer)}\n    rootcertbundle: ${JSON.stringify(bundle)}\n`
      })()
    : opts.htpasswd
      ? (() => {
          const file = join(dir, 'htpasswd')
          writeFileSync(file, opts.htpasswd.lines)
          return `auth:\n  htpasswd:\n    realm: ${JSON.stringify(opts.htpasswd.realm)}\n    path: ${JSON.stringify(file)}\n`
        })()
      : ''
  const config = join(dir, 'config.yml')
  writeFileSync(
    config,
    `version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: ${JSON.stringify(join(dir, 'data'))}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${port}\n${auth}`,
  )
  const child: ChildProcess = spawn(opts.binary ?? 'docker-registry', ['serve', config], {stdio: ['ignore', 'ignore', 'pipe']})
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)))
  const url = `http://127.0.0.1:${port}`
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      await once(child, 'exit')
    }
    rmSync(dir, {recursive: true, force: true})
  }
  const deadline = Date.now() + START_TIMEOUT_MS
  for (;;) {
    if (child.exitCode !== null) {
      await close()
      throw new Error(`docker-registry exited (${child.exitCode}): ${stderr}`)
    }
    try {
      const r = await fetch(`${url}/v2/`)
      await r.arrayBuffer()
      break
    } catch {}
    if (Date.now() > deadline) {
      await close()
      throw new Error(`docker-registry did not answer on ${url} within ${START_TIMEOUT_MS} ms: ${stderr}`)
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  return {url, host: `127.0.0.1:${port}`, close}
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.on('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port
      s.close(() => resolve(port))
    })
  })
}

/** Pushes one small image with plain fetch (not recorded): a fixture of a pull needs something to pull. */
export async function pushImage(baseUrl: string, repository: string, tag: string, image: {manifest: Buffer; config: Buffer; layer: Buffer; mediaType: string}, authorization?: string): Promise<void> {
  const auth: Record<string, string> = authorization ? {authorization} : {}
  const {createHash} = await import('node:crypto')
  for (const blob of [image.config, image.layer]) {
    const digest = `sha256:${createHash('sha256').update(blob).digest('hex')}`
    const start = await fetch(`${baseUrl}/v2/${repository}/blobs/uploads/`, {method: 'POST', headers: auth})
    await start.arrayBuffer()
    if (start.status !== 202) throw new Error(`blob upload start: ${start.status}`)
    const loc = new URL(start.headers.get('location')!, baseUrl)
    loc.searchParams.set('digest', digest)
    const put = await fetch(loc, {method: 'PUT', headers: {...auth, 'content-type': 'application/octet-stream'}, body: new Uint8Array(blob)})
    await put.arrayBuffer()
    if (put.status !== 201) throw new Error(`blob upload: ${put.status}`)
  }
  const m = await fetch(`${baseUrl}/v2/${repository}/manifests/${tag}`, {method: 'PUT', headers: {...auth, 'content-type': image.mediaType}, body: new Uint8Array(image.manifest)})
  await m.arrayBuffer()
  if (m.status !== 201) throw new Error(`manifest put: ${m.status} ${await m.text().catch(() => '')}`)
}
