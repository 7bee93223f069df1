import {join} from 'node:path'
import {ExitCode, type Finding, type HostViewFacts} from '../trace/types.js'
import type {HostView} from './types.js'

/** How the probe step states the host view: a JSON fact, one line for the human view, and findings. */
export function viewFacts(v: HostView): HostViewFacts {
  return {
    client: v.client,
    registry: v.registry,
    ...(v.daemon ? {daemon: v.daemon} : {}),
    insecure: v.scheme.insecure,
    why: v.scheme.why,
    ...(v.certs ? {certsDir: v.certs.dir, caFiles: v.certs.cas.map((c) => c.file), clientCertificates: v.certs.clientPairs.map((p) => p.cert)} : {}),
    certsSearched: v.certsSearched,
    ...(v.mirrors.length ? {mirrors: v.mirrors} : {}),
    ...(v.overrides.length ? {overrides: v.overrides} : {}),
  }
}

/** "CA from /etc/docker/certs.d/h:5000/ca.crt; 127.0.0.0/8 is insecure by default": only what the client adds. */
export function viewLine(v: HostView): string | undefined {
  const parts: string[] = []
  if (v.certs?.cas.length) parts.push(`CA from ${v.certs.cas.map((c) => c.file).join(', ')}`)
  if (v.certs?.clientPairs.length) parts.push(`client certificate ${v.certs.clientPairs.map((p) => p.cert).join(', ')}`)
  if (v.scheme.insecure) parts.push(`insecure: ${v.scheme.why}`)
  if (v.overrides.length) parts.push(`overridden by ${v.overrides.map((o) => o.split(':')[0]).join(', ')}`)
  return parts.length ? `${v.client}: ${parts.join('; ')}` : undefined
}

export function viewFindings(v: HostView): Finding[] {
  const out: Finding[] = []
  if (v.certs?.error) {
    out.push({code: 'hostview.certs-dir', severity: 'error', exitCode: ExitCode.TLS, evidence: v.certs.dir,
      message: `${v.client} stops on its certificate directory before connecting: ${v.certs.error}`,
      fix: `Give each NAME.cert its NAME.key (and each .key its .cert) in ${v.certs.dir}; CA files end in .crt.`})
  }
  if (v.daemon && v.daemon.kind !== 'local' && v.daemon.kind !== 'rootless') {
    const where = v.daemon.kind === 'desktop' ? 'in Docker Desktop\'s VM' : v.daemon.kind === 'remote' ? 'on another machine' : 'somewhere regprobe cannot tell'
    out.push({code: 'hostview.daemon-elsewhere', severity: 'warn', evidence: v.daemon.from,
      message: `the Docker daemon (${v.daemon.endpoint}, from ${v.daemon.from}) runs ${where}: the certs.d and daemon.json read here may not be the ones it uses`,
      fix: 'Add --via-daemon to take its insecure registries and mirrors from the daemon itself (GET /info), or run regprobe where the daemon runs.'})
  }
  if (v.daemon?.kind === 'rootless') {
    out.push({code: 'hostview.rootless', severity: 'info', evidence: v.daemon.from, message: `rootless daemon (${v.daemon.endpoint}, from ${v.daemon.from}): its files are under ${v.certsSearched[0] ? join(v.certsSearched[0], '..', '..') : '~/.config/docker'}, not /etc/docker`})
  }
  if (v.scheme.insecure) {
    out.push({code: 'hostview.insecure', severity: 'info', evidence: v.scheme.source,
      message: `${v.client} treats ${v.registry} as insecure (${v.scheme.why}): it tries HTTPS without verifying the certificate, then plain HTTP`})
  }
  const line = viewLine(v)
  if (line && (v.certs?.cas.length || v.certs?.clientPairs.length)) out.push({code: 'hostview.trust', severity: 'info', evidence: v.certs!.dir, message: `trust as ${line}`})
  for (const o of v.overrides) out.push({code: 'hostview.flag-override', severity: 'info', message: o})
  for (const p of v.problems) out.push({code: 'hostview.config-unreadable', severity: 'warn', message: p})
  if (v.mirrors.length) out.push({code: 'hostview.mirrors', severity: 'info', message: `docker pulls Docker Hub images through ${v.mirrors.join(', ')} first; logins and pushes still go to Docker Hub`})
  return out
}

/** Where the client reads a CA for this registry: the directory it found, else the first one it would look in. */
export function caDirOf(v: HostView): string {
  return v.certs?.dir ?? v.certsSearched[0] ?? join('/etc/docker/certs.d', v.registry)
}

/** The fix for an unknown CA, from what the client already holds. */
export function unknownCaFix(v: HostView, caFlag: boolean): string {
  const files = v.certs?.cas.map((c) => c.file) ?? []
  if (caFlag) return `The CA given with --ca-cert did not sign the registry's certificate: pass the one that did (the presented chain shows its issuer).${files.length ? '' : ` ${v.client} needs it too, in ${caDirOf(v)}/ca.crt.`}`
  if (files.length) return `${files.join(', ')} ${files.length > 1 ? 'are' : 'is'} already there but did not sign the registry's certificate: replace it with the CA that did (the presented chain shows its issuer).`
  return `Copy the CA that signed the registry's certificate to ${caDirOf(v)}/ca.crt (${v.client} reads it on every request, no restart), which regprobe reads too; --insecure skips verification for a test only.`
}

/** The fix for plain HTTP on a registry the client treats as secure. */
export function plainHttpFix(v: HostView): string {
  if (v.client !== 'docker') return `Serve the registry over TLS, or set insecure = true for "${v.registry}" in a [[registry]] of registries.conf (${v.scheme.source ?? '/etc/containers/registries.conf'}); regprobe alone: http://${v.registry} or --plain-http.`
  const file = v.scheme.source && v.scheme.source.endsWith('.json') ? v.scheme.source : '/etc/docker/daemon.json'
  return `Serve the registry over TLS, or add "${v.registry}" to "insecure-registries" in ${file} (it is ${v.scheme.why.replace(/^not listed /, 'not ')}) and restart dockerd; regprobe alone: http://${v.registry} or --plain-http.`
}
