#!/usr/bin/env node
// npm test's runner: every compiled test file, in one `node --test` run (so CI reads its closing line). Node 20 takes
// files and folders, Node 22+ takes globs and no longer searches a bare folder: listing the files works on both.
import {spawn, spawnSync} from 'node:child_process'
import {readdirSync} from 'node:fs'
import {join, relative} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const only = process.argv.slice(2)
function walk(dir) {
  return readdirSync(dir, {withFileTypes: true}).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.test.js') ? [join(dir, e.name)] : []))
}
const files = walk(join(root, 'dist', 'test'))
  .map((f) => relative(root, f))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort()
if (files.length === 0) {
  console.error('no test files found under dist/test (did the build run?)')
  process.exit(1)
}
// The suites that start real components need them installed: provision them first (scripts/provision.sh installs
// what is missing as root with apt-get, else stops with the exact command). A run of unit tests only needs nothing.
const NEEDS_SYSTEM = /e2e|real-daemon|distribution|skopeo|record|compare/
if (files.some((f) => NEEDS_SYSTEM.test(f)) && process.env.REGPROBE_NO_PROVISION !== '1') {
  const provisioned = spawnSync('bash', [join(root, 'scripts', 'provision.sh')], {stdio: 'inherit'})
  if (provisioned.status !== 0) {
    console.error('npm test: the system packages the end-to-end suites need are missing (see above); nothing was run')
    process.exit(1)
  }
}
// One file at a time: the e2e suites start real daemons and registries, and timing-sensitive tests stay honest.
// In a process group of its own, so that stopping it stops everything it started (test files, registries, dockerd).
const child = spawn(process.execPath, ['--test', '--test-concurrency=1', ...files], {cwd: root, stdio: 'inherit', detached: true})
const stopAll = (signal) => {
  try {
    process.kill(-child.pid, signal)
  } catch {
    // the group is gone already
  }
}
// Ctrl-C reaches this process, not the test group: pass it on.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => stopAll(signal))
// A whole run takes 1-2 minutes. A test file whose services outlive it (a registry, a root dockerd) would keep the
// run waiting forever; CI must fail with a reason instead, long before its own limit.
const LIMIT_MIN = Number(process.env.REGPROBE_TEST_LIMIT_MIN ?? 20)
const watchdog = setTimeout(() => {
  console.error(`\nFATAL: the test run passed ${LIMIT_MIN} minutes: a test file (or a service it started) hangs; stopping them all`)
  stopAll('SIGKILL')
}, LIMIT_MIN * 60_000)
watchdog.unref()
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
