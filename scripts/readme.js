#!/usr/bin/env node
// Generates the README's command reference (between <!-- commands --> and <!-- commands-end -->) from the commands'
// own summary, description, arguments, flags and examples, as oclif keeps them: the reference cannot drift from --help.
// Needs the build (dist/): it reads the compiled commands through oclif's Config.
//
// Usage: node scripts/readme.js           rewrites README.md between the markers
//        node scripts/readme.js --check   exits 1 (and says what differs) when README.md is not what would be written
//        --readme=FILE                    another README (the staleness test checks a copy)
import {Config} from '@oclif/core'
import {readFileSync, writeFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

const START = '<!-- commands -->'
const END = '<!-- commands-end -->'
const root = fileURLToPath(new URL('..', import.meta.url))
const readmeArg = process.argv.find((a) => a.startsWith('--readme='))
const readmePath = readmeArg ? readmeArg.slice('--readme='.length) : new URL('../README.md', import.meta.url)
const {sortByFlow} = await import(new URL('../dist/src/cli/command-order.js', import.meta.url).href)

/** Flags shared by many commands are documented once, by help group, instead of in every command. */
const GROUP_TITLES = {OUTPUT: 'Output', CONNECTION: 'Connection', CREDENTIALS: 'Credentials'}

// Prose from the commands goes into Markdown: outside code spans, `<host>` would vanish as an HTML tag and a lone
// `*` (registry:catalog:*) would start emphasis.
function prose(text) {
  return text
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 ? part : part.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/([*_|\\])/g, '\\$1')))
    .join('')
}

function cell(text) {
  return prose(text.replace(/\s*\n\s*/g, ' '))
}

function render(text, bin) {
  return text.replace(/<%=\s*config\.bin\s*%>/g, bin)
}

function firstLine(text) {
  return (text ?? '').split('\n')[0].trim()
}

function flagValue(f) {
  if (f.type !== 'option') return ''
  if (f.options?.length) return ` ${f.options.join('|')}`
  return ` ${Array.isArray(f.helpValue) ? f.helpValue.join(' ') : (f.helpValue ?? `<${f.name}>`)}`
}

function flagName(f) {
  return `${f.char ? `-${f.char}, ` : ''}--${f.allowNo ? `[no-]${f.name}` : f.name}${flagValue(f)}${f.multiple ? ' …' : ''}`
}

function argWord(a, strict) {
  const name = a.name.toUpperCase()
  const many = strict === false ? '…' : ''
  return a.required ? `${name}${many}` : `[${name}${many}]`
}

function visibleFlags(c) {
  return Object.values(c.flags ?? {}).filter((f) => !f.hidden)
}

function usage(c, bin) {
  const own = visibleFlags(c).filter((f) => !f.helpGroup)
  const groups = [...new Set(visibleFlags(c).map((f) => f.helpGroup).filter(Boolean))]
  return [
    bin,
    c.id.replaceAll(':', ' '),
    ...Object.values(c.args ?? {}).map((a) => argWord(a, c.strict)),
    ...own.map((f) => `[${f.char ? `-${f.char}` : `--${f.name}`}${flagValue(f)}]`),
    ...groups.map((g) => `[${g.toLowerCase()} flags]`),
  ].join(' ')
}

function anchor(title) {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, '')
    .replace(/ /g, '-')
}

function flagTable(flags) {
  return ['| flag | |', '|---|---|', ...flags.map((f) => `| \`${flagName(f).replace(/\|/g, '\\|')}\` | ${cell(f.summary ?? f.description ?? '')}${f.default !== undefined && f.type === 'option' ? ` (default: \`${[f.default].flat().join(',')}\`)` : ''} |`)].join('\n')
}

function commandSection(c, bin) {
  const title = `\`${bin} ${c.id.replaceAll(':', ' ')}\``
  const out = [`### ${title}`, '', cell(render(c.summary ?? firstLine(c.description), bin))]
  const description = render(c.summary ? (c.description ?? '') : (c.description ?? '').split('\n').slice(1).join('\n'), bin).trim()
  if (description) out.push('', ...description.split(/\n\s*\n/).map((p) => prose(p.replace(/\s*\n\s*/g, ' '))).join('\n\n').split('\n'))
  out.push('', '```', usage(c, bin), '```')
  const args = Object.values(c.args ?? {})
  if (args.length) out.push('', '| argument | |', '|---|---|', ...args.map((a) => `| \`${argWord(a, c.strict)}\` | ${cell(a.description ?? '')} |`))
  const own = visibleFlags(c).filter((f) => !f.helpGroup)
  if (own.length) out.push('', flagTable(own))
  const groups = [...new Set(visibleFlags(c).map((f) => f.helpGroup).filter(Boolean))]
  if (groups.length) out.push('', `Also the ${groups.map((g) => `[${(GROUP_TITLES[g] ?? g).toLowerCase()}](#${anchor(`${GROUP_TITLES[g] ?? g} flags`)})`).join(', ')} flags.`)
  const examples = (c.examples ?? []).map((e) => (typeof e === 'string' ? {command: e} : e))
  if (examples.length) {
    out.push('', '```sh')
    examples.forEach((e, i) => {
      if (e.description) out.push(`${i ? '\n' : ''}# ${render(e.description, bin)}`)
      out.push(render(e.command, bin))
    })
    out.push('```')
  }
  return out.join('\n')
}

function commonFlags(commands) {
  const byGroup = new Map()
  for (const c of commands) {
    for (const f of visibleFlags(c)) {
      if (!f.helpGroup) continue
      const group = byGroup.get(f.helpGroup) ?? new Map()
      if (!group.has(f.name)) group.set(f.name, f)
      byGroup.set(f.helpGroup, group)
    }
  }
  const order = [...Object.keys(GROUP_TITLES), ...[...byGroup.keys()].filter((g) => !(g in GROUP_TITLES)).sort()]
  return order
    .filter((g) => byGroup.has(g))
    .map((g) => {
      // A command that takes only some of the group's flags says which (compare: --json, not -v or --har).
      const all = [...byGroup.get(g).keys()]
      const users = commands.filter((c) => visibleFlags(c).some((f) => f.helpGroup === g)).map((c) => {
        const has = visibleFlags(c).filter((f) => f.helpGroup === g).map((f) => f.name)
        return has.length === all.length ? `\`${c.id}\`` : `\`${c.id}\` (only ${has.map((n) => `--${n}`).join(', ')})`
      })
      return [`### ${GROUP_TITLES[g] ?? g} flags`, '', `Taken by ${users.join(', ')}.`, '', flagTable([...byGroup.get(g).values()])].join('\n')
    })
    .join('\n\n')
}

export function reference(commands, bin) {
  const cmds = sortByFlow(commands.filter((c) => !c.hidden))
  return [
    '## Commands',
    '',
    '<!-- Generated by `npm run readme` (scripts/readme.js) from the commands themselves: edit the commands, not this. -->',
    '',
    'In flow order; `regprobe help COMMAND` shows the same.',
    '',
    '| command | answers |',
    '|---|---|',
    ...cmds.map((c) => {
      const title = `${bin} ${c.id.replaceAll(':', ' ')}`
      return `| [\`${c.id}\`](#${anchor(title)}) | ${cell(render(c.summary ?? firstLine(c.description), bin))} |`
    }),
    '',
    '`REGISTRY` is `host[:port]`; a scheme prefix (`http://host:5000`) is accepted and respected. `REF` follows docker\'s',
    'reference rules: `alpine` is `docker.io/library/alpine:latest`, and a bare `host:5000` is the *image*',
    '`docker.io/library/host` with tag `5000` — regprobe says so when you probably meant a registry.',
    '',
    ...cmds.map((c) => `${commandSection(c, bin)}\n`),
    commonFlags(cmds),
  ].join('\n')
}

export function splice(readme, generated) {
  const start = readme.indexOf(START)
  const end = readme.indexOf(END)
  if (start === -1 || end === -1 || end < start) throw new Error(`README.md must hold ${START} … ${END}`)
  return `${readme.slice(0, start + START.length)}\n${generated}\n${readme.slice(end)}`
}

const config = await Config.load({root})
const current = readFileSync(readmePath, 'utf8')
const next = splice(current, reference(config.commands, config.bin))
if (process.argv.includes('--check')) {
  if (next !== current) {
    const a = current.split('\n')
    const b = next.split('\n')
    let i = 0
    while (i < a.length && a[i] === b[i]) i++
    process.stderr.write(`README.md's command reference is stale (first difference at line ${i + 1}):\n  README:    ${a[i] ?? '(end)'}\n  generated: ${b[i] ?? '(end)'}\nRun: npm run build && npm run readme\n`)
    process.exit(1)
  }
  process.stdout.write('README.md command reference is up to date\n')
} else if (next !== current) {
  writeFileSync(readmePath, next)
  process.stdout.write('README.md command reference updated\n')
} else {
  process.stdout.write('README.md command reference already up to date\n')
}
