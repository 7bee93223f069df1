import type {IncomingMessage, ServerResponse} from 'node:http'
import {authorize, requiredAccess, type RegistryAuth} from './access.js'
import {handleBlob, handleUpload, handleUploadStart} from './blobs.js'
import type {RequestContext} from './context.js'
import {handleCatalog, handleTags} from './listing.js'
import {handleManifest} from './manifests.js'
import {isRepositoryName} from './names.js'
import {accessTarget, parseRoute, type Route} from './routes.js'
import type {RegistryStore} from './store.js'
import {API_VERSION_HEADER, BodyTooLargeError, JSON_TYPE, methodNotAllowed, sendError, sendPlain} from './wire.js'

/** Methods that write to a repository; only these insist on a valid name (reads of a bad name find nothing). */
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH'])

/** Docker Hub's 429 wording and headers (docs; the envelope is inferred from the CLI's `toomanyrequests:` text). */
export const RATE_LIMIT = {
  message:
    'You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limits',
  limit: '100;w=21600',
  remaining: '0;w=21600',
} as const

export interface RegistryConfig {
  store: RegistryStore
  auth: RegistryAuth
  scheme: 'http' | 'https'
  pageSize: number
  rateLimit: boolean
}

/** The distribution API pipeline: route, authorize exactly like distribution's access controllers, then serve. */
export class RegistryService {
  requests = 0

  constructor(private readonly cfg: RegistryConfig) {}

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    this.requests++
    res.setHeader(API_VERSION_HEADER[0], API_VERSION_HEADER[1])
    this.serve(req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy()
      if (error instanceof BodyTooLargeError) return sendError(res, 'SIZE_INVALID', {message: error.message, status: 413})
      sendError(res, 'UNAVAILABLE', {status: 500, message: 'sandbox registry failure'})
    })
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://registry.invalid')
    let path: string
    try {
      path = decodeURIComponent(url.pathname)
    } catch {
      return sendPlain(res, 400, '400 Bad Request')
    }
    const route = parseRoute(path)
    // Go's mux answers unknown paths in plain text, before any authentication.
    if (route === undefined) return sendPlain(res, 404, '404 page not found')
    const method = req.method ?? 'GET'
    if ('name' in route && WRITE_METHODS.has(method) && !isRepositoryName(route.name)) {
      return sendError(res, 'NAME_INVALID', {detail: {name: route.name}})
    }
    const decision = authorize(this.cfg.auth, req.headers.authorization, requiredAccess(method, accessTarget(route, url.searchParams)))
    if (!decision.ok) {
      const headers: Record<string, string> = decision.challenge === undefined ? {} : {'WWW-Authenticate': decision.challenge}
      return sendError(res, decision.code, {detail: decision.detail, headers})
    }
    if (this.cfg.rateLimit && route.kind === 'manifest' && (method === 'GET' || method === 'HEAD')) {
      return sendError(res, 'TOOMANYREQUESTS', {
        message: RATE_LIMIT.message,
        headers: {
          'ratelimit-limit': RATE_LIMIT.limit,
          'ratelimit-remaining': RATE_LIMIT.remaining,
          'docker-ratelimit-source': req.socket.remoteAddress ?? '127.0.0.1',
        },
      })
    }
    const ctx: RequestContext = {req, res, url, store: this.cfg.store, origin: `${this.cfg.scheme}://${req.headers.host ?? 'localhost'}`, pageSize: this.cfg.pageSize}
    return dispatch(ctx, route, method)
  }
}

async function dispatch(ctx: RequestContext, route: Route, method: string): Promise<void> {
  switch (route.kind) {
    case 'base':
      // distribution's apiBase answers any method, with a bare `{}` (no newline: it is not json.Encoder output).
      ctx.res.writeHead(200, {'Content-Type': JSON_TYPE, 'Content-Length': '2'})
      return void ctx.res.end('{}')
    case 'catalog':
    case 'tags':
      if (method !== 'GET') return methodNotAllowed(ctx.res, ['GET'])
      return route.kind === 'catalog' ? handleCatalog(ctx) : handleTags(ctx, route.name)
    case 'manifest':
      return handleManifest(ctx, route.name, route.reference)
    case 'blob':
      return handleBlob(ctx, route.name, route.digest)
    case 'upload-start':
      return handleUploadStart(ctx, route.name)
    case 'upload':
      return handleUpload(ctx, route.name, route.id)
  }
}
