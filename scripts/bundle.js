#!/usr/bin/env node
// Bundles each compiled command with the engine and the parts of @oclif/core it uses into dist/bundle/: one file per
// command, with nothing shared. Why: Node resolves and loads ~150 small modules for a command run otherwise, and even
// esbuild's shared chunks (36 files for a doctor run) cost ~40 ms more than one file on Node 20 (a doctor run: 183 ms
// against 226 ms, medians of 21, round-robin), because each ES module is resolved, read, compiled and linked on its
// own. Lazy imports stay lazy inside the file: esbuild turns them into init functions, so the sandbox, the daemon and
// the renderers are parsed but not run unless asked for. bin/run.js prefers these entries and falls back to
// dist/commands.
import {readdirSync, rmSync, writeFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {build} from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
const commands = readdirSync(`${root}/dist/commands`).filter((f) => f.endsWith('.js'))
const outdir = `${root}/dist/bundle`
rmSync(outdir, {recursive: true, force: true})
await build({
  entryPoints: commands.map((f) => `${root}/dist/commands/${f}`),
  outdir,
  bundle: true,
  splitting: false,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  // Loaded only when an option needs it (x509: sandbox TLS); typescript is an optional peer of oclif's development
  // mode, never used by a built CLI.
  external: ['@peculiar/x509', 'typescript'],
  // oclif and its dependencies are CommonJS; inside an ES module they need a require.
  banner: {js: "import {createRequire as __regprobeRequire} from 'node:module'; const require = __regprobeRequire(import.meta.url);"},
})
writeFileSync(`${outdir}/package.json`, '{"type": "module"}\n')
