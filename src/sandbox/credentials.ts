import {createHash, timingSafeEqual} from 'node:crypto'
import type {SandboxUser} from './types.js'

export type BasicResult = {kind: 'anonymous'} | {kind: 'user'; name: string} | {kind: 'invalid'}

function sameSecret(a: string, b: string): boolean {
  // Hash first so the comparison takes the same time whatever the lengths.
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest())
}

/**
 * Reads an `Authorization: Basic` header against the known users. No header (or another scheme) is anonymous; a
 * wrong password and an unknown user are the same answer, so the sandbox does not reveal which names exist.
 */
export function checkBasic(header: string | undefined, users: readonly SandboxUser[]): BasicResult {
  const match = /^basic\s+(\S+)\s*$/i.exec(header ?? '')
  if (match === null) return {kind: 'anonymous'}
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) return {kind: 'invalid'}
  const name = decoded.slice(0, colon)
  return checkPassword(name, decoded.slice(colon + 1), users) ? {kind: 'user', name} : {kind: 'invalid'}
}

export function checkPassword(name: string, password: string, users: readonly SandboxUser[]): boolean {
  const user = users.find((u) => u.name === name)
  // Compare even for unknown users so both paths cost the same.
  return sameSecret(password, user?.password ?? '\0no-such-user') && user !== undefined
}
