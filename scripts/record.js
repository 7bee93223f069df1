#!/usr/bin/env node
// `npm run record -- REF SCENARIO [options]`: writes test/fixtures/wire/recorded-SCENARIO.json from a live registry.
// The engine is TypeScript under tools/record/; the npm script builds it first.
const {main} = await import('../dist/tools/record/cli.js')
process.exitCode = await main(process.argv.slice(2))
