/** Test sandboxes for credentials: a temp HOME, docker config folder and XDG folders, and the test helper on PATH. */
import {copyFile, mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {delimiter, dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import type {RegistryKeyInfo} from '../../src/credentials/types.js'
import {toolPath} from '../helpers/cli.js'

/** Tests run from dist/test/credentials; fixtures and the helper script stay in the source tree. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url))
export const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'credentials')
export const HELPERS_DIR = join(REPO_ROOT, 'test', 'helpers')

export const EXAMPLE: RegistryKeyInfo = {host: 'registry.example.com', name: 'registry.example.com', configKey: 'registry.example.com', isDockerHub: false}
export const HUB: RegistryKeyInfo = {host: 'registry-1.docker.io', name: 'docker.io', configKey: 'https://index.docker.io/v1/', isDockerHub: true}
export const QUAY: RegistryKeyInfo = {host: 'quay.io', name: 'quay.io', configKey: 'quay.io', isDockerHub: false}

export interface Sandbox {
  dir: string
  home: string
  dockerDir: string
  runtimeDir: string
  configHome: string
  helperStore: string
  helperLog: string
  /** PATH has the test helper and node (the helper's interpreter), nothing else. */
  env: NodeJS.ProcessEnv
  dockerConfig(fixtureOrJson: string | object): Promise<string>
  authJson(where: 'runtime' | 'config' | string, fixtureOrJson: string | object): Promise<string>
  storeInHelper(entries: Record<string, {Username: string; Secret: string}>): Promise<void>
  helperCalls(): Promise<Array<{action: string; stdin: string}>>
  cleanup(): Promise<void>
}

export async function sandbox(): Promise<Sandbox> {
  const dir = await mkdtemp(join(tmpdir(), 'regprobe-creds-'))
  const home = join(dir, 'home')
  const dockerDir = join(home, '.docker')
  const runtimeDir = join(dir, 'run')
  const configHome = join(dir, 'xdg-config')
  await mkdir(home, {recursive: true})
  await mkdir(runtimeDir, {recursive: true})
  const helperStore = join(dir, 'helper-store.json')
  const helperLog = join(dir, 'helper-log.jsonl')
  const env: NodeJS.ProcessEnv = {
    PATH: [HELPERS_DIR, toolPath()].join(delimiter),
    HOME: home,
    XDG_RUNTIME_DIR: runtimeDir,
    XDG_CONFIG_HOME: configHome,
    REGPROBE_HELPER_STORE: helperStore,
    REGPROBE_HELPER_LOG: helperLog,
  }
  const put = async (path: string, fixtureOrJson: string | object) => {
    await mkdir(dirname(path), {recursive: true})
    if (typeof fixtureOrJson === 'string') await copyFile(join(FIXTURES, fixtureOrJson), path)
    else await writeFile(path, JSON.stringify(fixtureOrJson))
    return path
  }
  return {
    dir, home, dockerDir, runtimeDir, configHome, helperStore, helperLog, env,
    dockerConfig: (f) => put(join(dockerDir, 'config.json'), f),
    authJson: (where, f) => put(where === 'runtime' ? join(runtimeDir, 'containers', 'auth.json') : where === 'config' ? join(configHome, 'containers', 'auth.json') : join(dir, where), f),
    storeInHelper: (entries) => writeFile(helperStore, JSON.stringify(entries)),
    helperCalls: async () => {
      try {
        return (await readFile(helperLog, 'utf8')).trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as {action: string; stdin: string})
      } catch {
        return []
      }
    },
    cleanup: () => rm(dir, {recursive: true, force: true}),
  }
}

export async function fixtureText(name: string): Promise<string> {
  return readFile(join(FIXTURES, name), 'utf8')
}
