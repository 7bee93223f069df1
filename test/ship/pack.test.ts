import assert from 'node:assert/strict'
import {execFile} from 'node:child_process'
import {cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, test} from 'node:test'
import {promisify} from 'node:util'
import {REPO_ROOT} from '../helpers/cli.js'

const run = promisify(execFile)
const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'))

/** What the tarball may hold: what runs, and the docs. */
function allowed(path: string): boolean {
  return (
    ['package.json', 'README.md', 'LICENSE', 'bin/run.js', 'oclif.manifest.json', 'schema/trace.schema.json'].includes(path) ||
    /^dist\/(src|commands)\/.+\.(js|d\.ts|js\.map)$/.test(path) ||
    /^dist\/bundle\/([^/]+\.js|package\.json)$/.test(path)
  )
}

describe('package.json wires the manifest into packing', () => {
  test('prepack builds and writes the manifest; postpack removes it so a checkout never runs a stale one', () => {
    assert.match(pkg.scripts?.prepack ?? '', /npm run build && node scripts\/manifest\.js$/)
    assert.match(pkg.scripts?.postpack ?? '', /node scripts\/manifest\.js --remove/)
    const bundled = pkg.scripts?.build?.includes('scripts/bundle.js') ? ['dist/bundle'] : []
    assert.deepEqual([...pkg.files].sort(), ['LICENSE', 'README.md', 'bin/run.js', ...bundled, 'dist/commands', 'dist/src', 'oclif.manifest.json', 'schema'].sort())
  })
})

// One pack and one global install, from a staging copy of the build: packing in the checkout would run prepack (a full
// tsc) and leave, for its duration, a manifest that hides commands other people are adding.
describe('the packed tarball, installed globally into a clean prefix', () => {
  let dir: string
  let tarball: string
  let files: string[]
  let bin: string
  let home: string
  const userEnv = () => ({PATH: `${join(dir, 'prefix', 'bin')}:${process.env.PATH}`, HOME: home, NO_COLOR: '1'})

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'regprobe-pack-'))
    const stage = join(dir, 'stage')
    mkdirSync(stage)
    // Everything the checkout has that "files" must leave out comes along: dist/test, bin/dev.js, scripts.
    for (const f of ['package.json', 'README.md', 'LICENSE', 'bin', 'dist', 'scripts', 'schema']) cpSync(join(REPO_ROOT, f), join(stage, f), {recursive: true})
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(stage, 'node_modules'), 'dir')
    await run(process.execPath, [join(REPO_ROOT, 'scripts', 'manifest.js'), stage])
    const {stdout} = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], {cwd: stage})
    const packed = JSON.parse(stdout)[0]
    tarball = join(dir, packed.filename)
    files = packed.files.map((f: {path: string}) => f.path)
    home = join(dir, 'home')
    mkdirSync(home)
    // The npm registry serves the dependencies (from the local cache when it has them).
    await run('npm', ['install', '-g', '--prefix', join(dir, 'prefix'), '--prefer-offline', '--no-audit', '--no-fund', tarball], {timeout: 180_000})
    bin = join(dir, 'prefix', 'bin', 'regprobe')
  })
  after(() => {
    if (dir) rmSync(dir, {recursive: true, force: true})
  })

  test('holds only what runs: compiled commands and engine, bin/run.js, the manifest, README, LICENSE', () => {
    for (const f of files) assert.ok(allowed(f), `unexpected file in the tarball: ${f}`)
    for (const f of ['bin/run.js', 'oclif.manifest.json', 'schema/trace.schema.json', 'README.md', 'LICENSE', 'package.json', 'dist/commands/doctor.js', 'dist/src/index.js', 'dist/src/index.d.ts']) {
      assert.ok(files.includes(f), `missing from the tarball: ${f}`)
    }
    assert.ok(!files.some((f) => f.startsWith('dist/test/') || f.startsWith('scripts/') || f === 'bin/dev.js'))
  })

  test('the manifest lists every command with what oclif needs to load one without scanning the others', () => {
    const manifest = JSON.parse(readFileSync(join(dir, 'prefix', 'lib', 'node_modules', 'regprobe', 'oclif.manifest.json'), 'utf8'))
    assert.equal(manifest.version, pkg.version)
    const shipped = files.filter((f) => /^dist\/commands\/[^/]+\.js$/.test(f)).map((f) => f.slice('dist/commands/'.length, -3))
    assert.deepEqual(Object.keys(manifest.commands).sort(), shipped.sort())
    for (const [id, c] of Object.entries<any>(manifest.commands)) {
      assert.equal(c.isESM, true, id)
      assert.deepEqual(c.relativePath, ['dist', 'commands', `${id}.js`])
    }
  })

  test('regprobe --version and regprobe version print the version, the Node version and the platform', async () => {
    const a = await run(bin, ['--version'], {env: userEnv()})
    const b = await run(bin, ['version'], {env: userEnv()})
    assert.equal(a.stdout, `regprobe/${pkg.version} ${process.platform}-${process.arch} node-${process.version}\n`)
    assert.equal(b.stdout, a.stdout)
  })

  test('regprobe demo runs to the end with exit 0', async () => {
    const {stdout} = await run(bin, ['demo'], {env: userEnv(), timeout: 60_000})
    assert.match(stdout, /Demo complete/)
  })

  test('npm exec from the tarball runs it too (the npx path)', async () => {
    const {stdout} = await run('npm', ['exec', '--yes', '--prefer-offline', `--package=${tarball}`, '--', 'regprobe', '--version'], {cwd: dir, timeout: 180_000})
    assert.equal(stdout.trim(), `regprobe/${pkg.version} ${process.platform}-${process.arch} node-${process.version}`)
  })

  test('--help comes from the manifest: it works even when another command file cannot be imported', async () => {
    const installed = join(dir, 'prefix', 'lib', 'node_modules', 'regprobe')
    writeFileSync(join(installed, 'dist', 'commands', 'compare.js'), 'throw new Error("compare.js was imported")\n')
    const {stdout, stderr} = await run(bin, ['--help'], {env: userEnv()})
    assert.match(stdout, /^\s+compare\s/m)
    assert.doesNotMatch(stdout + stderr, /was imported/)
    const doctorHelp = await run(bin, ['doctor', '--help'], {env: userEnv()})
    assert.match(doctorHelp.stdout, /--password-stdin/)
  })
})
