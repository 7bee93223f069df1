#!/usr/bin/env node
// `npm run record -- REF SCENARIO [options]`: writes test/fixtures/wire/recorded-SCENARIO.json from a live registry.
// The engine is TypeScript under src/record/; the npm script builds it first.
const {main} = await import('../dist/src/record/cli.js')
process.exitCode = await main(process.argv.slice(2))
