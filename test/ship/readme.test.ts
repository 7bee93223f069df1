import assert from 'node:assert/strict'
import {execFile} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {test} from 'node:test'
import {promisify} from 'node:util'
import {REPO_ROOT} from '../helpers/cli.js'

const run = promisify(execFile)
const script = join(REPO_ROOT, 'scripts', 'readme.js')

test('README.md command reference matches the commands (npm run readme regenerates it)', async () => {
  const r = await run(process.execPath, [script, '--check']).catch((e: {stderr: string}) => assert.fail(e.stderr))
  assert.match(r.stdout, /up to date/)
})

test('--check fails, naming the line, when the reference differs from the commands', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'regprobe-readme-'))
  try {
    const copy = join(dir, 'README.md')
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8')
    const stale = readme.replace(/^(\| \[`doctor`\]\(#regprobe-doctor\) \| ).*$/m, '$1An old summary |')
    assert.notEqual(stale, readme, 'the README reference lists doctor')
    writeFileSync(copy, stale)
    await assert.rejects(run(process.execPath, [script, '--check', `--readme=${copy}`]), (e: {code: number; stderr: string}) => {
      assert.equal(e.code, 1)
      assert.match(e.stderr, /stale.*\n\s+README:\s+.*An old summary/)
      return true
    })
    assert.equal(readFileSync(copy, 'utf8'), stale, '--check writes nothing')
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})

test('every command, its flags and its examples appear in the reference', async () => {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8')
  const section = readme.slice(readme.indexOf('<!-- commands -->'), readme.indexOf('<!-- commands-end -->'))
  for (const id of ['probe', 'challenge', 'token', 'login', 'catalog', 'tags', 'doctor', 'creds', 'daemon', 'compare', 'sandbox', 'demo', 'completion']) {
    assert.match(section, new RegExp(`^### \`regprobe ${id}\`$`, 'm'), id)
  }
  assert.match(section, /`--password-stdin`/)
  assert.match(section, /regprobe doctor ghcr\.io\/acme\/app:1\.0/)
  assert.doesNotMatch(section, /<%=/, 'templates are rendered')
})
