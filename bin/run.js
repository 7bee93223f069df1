#!/usr/bin/env node
// Start-up is a feature: `--version` answers before oclif (about 2x a bare Node start) is loaded.
import {readFileSync} from 'node:fs'
import module from 'node:module'

const argv = process.argv.slice(2)
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === 'version')) {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  process.stdout.write(`regprobe/${pkg.version} ${process.platform}-${process.arch} node-${process.version}\n`)
} else {
  // Node 22.1+: cache compiled code between runs. Absent on Node 20, where this is a no-op.
  module.enableCompileCache?.()
  const {execute} = await import('@oclif/core')
  await execute({dir: import.meta.url})
  // The verdict is out: do not wait for sockets still connecting (undici keeps a connect attempt alive after an abort
  // until its own connect timeout). Exit once stdout and stderr have been flushed.
  await new Promise((resolve) => process.stdout.write('', () => process.stderr.write('', resolve)))
  process.exit()
}
