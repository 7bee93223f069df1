import {createHash} from 'node:crypto'

const DIGEST_PATTERN = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/

export function isDigest(value: string): boolean {
  return DIGEST_PATTERN.test(value)
}

export function sha256Digest(data: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`
}

/** The digest of `data` in the algorithm `expected` names, so a sha512 reference is checked with sha512. */
export function digestMatches(expected: string, data: Uint8Array): boolean {
  if (!isDigest(expected)) return false
  const [algorithm, hex] = expected.split(':') as [string, string]
  return createHash(algorithm).update(data).digest('hex') === hex
}
