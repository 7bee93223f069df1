import {readFileSync} from 'node:fs'

/** Read once from package.json (two levels up from dist/src or src) so there is one source of truth. */
function readVersion(): string {
  for (const rel of ['../../package.json', '../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as {name?: string; version?: string}
      if (pkg.name === 'regprobe' && pkg.version) return pkg.version
    } catch {}
  }
  return '0.0.0'
}

export const VERSION = readVersion()
