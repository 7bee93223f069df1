import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, test} from 'node:test'
import {FLOW_ORDER, sortByFlow} from '../../src/cli/command-order.js'
import {oneLine} from '../../src/cli/help.js'
import {runCli} from '../helpers/cli.js'

const FLOW = ['probe', 'challenge', 'token', 'login', 'catalog', 'tags', 'doctor', 'creds', 'daemon', 'compare', 'sandbox', 'demo']

describe('version', () => {
  test('--version and version agree: version, platform and Node version', async () => {
    const a = await runCli(['--version'])
    const b = await runCli(['version'])
    assert.equal(a.code, 0)
    assert.match(a.stdout, new RegExp(`^regprobe/\\d+\\.\\d+\\.\\d+\\S* ${process.platform}-${process.arch} node-${process.version.replace(/\./g, '\\.')}\\n$`))
    assert.equal(b.stdout, a.stdout)
  })
})

describe('root help', () => {
  test('lists the commands in flow order, one line each, within the terminal width', async () => {
    const r = await runCli(['--help'], {env: {OCLIF_COLUMNS: '80'}})
    assert.equal(r.code, 0, r.stderr)
    const section = r.stdout.split(/^COMMANDS$/m)[1] ?? ''
    const rows = section.split('\n').filter((l) => /^ {2}\S/.test(l))
    const ids = rows.map((l) => l.trim().split(/\s+/)[0])
    assert.deepEqual(ids.filter((id) => FLOW.includes(id!)), FLOW)
    assert.equal(section.split('\n').filter((l) => /^ {3,}\S/.test(l)).length, 0, 'no continuation lines')
    for (const row of rows) assert.ok(row.length <= 80, row)
  })

  test('`help COMMAND` is the command\'s help, as the README says; `help` alone is the root help', async () => {
    const [viaHelp, viaFlag, root, rootFlag] = await Promise.all([runCli(['help', 'probe']), runCli(['probe', '--help']), runCli(['help']), runCli(['--help'])])
    assert.equal(viaHelp.code, 0, viaHelp.stderr)
    assert.match(viaHelp.stdout, /^USAGE\n {2}\$ regprobe probe REGISTRY/m)
    assert.equal(viaHelp.stdout, viaFlag.stdout)
    assert.equal(root.code, 0, root.stderr)
    assert.equal(root.stdout, rootFlag.stdout)
  })

  test('sortByFlow keeps the flow order and puts commands it does not know last, alphabetically', () => {
    const ids = sortByFlow(['zeta', 'demo', 'alpha', 'probe', 'doctor'].map((id) => ({id}))).map((c) => c.id)
    assert.deepEqual(ids, ['probe', 'doctor', 'demo', 'alpha', 'zeta'])
    assert.deepEqual(FLOW_ORDER.filter((id) => FLOW.includes(id)), FLOW)
  })

  const cut = [
    {name: 'short text is kept', text: 'Which tags?', max: 20, want: 'Which tags?'},
    {name: 'long text is cut at a word and marked', text: 'Can I pull this image today or not', max: 16, want: 'Can I pull this…'},
    {name: 'one long word is cut inside it', text: 'Supercalifragilistic', max: 10, want: 'Supercali…'},
  ]
  for (const c of cut) test(`oneLine: ${c.name}`, () => assert.equal(oneLine(c.text, c.max), c.want))
})

describe('completion', () => {
  test('bash: completes commands, a command\'s flags and a flag\'s fixed values', async () => {
    const r = await runCli(['completion', 'bash'])
    assert.equal(r.code, 0, r.stderr)
    const dir = mkdtempSync(join(tmpdir(), 'regprobe-completion-'))
    try {
      const file = join(dir, 'c.bash')
      writeFileSync(file, r.stdout)
      const complete = (...words: string[]) => {
        const script = `source "${file}"; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _regprobe_complete; printf '%s\\n' "\${COMPREPLY[@]}"`
        const out = spawnSync('bash', ['--norc', '-c', script], {encoding: 'utf8'})
        assert.equal(out.status, 0, out.stderr)
        return out.stdout.split('\n').filter(Boolean)
      }
      assert.deepEqual(complete('regprobe', 'd'), ['doctor', 'daemon', 'demo'])
      assert.ok(complete('regprobe', 'doctor', '--pa').includes('--password-stdin'))
      assert.deepEqual(complete('regprobe', 'sandbox', '--mode', 'ra'), ['rate-limit'])
      assert.deepEqual(complete('regprobe', 'probe', '--pass'), [], 'probe takes no credentials')
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })

  test('zsh: a #compdef script with a case per command and fixed flag values', async (t) => {
    const r = await runCli(['completion', 'zsh'])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /^#compdef regprobe\n/)
    for (const id of FLOW) assert.match(r.stdout, new RegExp(`^    ${id}\\)$`, 'm'), id)
    assert.match(r.stdout, /'\*--mode=\[Failure to reproduce\.\]:mode:\(token basic open /)
    // zsh itself is not a test dependency; when it is present, check the script parses.
    const zsh = spawnSync('zsh', ['-n'], {input: r.stdout, encoding: 'utf8'})
    if (!zsh.error) assert.equal(zsh.status, 0, zsh.stderr)
    else t.diagnostic('zsh is not installed: the script was not parsed by zsh itself')
  })

  test('an unknown shell is a usage error (exit 2)', async () => {
    const r = await runCli(['completion', 'fish'])
    assert.equal(r.code, 2)
    assert.match(r.stderr, /bash|zsh/)
  })
})
