/**
 * Where docker and podman look for credential files. Pure: takes the environment and options, returns paths.
 */
import {join} from 'node:path'

export interface FileLocation {
  /** How the row names it: 'REGISTRY_AUTH_FILE (/path)'. */
  place: string
  path: string
  /** Why this path: the flag or variable that chose it, or "default". */
  origin: string
}

/**
 * docker/cli cli/config/config.go: --config (our --docker-config) wins, then $DOCKER_CONFIG, then ~/.docker;
 * the file is always config.json inside that folder.
 */
export function dockerConfigLocation(env: NodeJS.ProcessEnv, homeDir: string, dockerConfigDir?: string): FileLocation {
  if (dockerConfigDir) {
    const path = join(dockerConfigDir, 'config.json')
    return {place: `--docker-config (${path})`, path, origin: '--docker-config'}
  }
  if (env.DOCKER_CONFIG) {
    const path = join(env.DOCKER_CONFIG, 'config.json')
    return {place: `$DOCKER_CONFIG/config.json (${path})`, path, origin: 'DOCKER_CONFIG'}
  }
  const path = join(homeDir, '.docker', 'config.json')
  return {place: `~/.docker/config.json (${path})`, path, origin: 'default'}
}

/**
 * --authfile, else REGISTRY_AUTH_FILE (skopeo's and podman's default for --authfile, containers/common
 * GetDefaultAuthFile). When either is set, containers/image getAuthFilePaths reads that file and nothing else.
 */
export function explicitAuthFile(env: NodeJS.ProcessEnv, authFile?: string): FileLocation | undefined {
  if (authFile) return {place: `--authfile (${authFile})`, path: authFile, origin: '--authfile'}
  if (env.REGISTRY_AUTH_FILE) return {place: `REGISTRY_AUTH_FILE (${env.REGISTRY_AUTH_FILE})`, path: env.REGISTRY_AUTH_FILE, origin: 'REGISTRY_AUTH_FILE'}
  return undefined
}

/**
 * containers/image getPathToAuthWithOS and getAuthFilePaths, without the explicit file: on Linux
 * $XDG_RUNTIME_DIR/containers/auth.json (or /run/containers/<uid>/auth.json when unset), elsewhere
 * ~/.config/containers/auth.json; then ${XDG_CONFIG_HOME:-~/.config}/containers/auth.json. (podman then reads
 * docker's config.json, which regprobe has already looked at.)
 */
export function defaultAuthFiles(env: NodeJS.ProcessEnv, homeDir: string, platform: NodeJS.Platform = process.platform, uid?: number): FileLocation[] {
  const out: FileLocation[] = []
  if (platform === 'linux') {
    if (env.XDG_RUNTIME_DIR) {
      const path = join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json')
      out.push({place: `auth.json ($XDG_RUNTIME_DIR) (${path})`, path, origin: 'XDG_RUNTIME_DIR'})
    } else if (uid !== undefined) {
      const path = `/run/containers/${uid}/auth.json`
      out.push({place: `auth.json (/run/containers/<uid>) (${path})`, path, origin: 'default'})
    }
  } else {
    const path = join(homeDir, '.config', 'containers', 'auth.json')
    out.push({place: `auth.json (~/.config) (${path})`, path, origin: 'default'})
  }
  const configHome = env.XDG_CONFIG_HOME || join(homeDir, '.config')
  const path = join(configHome, 'containers', 'auth.json')
  if (!out.some((l) => l.path === path)) {
    out.push({place: `auth.json (${env.XDG_CONFIG_HOME ? '$XDG_CONFIG_HOME' : '~/.config'}) (${path})`, path, origin: env.XDG_CONFIG_HOME ? 'XDG_CONFIG_HOME' : 'default'})
  }
  return out
}
