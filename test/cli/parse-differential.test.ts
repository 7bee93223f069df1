// src/cli/parse.ts against @oclif/core's own parser, over every command's real definitions: for thousands of generated
// argvs, both must succeed with the same flags, args and argv, or both fail with the same message. oclif stays the
// reference for what a regprobe command line means; ours only exists to keep oclif out of a command run.
//
// oclif reads a missing argument from piped stdin; regprobe never does (stdin carries passwords), so oclif is run
// here with `ignoreStdin` on every argument: that one difference is deliberate and tested on its own below.
import assert from 'node:assert/strict'
import {readdirSync} from 'node:fs'
import {describe, it} from 'node:test'
import {fileURLToPath} from 'node:url'
import {parse as oclifParse} from '@oclif/core/parser'
import fc from 'fast-check'
import type {ArgDef, FlagDef} from '../../src/cli/define.js'
import {parseArgv, withoutValue} from '../../src/cli/parse.js'

interface CommandClass {
  flags?: Record<string, FlagDef>
  baseFlags?: Record<string, FlagDef>
  args?: Record<string, ArgDef<unknown>>
  strict?: boolean
}

const commandsDir = fileURLToPath(new URL('../../commands/', import.meta.url))
const ids = readdirSync(commandsDir).filter((f) => f.endsWith('.js')).map((f) => f.slice(0, -3)).sort()

async function load(id: string): Promise<CommandClass> {
  return ((await import(new URL(`../../commands/${id}.js`, import.meta.url).href)) as {default: CommandClass}).default
}

type Outcome = {ok: true; flags: unknown; args: unknown; argv: unknown} | {ok: false; message: string}

/**
 * oclif colours some messages and wraps an argument's description at the terminal width; regprobe does neither
 * (an error line in a CI log should not wrap at 80 columns), so messages compare without colour and line wrapping.
 */
const normalize = (s: string) => s.replaceAll(/\u001B\[[0-9;]*m/g, '').replaceAll(/\n {4,}/g, ' ')

/**
 * regprobe leaves an unknown flag's value out of the message (it may be a mistyped password, or one glued to a short
 * flag: -pPASSWORD); oclif repeats it. And it counts unexpected arguments instead of listing them (`login HOST alice
 * PASSWORD`): the two messages compare by their first words (the exact text is tested below).
 */
function withoutUnknownValues(o: Outcome): Outcome {
  if (o.ok) return o
  const [line, ...rest] = o.message.split('\n')
  if (o.message.startsWith('Unexpected argument')) return {ok: false, message: [line!.replace(/^(Unexpected arguments?): .*$/s, '$1'), ...rest].join('\n')}
  if (!o.message.startsWith('Nonexistent flag')) return o
  const [head, list] = [line!.slice(0, line!.indexOf(': ') + 2), line!.slice(line!.indexOf(': ') + 2)]
  return {ok: false, message: [`${head}${list.split(', ').map(withoutValue).join(', ')}`, ...rest].join('\n')}
}

async function viaOclif(cmd: CommandClass, argv: string[]): Promise<Outcome> {
  const args = Object.fromEntries(Object.entries(cmd.args ?? {}).map(([k, a]) => [k, {...a, ignoreStdin: true}]))
  const flags = Object.fromEntries(Object.entries({...cmd.baseFlags, ...cmd.flags}).map(([k, f]) => [k, {...f}]))
  try {
    const out = await oclifParse(argv, {flags, args, strict: cmd.strict} as Parameters<typeof oclifParse>[1])
    return {ok: true, flags: out.flags, args: out.args, argv: out.argv}
  } catch (error) {
    return {ok: false, message: normalize((error as Error).message)}
  }
}

async function viaOurs(cmd: CommandClass, argv: string[]): Promise<Outcome> {
  const flags = Object.fromEntries(Object.entries({...cmd.baseFlags, ...cmd.flags}).map(([k, f]) => [k, {...f}]))
  const args = Object.fromEntries(Object.entries(cmd.args ?? {}).map(([k, a]) => [k, {...a}]))
  try {
    const out = await parseArgv(argv, {flags, args, strict: cmd.strict})
    return {ok: true, flags: out.flags, args: out.args, argv: out.argv}
  } catch (error) {
    return {ok: false, message: normalize((error as Error).message)}
  }
}

/** Flag names that are members of Object.prototype. */
const PROTOTYPE_FLAGS = ['--constructor', '--__proto__', '--toString']

/** Tokens a user could type for this command: every flag in every spelling, good and bad values, stray words. */
function vocabulary(cmd: CommandClass): string[] {
  // Names of Object.prototype's members too: a lookup on a plain object would find them.
  const words = [...PROTOTYPE_FLAGS, '-_', '--bogus=secret', '-z=secret', 'alpine', 'ghcr.io/acme/app:1.0', '127.0.0.1:5000', 'bash', 'zsh', 'x', '-', '--', '-1', '0', '5', '1001', 'abc', '--bogus', '-z', '--no-bogus', '--=x', '-=', 'pull,push', 'public', 'token', 'open', '']
  for (const [name, f] of Object.entries({...cmd.baseFlags, ...cmd.flags})) {
    words.push(`--${name}`)
    if (f.char) words.push(`-${f.char}`, `-${f.char}value`, `-${f.char}=value`)
    if (f.type === 'boolean') {
      words.push(`--no-${name}`, `--${name}=true`)
      if (f.char) words.push(`-${f.char}v`)
    } else {
      words.push(`--${name}=x`, `--${name}=`, `--${name}=3`)
      for (const o of f.options ?? []) words.push(o, `--${name}=${o}`)
    }
  }
  for (const a of Object.values(cmd.args ?? {})) for (const o of a.options ?? []) words.push(o)
  return [...new Set(words)]
}

describe('the command-line parser agrees with oclif\'s on every command', () => {
  it('finds the commands to compare (an empty list would compare nothing)', () => {
    assert.ok(ids.includes('doctor') && ids.length >= 14, ids.join(', '))
  })

  for (const id of ids) {
    it(`${id}: same flags, args and argv, or the same error`, async () => {
      const cmd = await load(id)
      const words = vocabulary(cmd)
      const agree = async (argv: string[]) => {
        // oclif looks flag names up on a plain object: --toString is accepted and ignored, --constructor fails with
        // "Unexpected flag Object". Not a behaviour to copy: ours treats them as the unknown flags they are, so oclif
        // is asked about the same argv with a genuinely unknown name in their place, and the names put back after.
        const stand = (a: string) => PROTOTYPE_FLAGS.reduce((x, p, i) => (x === p || x.startsWith(`${p}=`) ? `--zz-unknown-${i}${x.slice(p.length)}` : x), a)
        const back = (o: Outcome): Outcome => JSON.parse(PROTOTYPE_FLAGS.reduce((t, p, i) => t.replaceAll(`--zz-unknown-${i}`, p), JSON.stringify(o)))
        const [theirs, ours] = await Promise.all([viaOclif(cmd, argv.map(stand)), viaOurs(cmd, argv)])
        assert.deepEqual(withoutUnknownValues(ours), withoutUnknownValues(back(theirs)), `argv ${JSON.stringify(argv)}`)
      }
      // The shapes people type most, then random ones.
      for (const argv of [[], ['alpine'], ['alpine', '--json'], ['--json', 'alpine', 'extra'], ['alpine', '-v', '--timeout', '5s'], ['alpine', '--', '--json']]) await agree(argv)
      await fc.assert(fc.asyncProperty(fc.array(fc.constantFrom(...words), {maxLength: 6}), agree), {numRuns: 400})
    })
  }
})

describe('what oclif does and regprobe deliberately does not', () => {
  it('a mistyped flag with a value is named without its value: --pasword=hunter2 is a password', async () => {
    const doctor = await load('doctor')
    await assert.rejects(parseArgv(['alpine', '--pasword=hunter2', '-u', 'alice'], {flags: doctor.flags, args: doctor.args}), (error: Error) => {
      assert.equal(error.message.split('\n')[0], 'Nonexistent flag: --pasword=…')
      return true
    })
  })


  it('a value glued to a short flag is not repeated: -pPASSWORD on a command without -p', async () => {
    const probe = await load('probe')
    await assert.rejects(parseArgv(['alpine', '-phunter2'], {flags: {...probe.baseFlags, ...probe.flags}, args: probe.args}), (error: Error) => {
      assert.equal(error.message.split('\n')[0], 'Nonexistent flag: -p…')
      return true
    })
  })

  it('unexpected arguments are counted, not listed: login HOST alice PASSWORD', async () => {
    const login = await load('login')
    await assert.rejects(parseArgv(['registry.example', 'alice', 'hunter2'], {flags: login.flags, args: login.args, strict: login.strict}), (error: Error) => {
      assert.match(error.message.split('\n')[0]!, /^Unexpected arguments: 2 more than this command takes \(REGISTRY\)/)
      assert.ok(!error.message.includes('hunter2') && !error.message.includes('alice'), error.message)
      return true
    })
  })

  // In-process, nothing is piped here: this pins the default the argument gets instead. The CLI with a password
  // really piped in is test/hostile/usage.test.ts ("a missing REF with a password piped in …").
  it('a missing argument takes its default, not stdin: login with --password-stdin and no registry is docker.io', async () => {
    const login = await load('login')
    const out = await parseArgv(['-u', 'alice', '--password-stdin'], {flags: login.flags, args: login.args, strict: login.strict})
    assert.equal((out.args as {registry: string}).registry, 'docker.io')
    assert.equal((out.flags as {'password-stdin': boolean})['password-stdin'], true)
  })
})
