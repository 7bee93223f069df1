/**
 * Credential resolution with an explanation: every place looked at becomes a LookupRow, in order. Each source
 * (source-*.ts) returns its candidates; the pure chooser (choose.ts) picks the one the client would send.
 *
 * Order (issue 4), and why:
 *   1. flags (-u with --password-stdin, --identity-token-stdin);
 *   2. --pull-secret: the user asks what the kubelet would send from that Secret; the machine's own files are then
 *      shown, shadowed (a pod gets the node's files only through the kubelet's own config, not these);
 *   3. DOCKER_AUTH_CONFIG, then docker's config.json: credHelpers[key], else credsStore, else auths[key]
 *      (docker/cli configfile/file.go GetCredentialsStore / getConfiguredCredentialStore), and the helper that
 *      names, run as docker runs it (native_store.go);
 *   4. podman's auth.json files, only when docker's sources gave nothing.
 * docker never reads auth.json; podman reads auth.json first and docker's file after it. regprobe answers "what
 * would docker send", so docker's sources come first and auth.json is a fallback that lets a podman-only setup
 * work; when both have an entry the docker one wins and the auth.json row says podman would use its own.
 * --authfile or REGISTRY_AUTH_FILE is the user asking for podman semantics: after the flags only that file is read
 * (containers/image getAuthFilePaths), and the docker sources are shown as shadowed.
 *
 * Side effects: reads files, runs helpers (never when an earlier source already won: a Desktop helper may pop up a
 * keychain prompt). Never mutates the environment; never writes.
 */
import {homedir} from 'node:os'
import type {SourceContext, SourceOutput} from './candidates.js'
import {chooseCredential, dockerFailedSoFar, winnerSoFar} from './choose.js'
import {HELPER_TIMEOUT_MS} from './helper.js'
import {defaultAuthFiles, explicitAuthFile} from './locations.js'
import {dockerConfigSource} from './source-docker.js'
import {dockerAuthConfigSource} from './source-env.js'
import {flagsSource} from './source-flags.js'
import {authFileSource} from './source-podman.js'
import {pullSecretSource} from './source-pull-secret.js'
import type {CredentialResolution, ResolveOptions} from './types.js'

const PULL_SECRET_SHADOW = '--pull-secret is given, and the kubelet pulls with the pod\'s pull secrets, not this machine\'s files'

export async function resolveCredentials(opts: ResolveOptions): Promise<CredentialResolution> {
  const base: SourceContext = {opts, env: opts.env ?? process.env, home: opts.homeDir ?? homedir(), registry: opts.registry, timeoutMs: opts.helperTimeoutMs ?? HELPER_TIMEOUT_MS}
  const outputs: SourceOutput[] = []
  const run = async <T extends SourceOutput>(source: (ctx: SourceContext) => Promise<T>): Promise<T> => {
    const out = await source({...base, winner: winnerSoFar(outputs), dockerFailed: dockerFailedSoFar(outputs)})
    outputs.push(out)
    return out
  }
  await run(flagsSource)
  const secret = opts.pullSecret
  if (secret) await run((ctx) => pullSecretSource(ctx, secret))
  const shadow = secret ? PULL_SECRET_SHADOW : undefined
  const defaults = defaultAuthFiles(base.env, base.home, process.platform, process.getuid?.())
  const explicit = explicitAuthFile(base.env, opts.authFile)
  if (explicit) {
    await run((ctx) => authFileSource(ctx, explicit, {explicit: true, ...(shadow ? {passive: shadow} : {})}))
    const why = shadow ?? `${explicit.origin} is set, and podman and skopeo then read only that file`
    await run((ctx) => dockerAuthConfigSource(ctx, why))
    await run((ctx) => dockerConfigSource(ctx, why))
    for (const loc of defaults) await run((ctx) => authFileSource(ctx, loc, {passive: why}))
  } else {
    const env = await run((ctx) => dockerAuthConfigSource(ctx, shadow))
    await run((ctx) => dockerConfigSource(ctx, shadow ?? (env.stops ? 'DOCKER_AUTH_CONFIG has an entry for this registry, so docker does not read the file' : undefined)))
    for (const loc of defaults) await run((ctx) => authFileSource(ctx, loc, shadow ? {passive: shadow} : {}))
  }
  return chooseCredential(outputs, opts.registry)
}
