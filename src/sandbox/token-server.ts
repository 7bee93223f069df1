import {randomBytes} from 'node:crypto'
import {createServer as createHttpServer, type IncomingMessage, type ServerResponse} from 'node:http'
import {setTimeout as sleep} from 'node:timers/promises'
import {createSigningCertificate} from './certs.js'
import {checkBasic, checkPassword} from './credentials.js'
import {createSigningKey} from './jwt-sign.js'
import {hostPort, listen} from './listen.js'
import {DEFAULT_RULES, DEFAULT_USERS} from './rules.js'
import {ScopeSyntaxError, parseScopes} from './scope.js'
import {issueToken, type IssuerConfig} from './token-issuer.js'
import type {SandboxRule, SandboxSwitches, SandboxUser} from './types.js'
import {BodyTooLargeError, readBody, sendError, sendJson} from './wire.js'

/** The realm's path; the sandbox prints the full URL. */
export const TOKEN_PATH = '/token'
/** What the token server's own 401 challenges with, so a client sees who refused its password. */
export const TOKEN_BASIC_REALM = 'regprobe-sandbox token server'

export interface TokenServiceConfig extends IssuerConfig {
  users: readonly SandboxUser[]
}

/** The HTTP side of the token endpoint: GET (Basic or anonymous, token.md) and the OAuth2 POST (oauth.md). */
export class TokenService {
  private readonly refreshTokens = new Map<string, string>()
  private readonly aborter = new AbortController()
  requests = 0

  constructor(private readonly cfg: TokenServiceConfig) {}

  /** Stops pending slow answers so close() never waits for a timer. */
  abort(): void {
    this.aborter.abort()
  }

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    this.requests++
    this.serve(req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy()
      if (error instanceof BodyTooLargeError) return sendError(res, 'INVALID_REQUEST', {message: error.message, status: 413})
      sendError(res, 'UNAVAILABLE', {status: 500, message: 'token server failure'})
    })
  }

  /** This server's clock: the machine's, unless the clockAheadSeconds switch moves it. */
  private now(): number {
    return Date.now() + (this.cfg.switches.clockAheadSeconds ?? 0) * 1000
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Every answer says the time by this server's clock, as a real one would (Node would set the machine's).
    res.setHeader('Date', new Date(this.now()).toUTCString())
    const url = new URL(req.url ?? '/', 'http://token.invalid')
    if (url.pathname !== TOKEN_PATH) return sendJson(res, 404, {errors: [{code: 'NOT_FOUND', message: 'not found'}]})
    const delay = this.cfg.switches.slowTokenMs ?? 0
    if (delay > 0) {
      try {
        await sleep(delay, undefined, {signal: this.aborter.signal})
      } catch {
        return void res.destroy()
      }
    }
    if (req.method === 'GET') return this.serveGet(req, res, url)
    if (req.method === 'POST') return this.servePost(req, res)
    sendJson(res, 405, {errors: [{code: 'UNSUPPORTED', message: 'use GET or POST'}]}, {Allow: 'GET, POST'})
  }

  private refuse(res: ServerResponse, message: string): void {
    sendError(res, 'UNAUTHORIZED', {message, headers: {'WWW-Authenticate': `Basic realm=${JSON.stringify(TOKEN_BASIC_REALM)}`}})
  }

  private newRefreshToken(who: string): string {
    const token = randomBytes(24).toString('base64url')
    this.refreshTokens.set(token, who)
    return token
  }

  private serveGet(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const basic = checkBasic(req.headers.authorization, this.cfg.users)
    if (basic.kind === 'invalid') return this.refuse(res, 'incorrect username or password')
    const who = basic.kind === 'user' ? basic.name : ''
    const scopes = this.scopes(res, url.searchParams.getAll('scope'))
    if (scopes === undefined) return
    const issued = issueToken(this.cfg, who, scopes, this.now())
    const body: Record<string, unknown> = {
      token: issued.token,
      access_token: issued.token,
      expires_in: issued.expiresIn,
      issued_at: issued.issuedAt,
    }
    // docker login asks offline_token=true and stores the refresh token as its identitytoken.
    if (url.searchParams.get('offline_token') === 'true' && who !== '') body.refresh_token = this.newRefreshToken(who)
    sendJson(res, 200, body, {'Cache-Control': 'no-store'})
  }

  private async servePost(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
    const form = new URLSearchParams((await readBody(req)).toString('utf8'))
    const oauthError = (error: string, description: string): void =>
      sendJson(res, 400, {error, error_description: description})
    if (type !== 'application/x-www-form-urlencoded') return oauthError('invalid_request', 'expected a form body')
    if ((form.get('client_id') ?? '') === '') return oauthError('invalid_request', 'client_id is required')
    let who: string
    let refreshToken: string | undefined
    const grant = form.get('grant_type')
    if (grant === 'password') {
      const name = form.get('username') ?? ''
      if (!checkPassword(name, form.get('password') ?? '', this.cfg.users)) {
        return this.refuse(res, 'incorrect username or password')
      }
      who = name
      if (form.get('access_type') === 'offline') refreshToken = this.newRefreshToken(who)
    } else if (grant === 'refresh_token') {
      refreshToken = form.get('refresh_token') ?? ''
      const owner = this.refreshTokens.get(refreshToken)
      if (owner === undefined) return this.refuse(res, 'invalid refresh token')
      who = owner
    } else {
      return oauthError('unsupported_grant_type', `grant_type ${JSON.stringify(grant ?? '')} is not supported`)
    }
    const scope = form.get('scope') ?? ''
    const scopes = this.scopes(res, [scope])
    if (scopes === undefined) return
    const issued = issueToken(this.cfg, who, scopes, this.now())
    const body: Record<string, unknown> = {
      access_token: issued.token,
      scope,
      expires_in: issued.expiresIn,
      issued_at: issued.issuedAt,
    }
    if (refreshToken !== undefined) body.refresh_token = refreshToken
    sendJson(res, 200, body, {'Cache-Control': 'no-store'})
  }

  private scopes(res: ServerResponse, values: string[]): ReturnType<typeof parseScopes> | undefined {
    try {
      return parseScopes(values)
    } catch (error) {
      if (!(error instanceof ScopeSyntaxError)) throw error
      sendError(res, 'INVALID_REQUEST', {message: error.message})
      return undefined
    }
  }
}

export interface StandaloneTokenServer {
  /** The realm to configure in the registry. */
  url: string
  signingCertPem: string
  close(): Promise<void>
  stats(): {tokenRequests: number}
}

/** Just the token server, plain HTTP, for a REAL registry in token mode (its issuer and service must match). */
export async function startTokenServer(opts: {
  host?: string
  port?: number
  users?: SandboxUser[]
  rules?: SandboxRule[]
  service: string
  issuer: string
  switches?: SandboxSwitches
  tokenTtlSeconds?: number
}): Promise<StandaloneTokenServer> {
  const key = createSigningKey()
  const signingCertPem = await createSigningCertificate(key)
  const service = new TokenService({
    key,
    service: opts.service,
    issuer: opts.issuer,
    ttlSeconds: opts.tokenTtlSeconds ?? 300,
    users: opts.users ?? DEFAULT_USERS,
    rules: opts.rules ?? DEFAULT_RULES,
    switches: opts.switches ?? {},
  })
  const host = opts.host ?? '127.0.0.1'
  const listening = await listen(createHttpServer(service.handle), host, opts.port ?? 0)
  return {
    url: `http://${hostPort(opts.switches?.realmHost ?? host, listening.port)}${TOKEN_PATH}`,
    signingCertPem,
    stats: () => ({tokenRequests: service.requests}),
    async close() {
      service.abort()
      await listening.close()
    },
  }
}
