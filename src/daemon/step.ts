import {skipped, step} from '../stages/context.js'
import {ExitCode, type DaemonFacts, type DaemonStep, type Finding} from '../trace/types.js'
import type {DaemonInfo} from './info.js'

/**
 * The 'daemon' stage: the daemon's registry view as data for the renderer's table, plus the comparison findings;
 * or, when no daemon answered, a failed step that says why.
 */
export function daemonStep(info: DaemonInfo | undefined, findings: Finding[], error?: {code: string; message: string; hint?: string}): DaemonStep {
  if (error) {
    const cause: Finding = {code: error.code, severity: 'error', exitCode: ExitCode.UNREACHABLE, message: error.message, ...(error.hint ? {fix: error.hint} : {})}
    return step('daemon', error.message, {}, [], [cause, ...findings], 'fail')
  }
  if (!info) return skipped('daemon', 'the Docker daemon was not asked')
  return step('daemon', summaryOf(info), daemonFacts(info), [], findings)
}

export function daemonFacts(info: DaemonInfo): DaemonFacts {
  const registries = Object.entries(info.indexConfigs)
    .map(([key, c]) => ({name: c.Name || key, secure: c.Secure, official: c.Official, mirrors: c.Mirrors}))
    .sort((a, b) => a.name.localeCompare(b.name))
  return {
    serverVersion: info.serverVersion,
    indexServerAddress: info.indexServerAddress,
    insecureRegistries: registries.filter((r) => !r.secure).map((r) => r.name),
    insecureRegistryCIDRs: info.insecureRegistryCIDRs,
    mirrors: info.mirrors,
    httpProxy: info.httpProxy,
    httpsProxy: info.httpsProxy,
    noProxy: info.noProxy,
    registries,
  }
}

function summaryOf(info: DaemonInfo): string {
  const insecure = [
    ...Object.values(info.indexConfigs).filter((c) => !c.Secure).map((c) => c.Name),
    ...info.insecureRegistryCIDRs,
  ]
  const proxy = info.httpsProxy ?? info.httpProxy
  return [
    `Docker daemon${info.serverVersion ? ` ${info.serverVersion}` : ''}`,
    insecure.length ? `insecure: ${insecure.join(', ')}` : 'no insecure registries',
    info.mirrors.length ? `mirrors: ${info.mirrors.join(', ')}` : 'no mirrors',
    proxy ? `proxy ${proxy}` : 'no proxy',
  ].join('; ')
}
