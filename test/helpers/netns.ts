import {spawn, spawnSync, type ChildProcess} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {configYaml, writeAuth} from '../../tools/record/distribution.js'
import {htpasswdFile, requireBinary} from './distribution.js'
import type {SandboxUser} from '../../src/sandbox/types.js'

/**
 * A network namespace of the test's own, with a non-loopback address (TEST-NET-1 192.0.2.10/32 on its lo), so
 * that docker's 127.0.0.0/8 exception hides nothing and no packet reaches a real network. Processes enter it with
 * `nsenter --net=/var/run/netns/NAME` (not `ip netns exec`, which remounts /sys and hides the cgroups dockerd needs).
 * dockerd also gets a private mount namespace in which a temporary directory is bound over /etc/docker: its certs.d
 * path is compiled in, and the machine's /etc/docker is never touched.
 */
export const NETNS_ADDRESS = '192.0.2.10'

export interface Netns {
  name: string
  path: string
  /** Runs a command inside: ['nsenter', '--net=/var/run/netns/NAME']. */
  enter: string[]
  /** The prefix for startDockerd({wrap}): inside the namespace, with `etcDocker` bound over /etc/docker. */
  dockerdWrap(etcDocker: string): string[]
  close(): void
}

const live = new Set<string>()
process.once('exit', () => {
  // A crashed test must not leave its namespace behind.
  for (const name of live) spawnSync('ip', ['netns', 'del', name])
})

export function createNetns(): Netns {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) throw new Error('the parity suite creates a network namespace and runs dockerd: run it as root (CI does)')
  requireBinary('ip', 'iproute2')
  requireBinary('nsenter', 'util-linux')
  requireBinary('unshare', 'util-linux')
  const name = `rp-${process.pid}-${randomBytes(3).toString('hex')}`
  const ip = (...args: string[]) => {
    const r = spawnSync('ip', args, {encoding: 'utf8'})
    if (r.status !== 0) throw new Error(`ip ${args.join(' ')} failed: ${r.stderr.trim()}`)
  }
  ip('netns', 'add', name)
  live.add(name)
  try {
    ip('-n', name, 'link', 'set', 'lo', 'up')
    ip('-n', name, 'addr', 'add', `${NETNS_ADDRESS}/32`, 'dev', 'lo')
  } catch (e) {
    spawnSync('ip', ['netns', 'del', name])
    live.delete(name)
    throw e
  }
  const path = `/var/run/netns/${name}`
  const enter = ['nsenter', `--net=${path}`]
  return {
    name,
    path,
    enter,
    dockerdWrap: (etcDocker) => [...enter, 'unshare', '--mount', '--propagation', 'private', 'sh', '-c', 'mount --bind "$0" /etc/docker && exec "$@"', etcDocker],
    close() {
      if (!live.has(name)) return
      spawnSync('ip', ['netns', 'del', name])
      live.delete(name)
    },
  }
}

/** A CA and a server certificate for 192.0.2.10, by openssl: the sandbox's own generator names only loopback. */
export function certificateFor(dir: string, ip = NETNS_ADDRESS): {caPath: string; caPem: string; cert: string; key: string} {
  const openssl = requireBinary('openssl', 'openssl')
  mkdirSync(dir, {recursive: true})
  const f = (n: string) => join(dir, n)
  writeFileSync(f('ext.cnf'), `subjectAltName=IP:${ip}\nextendedKeyUsage=serverAuth\nbasicConstraints=critical,CA:FALSE\n`)
  const steps = [
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '2', '-subj', '/CN=regprobe netns CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign'],
    ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', `/CN=${ip}`],
    ['x509', '-req', '-in', f('server.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('server.crt'), '-days', '2', '-extfile', f('ext.cnf')],
  ]
  for (const args of steps) {
    const r = spawnSync(openssl, args, {encoding: 'utf8'})
    if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`)
  }
  return {caPath: f('ca.pem'), caPem: readFileSync(f('ca.pem'), 'utf8'), cert: f('server.crt'), key: f('server.key')}
}

export interface NetnsRegistry {
  host: string
  logs(): string
  close(): Promise<void>
}

/** The real docker-registry inside the namespace on `address:port`: open, or htpasswd; TLS when given a certificate. */
export async function startRegistryIn(ns: Netns, opts: {dir: string; address: string; port: number; tls?: {cert: string; key: string}; users?: SandboxUser[]}): Promise<NetnsRegistry> {
  const binary = requireBinary('docker-registry', 'docker-registry')
  mkdirSync(opts.dir, {recursive: true})
  const auth = await writeAuth(opts.dir, {htpasswd: opts.users ? {realm: 'regprobe-netns', lines: htpasswdFile(opts.users)} : undefined})
  const host = `${opts.address}:${opts.port}`
  const config = join(opts.dir, 'config.yml')
  writeFileSync(config, configYaml({dir: opts.dir, addr: host, tls: opts.tls, auth}))
  const env: NodeJS.ProcessEnv = {PATH: process.env.PATH, HOME: opts.dir}
  const child = spawn(ns.enter[0]!, [...ns.enter.slice(1), binary, 'serve', config], {env, stdio: ['ignore', 'pipe', 'pipe']})
  let out = ''
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()))
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()))
  await waitFor(child, () => /listening on/.test(out), () => out)
  return {
    host,
    logs: () => out,
    close: () => stopChild(child),
  }
}

async function waitFor(child: ChildProcess, ready: () => boolean, logs: () => string): Promise<void> {
  const deadline = Date.now() + 20_000
  while (!ready()) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`docker-registry exited before listening:\n${logs()}`)
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`docker-registry did not listen within 20 s:\n${logs()}`)
    }
    await new Promise((r) => setTimeout(r, 50))
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve()
    })
    child.kill('SIGTERM')
  })
}
