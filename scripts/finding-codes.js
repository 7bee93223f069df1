#!/usr/bin/env node
// Generates the README's "Finding codes" list (between <!-- finding-codes --> and <!-- finding-codes-end -->) from the
// finding catalogue (src/findings/catalogue.ts, compiled to dist/).
// Usage: node scripts/finding-codes.js           rewrites README.md between the markers
//        node scripts/finding-codes.js --check   exits 1 when README.md is stale (test/findings/readme.test.ts)
//        --readme=FILE                          another README (the staleness test checks a copy)
import {readFileSync, writeFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const START = '<!-- finding-codes -->'
const END = '<!-- finding-codes-end -->'
const readmePath = process.argv.find((a) => a.startsWith('--readme='))?.slice('--readme='.length) ?? `${root}README.md`
const {catalogue} = await import(`${root}dist/src/findings/catalogue.js`)

/** Table cells hold no pipes or line breaks. */
const cell = (s) => String(s ?? '').replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim()

export function generated(entries) {
  const rows = [...entries].sort((a, b) => a.code.localeCompare(b.code))
  const lines = [
    '',
    `${rows.length} codes. Each is stable: a code is never renamed or reused; new ones are added. \`…\` marks where a value goes.`,
    '',
    '<details><summary>All finding codes</summary>',
    '',
    '| code | stage | severity | exit | message |',
    '|---|---|---|---|---|',
    ...rows.map((e) => `| \`${e.code}\` | ${e.stage} | ${e.severity} | ${e.exitCode ?? ''} | ${cell(e.message)} |`),
    '',
    '</details>',
    '',
  ]
  return lines.join('\n')
}

export function splice(readme, text) {
  const start = readme.indexOf(START)
  const end = readme.indexOf(END)
  if (start === -1 || end === -1 || end < start) throw new Error(`README.md must hold ${START} … ${END}`)
  return `${readme.slice(0, start + START.length)}\n${text}\n${readme.slice(end)}`
}

const current = readFileSync(readmePath, 'utf8')
const next = splice(current, generated(catalogue().values()))
if (process.argv.includes('--check')) {
  if (next !== current) {
    process.stderr.write('README.md\'s finding codes are stale. Run: npm run build && node scripts/finding-codes.js\n')
    process.exit(1)
  }
  process.stdout.write('README.md finding codes are up to date\n')
} else if (next !== current) {
  writeFileSync(readmePath, next)
  process.stdout.write('README.md finding codes updated\n')
} else process.stdout.write('README.md finding codes already up to date\n')
