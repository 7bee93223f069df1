/**
 * Source 2 (with --pull-secret): the entry of a Kubernetes image pull secret the kubelet would use for this image,
 * by the kubelet's own matching rules (kube-keyring.ts). The secret was read and checked before the run
 * (pull-secret.ts: a malformed one is exit 2); what is left to find here is which entry applies.
 */
import {newOutput, note, offer, passiveReason, quoteList, type SourceContext, type SourceOutput} from './candidates.js'
import {kubeletLookup, type KeyringMatch} from './kube-keyring.js'
import type {PullSecret, PullSecretEntry} from './pull-secret.js'
import type {LookupRow} from './types.js'

export async function pullSecretSource(ctx: SourceContext, secret: PullSecret): Promise<SourceOutput> {
  const out = newOutput()
  const {registry} = ctx
  // The kubelet looks up the image's normalised name: docker.io/library/nginx, registry:5000/team/app.
  const image = ctx.opts.repository ? `${registry.name}/${ctx.opts.repository}` : registry.name
  const place = `pull secret ${secret.label} (${secret.path})`
  const passive = passiveReason(ctx)
  const matches = kubeletLookup(secret.entries.map((e) => ({key: e.key, value: e})), image)
  const keys = secret.entries.map((e) => e.key)
  if (!matches.length) {
    note(out, {place, path: secret.path, key: image, outcome: 'not-found', reason: `no entry the kubelet matches for ${image}${keys.length ? ` (it has ${quoteList(keys)})` : ' (it has no entries)'}`})
    if (!passive) {
      out.findings.push({
        code: 'credentials.pull-secret.no-match',
        severity: 'warn',
        message: `the pull secret ${secret.label} has no entry the kubelet matches for ${image}: the pod pulls without it (anonymously, or with the node's own credentials)`,
        fix: `Add an entry for "${registry.isDockerHub ? 'https://index.docker.io/v1/' : registry.name}" (kubectl create secret docker-registry NAME --docker-server=${registry.isDockerHub ? 'https://index.docker.io/v1/' : registry.name} …); keys match by host (globs like *.example.com), port and path prefix.`,
        ...(keys.length ? {evidence: keys.join(', ')} : {}),
      })
    }
    return out
  }
  const [first, ...rest] = matches as [KeyringMatch<PullSecretEntry>, ...Array<KeyringMatch<PullSecretEntry>>]
  const e = first.value
  const then = rest.length ? `; if the pull fails with it the kubelet tries ${quoteList(rest.map((m) => m.key))} next` : ''
  const row: LookupRow = {place, path: secret.path, key: e.key, outcome: 'not-found', reason: `"${e.key}" is the entry the kubelet matches for ${image} (${howMatched(first)})${then}`}
  if (e.disagrees) out.findings.push(disagreement(secret, e))
  if (!e.username && !e.password) {
    note(out, {...row, outcome: 'empty', reason: `${row.reason}, but it holds no auth, user name or password`})
    if (!passive) out.findings.push({code: 'credentials.pull-secret.empty-entry', severity: 'warn', message: `the entry "${e.key}" in the pull secret ${secret.label} holds no credentials: the kubelet pulls ${image} anonymously with it`, fix: 'Recreate the secret with --docker-username and --docker-password.'})
    return out
  }
  offer(out, row, {kind: 'basic', username: e.username, password: e.password, source: {type: 'pull-secret', location: secret.path, key: e.key}}, passive)
  return out
}

function howMatched(m: KeyringMatch<PullSecretEntry>): string {
  if (m.via === 'docker-hub-default') return 'the Docker Hub key, used for any image on Docker Hub'
  const parts = [/[*?[]/.test(m.index) ? `host glob "${m.index.split('/')[0]}"` : 'same host']
  if (m.index.includes('/')) parts.push(`path prefix "${m.index.slice(m.index.indexOf('/'))}"`)
  if (m.key !== m.index) parts.push('scheme and /v1/ or /v2/ ignored')
  return parts.join(', ')
}

function disagreement(secret: PullSecret, e: PullSecretEntry) {
  const fields = e.disagrees!.map((f) => `"${f}"`).join(' and ')
  return {
    code: 'credentials.pull-secret.auth-disagrees',
    severity: 'warn' as const,
    message: `in the pull secret ${secret.label}, the ${fields} of "${e.key}" disagree${e.disagrees!.length === 1 ? 's' : ''} with what "auth" decodes to: the kubelet uses "auth"`,
    fix: 'Recreate the secret so that only one form is present (kubectl create secret docker-registry writes both from the same values).',
  }
}
