import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync, symlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {delimiter, join} from 'node:path'
import {after, describe, it} from 'node:test'
import {REPO_ROOT} from '../helpers/cli.js'

/**
 * scripts/provision.sh decides what a fresh machine needs before `npm test`. The packages are installed on this
 * machine, so its decisions are tested with a search path that hides some tools, and a user id it is told it has.
 */
const TOOLS = ['docker-registry', 'skopeo', 'htpasswd', 'dockerd', 'docker', 'containerd', 'runc', 'ip', 'openssl', 'nsenter', 'unshare']
const work = mkdtempSync(join(tmpdir(), 'rp-provision-'))
after(() => rmSync(work, {recursive: true, force: true}))

/** A directory with links to the real tools, except `hide`. */
function pathWithout(...hide: string[]): string {
  const dir = mkdtempSync(join(work, 'bin-'))
  for (const tool of TOOLS) {
    if (hide.includes(tool)) continue
    const found = spawnSync('bash', ['-c', `command -v ${tool}`], {encoding: 'utf8', env: {PATH: `${process.env.PATH}${delimiter}/usr/sbin${delimiter}/sbin`}}).stdout.trim()
    assert.ok(found, `${tool} must be installed on the machine that runs this test`)
    symlinkSync(found, join(dir, tool))
  }
  return dir
}
const provision = (args: string[], env: Record<string, string>) => spawnSync('bash', [join(REPO_ROOT, 'scripts', 'provision.sh'), ...args], {encoding: 'utf8', env: {PATH: process.env.PATH, ...env}})

describe('scripts/provision.sh', () => {
  it('--check: nothing missing is exit 0; a hidden tool is named with its Debian package, exit 1', () => {
    assert.equal(provision(['--check'], {REGPROBE_PROVISION_PATH: pathWithout()}).status, 0)
    const r = provision(['--check'], {REGPROBE_PROVISION_PATH: pathWithout('skopeo', 'ip', 'htpasswd')})
    assert.equal(r.status, 1)
    assert.equal(r.stdout.trim(), 'missing: skopeo htpasswd ip (packages: skopeo apache2-utils iproute2)')
  })
  it('dockerd and docker are one package, named once', () => {
    const r = provision(['--check'], {REGPROBE_PROVISION_PATH: pathWithout('dockerd', 'docker')})
    assert.equal(r.stdout.trim(), 'missing: dockerd docker (packages: docker.io)')
  })
  it('not root: fails at once with the exact command, installs nothing', () => {
    const r = provision([], {REGPROBE_PROVISION_PATH: pathWithout('skopeo'), REGPROBE_PROVISION_UID: '1000'})
    assert.equal(r.status, 1)
    assert.match(r.stderr, /install them as root: sudo apt-get install -y skopeo \(or sudo bash scripts\/provision\.sh\)/)
  })
  it('root without apt-get: says which packages to install with the system\'s own manager', () => {
    const r = provision([], {REGPROBE_PROVISION_PATH: pathWithout('runc'), REGPROBE_PROVISION_UID: '0'})
    assert.equal(r.status, 1)
    assert.match(r.stderr, /apt-get is not here: install the packages runc/)
  })
  it('everything present: exit 0 without a word (no apt, no smoke test), even for a user who could not install', () => {
    const r = provision([], {REGPROBE_PROVISION_PATH: pathWithout(), REGPROBE_PROVISION_UID: '1000'})
    assert.deepEqual([r.status, r.stdout, r.stderr], [0, '', ''])
  })
  it('npm test\'s runner provisions before an e2e run, and stops with the reason when it cannot', () => {
    const r = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'test.js'), 'e2e/probe-loopback'], {encoding: 'utf8', env: {PATH: process.env.PATH, REGPROBE_PROVISION_PATH: pathWithout('docker-registry'), REGPROBE_PROVISION_UID: '1000'}})
    assert.equal(r.status, 1)
    assert.match(r.stderr, /sudo apt-get install -y docker-registry/)
    assert.match(r.stderr, /nothing was run/)
  })
})
