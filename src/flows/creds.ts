import {verdictOf} from '../diagnosis/verdict.js'
import type {SecretBox} from '../http/redact.js'
import {makeTrace} from '../trace/trace.js'
import type {Trace} from '../trace/types.js'
import {credentialsFor, type CredentialInput} from './credentials.js'
import {resolveTarget} from './target.js'
import {parseRegistry} from '../reference.js'

/** `regprobe creds REGISTRY`: the credentials stage alone, with every place looked at. No network. */
export async function credsFlow(input: string, creds: CredentialInput, secrets: SecretBox): Promise<Trace> {
  const startedAt = new Date()
  const t0 = performance.now()
  // Accept a REF too (podman matches namespaced keys like quay.io/org/repo most specific first).
  let registry
  let repository: string | undefined
  if (input.includes('/') && !/^https?:\/\/[^/]+\/?$/i.test(input)) {
    const t = resolveTarget(input)
    registry = t.registry
    repository = t.ref?.repository
  } else registry = parseRegistry(input)
  const c = await credentialsFor(registry, repository, creds, secrets)
  const client = creds.pullSecret ? `the kubelet would pull without ${creds.pullSecret.label}` : 'docker would go anonymous'
  const key = c.credential?.source.type === 'pull-secret' ? c.credential.source.key : registry.configKey
  const headline = c.credential ? `${c.step.summary} (key ${key})` : `no credentials for ${registry.name}: ${client}`
  return makeTrace('creds', input, startedAt, [c.step], verdictOf([c.step], headline), t0)
}
