import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, it} from 'node:test'
import {REPO_ROOT, runCli} from '../helpers/cli.js'

/** The README's "Start from the error" shows real output: it must stay what the command prints for those logs. */
describe('README "Start from the error" shows what explain prints', () => {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8')
  const block = (command: string) => {
    const at = readme.indexOf(`$ ${command}\n`)
    assert.notEqual(at, -1, `README shows "$ ${command}"`)
    const body = readme.slice(at + command.length + 3)
    return body.slice(0, body.indexOf('```'))
  }
  const fixture = (name: string) => join(REPO_ROOT, 'test', 'fixtures', 'explain', name)

  it('the GitHub Actions example', async () => {
    const r = await runCli(['explain', fixture('github-actions-ghcr-pr.log')])
    assert.equal(r.code, 7)
    assert.equal(block('regprobe explain job-log.txt'), r.stdout)
  })

  it('the kubelet example', async () => {
    const r = await runCli(['explain'], {stdin: readFileSync(fixture('kubelet-ghcr-anonymous.txt'), 'utf8')})
    assert.equal(r.code, 6)
    assert.equal(block('kubectl describe pod web-7d9c6b6f5-x2k8q -n shop | regprobe explain'), r.stdout)
  })
})
