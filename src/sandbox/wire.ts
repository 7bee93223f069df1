import type {IncomingMessage, ServerResponse} from 'node:http'

/** distribution's errcode table (registry/api/errcode/register.go, registry/api/v2/errors.go): status and message. */
export const ERROR_CODES = {
  UNAUTHORIZED: [401, 'authentication required'],
  DENIED: [403, 'requested access to the resource is denied'],
  TOOMANYREQUESTS: [429, 'too many requests'],
  UNSUPPORTED: [405, 'The operation is unsupported.'],
  UNAVAILABLE: [503, 'service unavailable'],
  NAME_UNKNOWN: [404, 'repository name not known to registry'],
  NAME_INVALID: [400, 'invalid repository name'],
  TAG_INVALID: [400, 'manifest tag did not match URI'],
  MANIFEST_UNKNOWN: [404, 'manifest unknown'],
  MANIFEST_INVALID: [400, 'manifest invalid'],
  MANIFEST_BLOB_UNKNOWN: [400, 'blob unknown to registry'],
  BLOB_UNKNOWN: [404, 'blob unknown to registry'],
  BLOB_UPLOAD_UNKNOWN: [404, 'blob upload unknown to registry'],
  BLOB_UPLOAD_INVALID: [400, 'blob upload invalid'],
  DIGEST_INVALID: [400, 'provided digest did not match uploaded content'],
  SIZE_INVALID: [400, 'provided length did not match content length'],
  PAGINATION_NUMBER_INVALID: [400, 'invalid number of results requested'],
  // Not a distribution code: what Quay answers to a malformed scope at its token endpoint.
  INVALID_REQUEST: [400, 'invalid request'],
} as const satisfies Record<string, readonly [number, string]>

export type ErrorCode = keyof typeof ERROR_CODES

/** distribution adds this to every response in App.ServeHTTP; clients use it to recognise a registry. */
export const API_VERSION_HEADER = ['Docker-Distribution-Api-Version', 'registry/2.0'] as const

/** Blob uploads are small in a sandbox; a bigger body is a runaway client and must not exhaust memory. */
export const MAX_BODY_BYTES = 64 * 1024 * 1024

export class BodyTooLargeError extends Error {
  constructor() {
    super(`request body larger than ${MAX_BODY_BYTES} bytes`)
    this.name = 'BodyTooLargeError'
  }
}

/** distribution's JSON responses, errors and successes alike. */
export const JSON_TYPE = 'application/json; charset=utf-8'

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  // Go's json.Encoder ends documents with a newline; byte counts in captures include it.
  const text = JSON.stringify(body) + '\n'
  res.writeHead(status, {
    'Content-Type': JSON_TYPE,
    ...headers,
    'Content-Length': String(Buffer.byteLength(text)),
  })
  res.end(text)
}

/**
 * The `{"errors":[{code,message,detail}]}` envelope. `detail` is left out when undefined and kept when null, as the
 * real 401 on /v2/ carries `"detail":null`.
 */
export function sendError(
  res: ServerResponse,
  code: ErrorCode,
  opts: {message?: string; detail?: unknown; headers?: Record<string, string>; status?: number} = {},
): void {
  const [status, message] = ERROR_CODES[code]
  const error: Record<string, unknown> = {code, message: opts.message ?? message}
  if (opts.detail !== undefined) error.detail = opts.detail
  sendJson(res, opts.status ?? status, {errors: [error]}, opts.headers)
}

/** Go's net/http plain-text answers (unknown path, wrong method, unparsable URL), which carry no JSON envelope. */
export function sendPlain(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  const body = text + '\n'
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
    'Content-Length': String(Buffer.byteLength(body)),
  })
  res.end(body)
}

/** gorilla/handlers.MethodHandler: 405 in plain text with the allowed methods sorted. */
export function methodNotAllowed(res: ServerResponse, allowed: readonly string[]): void {
  sendPlain(res, 405, 'Method not allowed', {Allow: [...allowed].sort().join(', ')})
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError()
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks)
}
