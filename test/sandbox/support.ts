import type {Sandbox} from '../../src/sandbox/index.js'
import {plainRequest} from '../../tools/record/plain-request.js'

/** Shared by the sandbox tests: loopback requests with the sandbox's CA, and JWT claims without verification. */

/** What call() needs to trust the sandbox's CA (node:https takes the PEM; fetch would need the undici package). */
export interface TrustedCa {
  ca: string
}

export async function tlsDispatcher(caPem: string | undefined): Promise<TrustedCa | undefined> {
  return caPem === undefined ? undefined : {ca: caPem}
}

/** fetch, or node:https trusting the CA when `dispatcher` carries one. */
export async function call(
  url: string,
  init: {method?: string; headers?: Record<string, string>; body?: string | Buffer; dispatcher?: TrustedCa} = {},
): Promise<{status: number; headers: Headers; text: string; json: () => any}> {
  const {dispatcher, ...rest} = init
  const res = dispatcher ? await plainRequest(url, {...rest, ca: dispatcher.ca}) : await fetched(url, rest as RequestInit)
  return {...res, json: () => JSON.parse(res.text)}
}

async function fetched(url: string, init: RequestInit): Promise<{status: number; headers: Headers; text: string}> {
  const res = await fetch(url, init)
  return {status: res.status, headers: res.headers, text: await res.text()}
}

export function basic(name: string, password: string): string {
  return `Basic ${Buffer.from(`${name}:${password}`).toString('base64')}`
}

export function claimsOf(token: string): any {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'))
}

export function headerOf(token: string): any {
  return JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8'))
}

/** A token from the sandbox's token server by GET, as `user` (anonymous when absent). */
export async function getToken(
  sb: Pick<Sandbox, 'tokenUrl' | 'service'>,
  scopes: string[],
  user?: {name: string; password: string},
  dispatcher?: TrustedCa,
): Promise<string> {
  const url = new URL(sb.tokenUrl)
  url.searchParams.set('service', sb.service)
  for (const scope of scopes) url.searchParams.append('scope', scope)
  const headers: Record<string, string> = user === undefined ? {} : {Authorization: basic(user.name, user.password)}
  const res = await call(url.href, {headers, dispatcher})
  if (res.status !== 200) throw new Error(`token server answered ${res.status}`)
  return res.json().token as string
}

export const OCI_ACCEPT = 'application/vnd.oci.image.manifest.v1+json'
