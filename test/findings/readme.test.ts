import assert from 'node:assert/strict'
import {execFile} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {test} from 'node:test'
import {promisify} from 'node:util'
import {catalogue} from '../../src/findings/catalogue.js'
import {REPO_ROOT} from '../helpers/cli.js'

const run = promisify(execFile)
const script = join(REPO_ROOT, 'scripts', 'finding-codes.js')

test('README.md lists every finding code of the catalogue (node scripts/finding-codes.js regenerates it)', async () => {
  const r = await run(process.execPath, [script, '--check']).catch((e: {stderr: string}) => assert.fail(e.stderr))
  assert.match(r.stdout, /up to date/)
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8')
  for (const code of catalogue().keys()) assert.ok(readme.includes(`| \`${code}\` |`), code)
})

test('--check fails when a code is missing from the README', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'regprobe-finding-codes-'))
  try {
    const copy = join(dir, 'README.md')
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8')
    const stale = readme.replace(/^\| `token\.aud-mismatch` \|.*\n/m, '')
    assert.notEqual(stale, readme)
    writeFileSync(copy, stale)
    await assert.rejects(run(process.execPath, [script, '--check', `--readme=${copy}`]), (e: {code: number; stderr: string}) => e.code === 1 && /stale/.test(e.stderr))
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})
