import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import type {CertsDirContent} from './types.js'

/**
 * One registry's certificate directory, read as moby's registry.ReadCertsDirectory (and containers/image's
 * SetupCertificates) read it: every `*.crt` is a CA added to the system roots; each `NAME.cert` needs `NAME.key` and
 * the reverse, or the client stops with an error (the same words here). A missing directory is no error.
 * `dir` is `<root>/<host[:port]>` exactly as the registry is named: `[::1]:5000` for an IPv6 literal (moby's
 * HostCertsDir joins the index name unchanged on Linux).
 */
export function readCertsDir(dir: string): CertsDirContent {
  const out: CertsDirContent = {dir, exists: false, cas: [], clientPairs: []}
  let names: string[]
  try {
    names = readdirSync(dir).sort()
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code !== 'ENOENT' && code !== 'ENOTDIR') out.error = `cannot read ${dir}: ${code ?? (e as Error).message}`
    if (code !== 'ENOENT') out.exists = code !== 'ENOTDIR'
    return out
  }
  out.exists = true
  const has = new Set(names)
  for (const name of names) {
    const file = join(dir, name)
    if (name.endsWith('.crt')) {
      const pem = readText(file, out)
      if (pem === undefined) return out
      if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
        // Go's AppendCertsFromPEM skips what is not a PEM certificate without a word; say it, since nothing is trusted.
        out.error = `${file} holds no PEM certificate, so the client adds nothing from it`
        continue
      }
      out.cas.push({file, pem})
    } else if (name.endsWith('.cert')) {
      const key = `${name.slice(0, -'.cert'.length)}.key`
      if (!has.has(key)) {
        out.error = `missing key ${key} for client certificate ${name}. Note that CA certificates should use the extension .crt (in ${dir})`
        return out
      }
      const certPem = readText(file, out)
      const keyPem = certPem === undefined ? undefined : readText(join(dir, key), out)
      if (certPem === undefined || keyPem === undefined) return out
      out.clientPairs.push({cert: file, key: join(dir, key), certPem, keyPem})
    } else if (name.endsWith('.key')) {
      const cert = `${name.slice(0, -'.key'.length)}.cert`
      if (!has.has(cert)) {
        out.error = `missing client certificate ${cert} for key ${name} (in ${dir})`
        return out
      }
    }
  }
  return out
}

function readText(file: string, out: CertsDirContent): string | undefined {
  try {
    return readFileSync(file, 'utf8')
  } catch (e) {
    out.error = `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`
    return undefined
  }
}
