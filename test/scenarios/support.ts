import {mkdtemp, rm} from 'node:fs/promises'
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {launchDistribution, pushImage, writeAuth} from '../../tools/record/distribution.js'
import {OCI_MANIFEST} from '../../src/sandbox/media-types.js'
import {buildSeedImage} from '../../src/sandbox/seed.js'
import {startTokenServer} from '../../src/sandbox/token-server.js'
import {parseJsonOut, runCli, type CliResult} from '../helpers/cli.js'
import {requireBinary, TOKEN_ISSUER, TOKEN_SERVICE, type RealRegistry} from '../helpers/distribution.js'

/** What a scenario asserts: the exit code, the first cause's code and the first fix. */
export interface Outcome {
  code: number | null
  firstCause?: string
  firstMessage?: string
  firstFix?: string
  causes: string[]
  trace: any
  raw: CliResult
}

export async function doctor(args: string[], opts: {stdin?: string; env?: NodeJS.ProcessEnv} = {}): Promise<Outcome> {
  const raw = await runCli(['doctor', ...args, '--json'], {...opts, timeoutMs: 60_000})
  const trace = parseJsonOut(raw)
  const causes = (trace.verdict.causes as Array<{code: string}>).map((c) => c.code)
  return {code: raw.code, firstCause: causes[0], firstMessage: trace.verdict.causes[0]?.message, firstFix: trace.verdict.fixes[0], causes, trace, raw}
}

export const explain = (o: Outcome): string => `exit ${o.code}; causes ${o.causes.join(', ')}; fixes ${JSON.stringify(o.trace.verdict.fixes)}\n${o.raw.stderr}`

/** A token for alice with push on `repository`, straight from the registry's token server. */
export async function aliceToken(reg: RealRegistry, repository: string): Promise<string> {
  const url = new URL(reg.tokenServer!.url)
  url.searchParams.set('service', reg.service!)
  url.searchParams.set('scope', `repository:${repository}:pull,push`)
  const res = await fetch(url, {headers: {authorization: `Basic ${Buffer.from('alice:wonderland').toString('base64')}`}})
  if (res.status !== 200) throw new Error(`token for alice: ${res.status}`)
  return ((await res.json()) as {token: string}).token
}

/** Pushes the sandbox's seed image under each tag, as alice. */
export async function seed(reg: RealRegistry, repository: string, tags: string[]): Promise<void> {
  const token = await aliceToken(reg, repository)
  const image = buildSeedImage()
  for (const tag of tags) await pushImage(reg.url, repository, tag, {...image, mediaType: OCI_MANIFEST}, `Bearer ${token}`)
}

/**
 * Real distribution in token mode whose rootcertbundle holds ANOTHER key than the one its token server signs with:
 * every token is well-formed, in time, for the right service and issuer, and rejected for its signature.
 */
export async function startForeignKeyRegistry(): Promise<{host: string; close(): Promise<void>}> {
  const binary = requireBinary('docker-registry', 'docker-registry')
  const dir = await mkdtemp(join(tmpdir(), 'regprobe-scenario-foreign-key-'))
  const signer = await startTokenServer({service: TOKEN_SERVICE, issuer: TOKEN_ISSUER})
  const other = await startTokenServer({service: TOKEN_SERVICE, issuer: TOKEN_ISSUER})
  await other.close()
  try {
    const auth = await writeAuth(dir, {token: {realm: signer.url, service: TOKEN_SERVICE, issuer: TOKEN_ISSUER, signingCertPem: other.signingCertPem}})
    const reg = await launchDistribution({binary, dir, auth})
    return {
      host: reg.host,
      close: async () => {
        await reg.close()
        await signer.close()
        await rm(dir, {recursive: true, force: true})
      },
    }
  } catch (error) {
    await signer.close()
    await rm(dir, {recursive: true, force: true})
    throw error
  }
}

/**
 * Synthetic, modelled on Docker Hub (shared/fixtures/registries.json in the project's shared docs: "rate-limit probe via HEAD" and "pull rate
 * limit exceeded"): a HEAD of a manifest answers 200 with `ratelimit-remaining: 0;w=21600` (a HEAD does not count),
 * the GET that docker's pull sends answers 429 TOOMANYREQUESTS with the same headers and a Retry-After.
 */
export async function startHubLike(): Promise<{host: string; close(): Promise<void>}> {
  const limits = {'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '0;w=21600', 'docker-ratelimit-source': '203.0.113.7', 'docker-distribution-api-version': 'registry/2.0'}
  let realm = ''
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://x')
    if (url.pathname === '/token') {
      res.writeHead(200, {'content-type': 'application/json'})
      res.end(JSON.stringify({token: 'opaque-hub-like-token', expires_in: 300}))
    } else if (url.pathname === '/v2/' && !req.headers.authorization) {
      res.writeHead(401, {'www-authenticate': `Bearer realm="${realm}",service="registry.docker.io"`, 'content-type': 'application/json', ...limits})
      res.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":null}]}')
    } else if (url.pathname === '/v2/') {
      res.writeHead(200, {'content-type': 'application/json'}).end('{}')
    } else if (/^\/v2\/library\/alpine\/manifests\//.test(url.pathname) && req.method === 'HEAD') {
      res.writeHead(200, {'content-type': OCI_MANIFEST, 'docker-content-digest': `sha256:${'a'.repeat(64)}`, 'content-length': '400', ...limits})
      res.end()
    } else if (/^\/v2\/library\/alpine\/manifests\//.test(url.pathname)) {
      res.writeHead(429, {'content-type': 'application/json', 'retry-after': '3600', ...limits})
      res.end('{"errors":[{"code":"TOOMANYREQUESTS","message":"You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limits"}]}')
    } else {
      res.writeHead(404, {'content-type': 'application/json'}).end('{"errors":[{"code":"NOT_FOUND","message":"not found"}]}')
    }
  }
  const server = createServer(handle)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as {port: number}).port
  realm = `http://127.0.0.1:${port}/token`
  return {host: `127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve()))}
}
