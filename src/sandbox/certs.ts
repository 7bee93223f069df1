import {webcrypto, type KeyObject} from 'node:crypto'
import type * as X509 from '@peculiar/x509'

/** ECDSA P-256 everywhere: keys in about a millisecond, accepted by Node, Go (registry, skopeo) and OpenSSL. */
const ALGORITHM = {name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256'} as const
/** Backdated so a client whose clock runs a little behind still accepts a fresh certificate. */
const BACKDATE_MS = 60 * 60 * 1000
/** Long enough for a sandbox left running for weeks; these certificates never leave the machine. */
const VALIDITY_MS = 30 * 24 * 60 * 60 * 1000
/** Names the sandbox answers on: loopback only. */
export const LOOPBACK_NAMES = {dns: ['localhost'], ip: ['127.0.0.1', '::1']}

export interface TlsMaterial {
  caPem: string
  certPem: string
  keyPem: string
}

let loaded: Promise<typeof X509> | undefined

/** Lazy: the library is large and only the sandbox needs it. */
async function x509(): Promise<typeof X509> {
  loaded ??= (async () => {
    await import('./reflect-shim.js')
    const lib = await import('@peculiar/x509')
    lib.cryptoProvider.set(webcrypto as unknown as Crypto)
    return lib
  })()
  return loaded
}

function serialNumber(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16))
  bytes[0] = bytes[0]! & 0x7f // a DER INTEGER with the high bit set would read as negative
  return Buffer.from(bytes).toString('hex')
}

function validity(): {notBefore: Date; notAfter: Date} {
  const now = Date.now()
  return {notBefore: new Date(now - BACKDATE_MS), notAfter: new Date(now + VALIDITY_MS)}
}

function pem(label: string, der: ArrayBuffer): string {
  const body = Buffer.from(der).toString('base64').match(/.{1,64}/g)!.join('\n')
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`
}

/** A throwaway CA and a server certificate for localhost, 127.0.0.1 and ::1, signed by it. */
export async function createTlsMaterial(commonName = 'regprobe sandbox'): Promise<TlsMaterial> {
  const lib = await x509()
  const subtle = webcrypto.subtle
  const caKeys = (await subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair
  const ca = await lib.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: `CN=${commonName} CA`,
    ...validity(),
    keys: caKeys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new lib.BasicConstraintsExtension(true, 0, true),
      new lib.KeyUsagesExtension(lib.KeyUsageFlags.keyCertSign | lib.KeyUsageFlags.cRLSign, true),
      await lib.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  })
  const leafKeys = (await subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair
  const leaf = await lib.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: `CN=${commonName}`,
    issuer: ca.subject,
    ...validity(),
    publicKey: leafKeys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new lib.BasicConstraintsExtension(false, undefined, true),
      new lib.KeyUsagesExtension(lib.KeyUsageFlags.digitalSignature, true),
      new lib.ExtendedKeyUsageExtension([lib.ExtendedKeyUsage.serverAuth]),
      new lib.SubjectAlternativeNameExtension([
        ...LOOPBACK_NAMES.dns.map((value) => ({type: 'dns' as const, value})),
        ...LOOPBACK_NAMES.ip.map((value) => ({type: 'ip' as const, value})),
      ]),
      await lib.SubjectKeyIdentifierExtension.create(leafKeys.publicKey),
      await lib.AuthorityKeyIdentifierExtension.create(ca),
    ],
  })
  const keyDer = await subtle.exportKey('pkcs8', leafKeys.privateKey)
  return {caPem: ca.toString('pem') + '\n', certPem: leaf.toString('pem') + '\n', keyPem: pem('PRIVATE KEY', keyDer)}
}

/** A self-signed certificate around the JWT signing key: what a real registry's `rootcertbundle` must contain. */
export async function createSigningCertificate(
  key: {privateKey: KeyObject; publicKey: KeyObject},
  commonName = 'regprobe sandbox token signer',
): Promise<string> {
  const lib = await x509()
  const subtle = webcrypto.subtle
  const importAlg = {name: ALGORITHM.name, namedCurve: ALGORITHM.namedCurve}
  const keys = {
    privateKey: await subtle.importKey('pkcs8', key.privateKey.export({type: 'pkcs8', format: 'der'}), importAlg, false, ['sign']),
    publicKey: await subtle.importKey('spki', key.publicKey.export({type: 'spki', format: 'der'}), importAlg, true, ['verify']),
  }
  const cert = await lib.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: `CN=${commonName}`,
    ...validity(),
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new lib.BasicConstraintsExtension(true, undefined, true),
      new lib.KeyUsagesExtension(lib.KeyUsageFlags.digitalSignature | lib.KeyUsageFlags.keyCertSign, true),
    ],
  })
  return cert.toString('pem') + '\n'
}
