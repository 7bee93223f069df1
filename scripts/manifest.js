#!/usr/bin/env node
// Writes oclif.manifest.json for a package root (default: this repository), as `oclif manifest` does. The `oclif` CLI
// package needs Node 22; @oclif/core builds the same manifest in memory when none exists, so we let it and save that.
// With the file present, `--help` and the command list come from JSON, and a run imports only the command it runs
// (each entry carries isESM and relativePath, which is what Plugin.findCommand needs to skip the directory scan).
//
// Usage: node scripts/manifest.js [ROOT]      writes ROOT/oclif.manifest.json
//        node scripts/manifest.js --remove    deletes it (postpack: a stale manifest in a checkout hides new commands)
import {Plugin} from '@oclif/core'
import {rmSync, writeFileSync} from 'node:fs'
import {join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

const args = process.argv.slice(2)
const remove = args.includes('--remove')
const root = resolve(args.find((a) => !a.startsWith('--')) ?? fileURLToPath(new URL('..', import.meta.url)))
const file = join(root, 'oclif.manifest.json')

if (remove) {
  rmSync(file, {force: true})
} else {
  // Never read an existing manifest: it is what we are replacing. errorOnManifestCreate turns a command that fails to
  // load into a failed build instead of a warning and a command silently missing from the package.
  const plugin = new Plugin({root, type: 'core', isRoot: true, ignoreManifest: true, errorOnManifestCreate: true})
  await plugin.load()
  const ids = Object.keys(plugin.manifest.commands)
  if (ids.length === 0) {
    process.stderr.write(`manifest: no commands found under ${root} (is it built? run npm run build)\n`)
    process.exit(1)
  }
  for (const id of ids) {
    const c = plugin.manifest.commands[id]
    if (!('isESM' in c) || !('relativePath' in c)) {
      process.stderr.write(`manifest: command ${id} lacks isESM/relativePath: oclif would import every command at start-up\n`)
      process.exit(1)
    }
  }
  writeFileSync(file, `${JSON.stringify(plugin.manifest, null, 2)}\n`)
  process.stdout.write(`manifest: ${ids.length} commands (${ids.join(', ')}) -> ${file}\n`)
}
