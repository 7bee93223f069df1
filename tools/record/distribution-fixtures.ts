import {buildSeedImage} from '../../src/sandbox/seed.js'
import {startTokenServer} from '../../src/sandbox/index.js'
import {startDistribution} from './distribution.js'
import {pushImage} from './distribution.js'
import {record, type RecordResult} from './recorder.js'

/**
 * The checked-in fixtures of the real distribution registry: docker-registry 2.8 in open mode, and in token mode with
 * the sandbox's token server (users alice/wonderland and bob/builder; anonymous may pull library/*, bob team/*).
 * The service is named as the normalised host so that the recorded challenges and token claims read naturally.
 */
export const RECORDED_SERVICE = 'registry.local:5000'
const ISSUER = 'regprobe-recorder'
const REGISTRY_LABEL = 'distribution 2.8 (docker-registry)'

export async function recordDistributionFixtures(outDir: URL): Promise<RecordResult[]> {
  const image = buildSeedImage()
  const img = {manifest: image.manifest, config: image.config, layer: image.layer, mediaType: 'application/vnd.oci.image.manifest.v1+json'}
  const out: RecordResult[] = []

  const open = await startDistribution()
  try {
    await pushImage(open.url, 'library/hello', 'latest', img)
    out.push(await record({ref: `${open.url}/library/hello:latest`, scenario: 'distribution-open-pull', outDir, registryLabel: REGISTRY_LABEL, notes: 'docker-registry in open mode (no auth section): /v2/ answers 200 and no token is involved.'}))
  } finally {
    await open.close()
  }

  const tokens = await startTokenServer({service: RECORDED_SERVICE, issuer: ISSUER})
  const reg = await startDistribution({token: {realm: tokens.url, service: RECORDED_SERVICE, issuer: ISSUER, signingCertPem: tokens.signingCertPem}})
  try {
    const push = await fetch(`${tokens.url}?service=${encodeURIComponent(RECORDED_SERVICE)}&scope=${encodeURIComponent('repository:library/hello:pull,push')}&scope=${encodeURIComponent('repository:team/app:pull,push')}`, {headers: {authorization: `Basic ${Buffer.from('alice:wonderland').toString('base64')}`}})
    const {token} = (await push.json()) as {token: string}
    for (const repo of ['library/hello', 'team/app']) await pushImage(reg.url, repo, 'latest', img, `Bearer ${token}`)
    const common = {outDir, registryLabel: REGISTRY_LABEL}
    const mode = 'docker-registry in token mode with the sandbox token server (plain HTTP realm on loopback).'
    out.push(await record({...common, ref: `${reg.url}/library/hello:latest`, scenario: 'distribution-token-anonymous-pull', notes: `${mode} Anonymous pull of a public repository.`}))
    out.push(await record({...common, ref: `${reg.url}/team/app:latest`, scenario: 'distribution-token-anonymous-private', notes: `${mode} Anonymous pull of a private repository: the token server answers 200 with an empty grant.`}))
    out.push(await record({...common, ref: `${reg.url}/team/app:latest`, scenario: 'distribution-token-push-not-granted', actions: ['pull', 'push'], credential: {kind: 'basic', username: 'bob', password: 'builder', source: {type: 'flag', location: 'recorder'}}, notes: `${mode} bob may pull team/app but not push: the token grants pull only.`}))
    out.push(await record({...common, ref: `${reg.url}/library/hello:latest`, scenario: 'distribution-token-wrong-password', credential: {kind: 'basic', username: 'alice', password: 'not-her-password', source: {type: 'flag', location: 'recorder'}}, notes: `${mode} A wrong password: the token server refuses with 401.`}))
  } finally {
    await reg.close()
    await tokens.close()
  }
  return out
}
