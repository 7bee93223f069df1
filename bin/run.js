#!/usr/bin/env node
// Start-up is a feature (npm run bench measures it against `node -e 0`):
// - `--version` answers before anything is loaded;
// - a command run loads only that command's bundle (dist/bundle), and no part of oclif: the commands' flag
//   definitions and parser are regprobe's own (src/cli/define.ts, parse.ts), in oclif's shapes and with its rules;
// - help, unknown commands and anything else go through oclif's own execute().
import {existsSync, readFileSync} from 'node:fs'
import module from 'node:module'

// `regprobe help [COMMAND]` is `regprobe [COMMAND] --help`: oclif answers --help itself, and its `help` command is a
// plugin (@oclif/plugin-help) this CLI does not need.
const given = process.argv.slice(2)
const argv = given[0] === 'help' ? [...given.slice(1), '--help'] : given
const pkgUrl = new URL('../package.json', import.meta.url)
const version = () => JSON.parse(readFileSync(pkgUrl, 'utf8')).version

/** Exit once stdout and stderr are flushed: an abandoned connect attempt must not keep the process alive. */
async function done() {
  await new Promise((resolve) => process.stdout.write('', () => process.stderr.write('', resolve)))
  process.exit()
}

if (argv.length === 1 && (argv[0] === '--version' || argv[0] === 'version')) {
  process.stdout.write(`regprobe/${version()} ${process.platform}-${process.arch} node-${process.version}\n`)
} else if (argv.length > 0 && /^[a-z][a-z-]*$/.test(argv[0]) && !argv.includes('--help') && !argv.includes('-h')) {
  // Node 22.1+: cache compiled code between runs (absent on Node 20). Not for --version, which compiles nothing.
  module.enableCompileCache?.()
  const bundled = new URL(`../dist/bundle/${argv[0]}.js`, import.meta.url)
  const file = existsSync(bundled) ? bundled : new URL(`../dist/commands/${argv[0]}.js`, import.meta.url)
  if (existsSync(file)) {
    const {default: Cmd} = await import(file.href)
    // What a regprobe command uses of oclif's Config (src/cli/base.ts: CommandConfig).
    const config = {bin: 'regprobe', name: 'regprobe', version: version()}
    const cmd = new Cmd(argv.slice(1), config)
    cmd.id = argv[0]
    await cmd._run()
    await done()
  } else {
    const {execute} = await import('@oclif/core')
    await execute({dir: import.meta.url, args: argv})
    await done()
  }
} else {
  module.enableCompileCache?.()
  const {execute} = await import('@oclif/core')
  await execute({dir: import.meta.url, args: argv})
  await done()
}
