#!/usr/bin/env node
// Development entry: same as run.js, with oclif's development mode (no manifest, fresh command loading).
const {execute} = await import('@oclif/core')
await execute({development: true, dir: import.meta.url})
