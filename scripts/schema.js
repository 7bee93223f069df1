#!/usr/bin/env node
// Generates schema/trace.schema.json (JSON Schema for `--json`'s regprobe/trace@1) from the Trace type in
// src/trace/types.ts. Extra properties are allowed everywhere: adding a field is not a breaking change.
// Usage: node scripts/schema.js           rewrites the file
//        node scripts/schema.js --check   exits 1 when it is stale (test/trace/schema.test.ts)
import {readFileSync, writeFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {createGenerator} from 'ts-json-schema-generator'

const root = fileURLToPath(new URL('..', import.meta.url))
const out = `${root}schema/trace.schema.json`

export function generate() {
  const schema = createGenerator({
    path: `${root}src/trace/types.ts`,
    tsconfig: `${root}tsconfig.json`,
    type: 'Trace',
    additionalProperties: true,
    skipTypeCheck: true,
    schemaId: 'https://github.com/regprobe/regprobe/schema/trace@1.json',
  }).createSchema('Trace')
  return `${JSON.stringify(schema, null, 2)}\n`
}

const text = generate()
if (process.argv.includes('--check')) {
  if (readFileSync(out, 'utf8') !== text) {
    process.stderr.write('schema/trace.schema.json is stale. Run: node scripts/schema.js\n')
    process.exit(1)
  }
  process.stdout.write('schema/trace.schema.json is up to date\n')
} else {
  writeFileSync(out, text)
  process.stdout.write('schema/trace.schema.json written\n')
}
