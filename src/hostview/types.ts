/**
 * What the failing client would use for one registry on this machine: its CA and client-certificate files, whether it
 * treats the registry as insecure (HTTPS without verification, then plain HTTP), and where its daemon runs. Built once
 * per run from the files docker (or podman, skopeo, buildah) reads; the probe states it and the fixes never ask for
 * what it already holds.
 */
export type ClientKind = 'docker' | 'podman' | 'skopeo' | 'buildah'
export const CLIENT_KINDS: readonly ClientKind[] = ['docker', 'podman', 'skopeo', 'buildah']

export interface CertsDirContent {
  /** The directory for this registry (`/etc/docker/certs.d/HOST:PORT`), whether or not it exists. */
  dir: string
  exists: boolean
  /** Every `*.crt`: a CA root added to the system roots. */
  cas: Array<{file: string; pem: string}>
  /** Each `NAME.cert` + `NAME.key`. */
  clientPairs: Array<{cert: string; key: string; certPem: string; keyPem: string}>
  /** What the client itself would report and stop on (a `.cert` without its `.key`, an unreadable file). */
  error?: string
}

export interface SchemeDecision {
  /** Insecure: HTTPS without verifying the certificate, then plain HTTP. Secure: verified HTTPS only. */
  insecure: boolean
  /** One phrase for the trace: 'listed in insecure-registries in /etc/docker/daemon.json'. */
  why: string
  /** The file (or `GET /info`) the decision came from. */
  source?: string
  /** Insecure only by docker's built-in 127.0.0.0/8, not by any configuration. */
  byDefault?: boolean
}

/** Where the docker daemon runs, from DOCKER_HOST or the current docker context. */
export interface DaemonPlace {
  kind: 'local' | 'rootless' | 'remote' | 'desktop' | 'unknown'
  /** unix:///var/run/docker.sock, tcp://h:2376, or the context's endpoint. */
  endpoint: string
  /** 'DOCKER_HOST', 'the default socket', 'docker context "x"'. */
  from: string
}

export interface HostView {
  client: ClientKind
  /** The registry as the client names it: host[:port] ('docker.io' for Docker Hub). */
  registry: string
  /**
   * The scheme the user wrote (https://host): regprobe then checks that URL as written, verified and without a
   * fallback, as curl would; the client itself is never given a scheme.
   */
  explicitScheme?: 'http' | 'https'
  daemon?: DaemonPlace
  /** The certificate directory the client reads for this registry (undefined when it reads none, e.g. docker and an insecure registry). */
  certs?: CertsDirContent
  /** Directories looked at, in order (podman's three; docker's one). */
  certsSearched: string[]
  scheme: SchemeDecision
  /** daemon.json registry-mirrors (Docker Hub only). */
  mirrors: string[]
  /** What regprobe's own flags changed, one sentence each. */
  overrides: string[]
  /** Files that could not be read or parsed (the client would complain too), one sentence each. */
  problems: string[]
}
