import {ExitCode, type ExitCodeValue} from '../trace/types.js'
import {hostOfUrl} from './hosts.js'
import {ProxyError} from './transport.js'

/**
 * A request that got no usable HTTP answer. Classified by error `code` (Node's and undici's stable codes) or error name, never by
 * message text, except where OpenSSL gives nothing better than its reason string.
 */
export interface TransportFailure {
  /** Stable: 'dns', 'refused', 'timeout', 'reset', 'tls.unknown-ca', 'tls.expired', 'tls.not-yet-valid',
   * 'tls.hostname', 'tls.plain-http-port', 'tls.other', 'http.tls-port', 'http.malformed', 'body.too-large', 'body.invalid',
   * 'body.incomplete',
   * 'redirect.loop', 'redirect.too-many', 'redirect.scheme', 'redirect.cross-host', 'redirect.metadata',
   * 'redirect.link-local', 'proxy.refused', 'proxy.unreachable', 'proxy.connect-refused', 'proxy.failed', 'other' */
  code: string
  message: string
  exitCode: ExitCodeValue
  /** The underlying Node/OpenSSL code, for the curious. */
  rawCode?: string
  /** What to do, when the failure knows better than the generic advice for its code. */
  fix?: string
  /** The proxy's status line for a CONNECT it refused. */
  tunnelStatus?: number
}

const UNKNOWN_CA = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_UNTRUSTED', 'CERT_SIGNATURE_FAILURE',
])

function causeChain(err: unknown): Array<{code?: string; message?: string; name?: string}> {
  const out: Array<{code?: string; message?: string; name?: string}> = []
  let cur: unknown = err
  for (let i = 0; i < 6 && cur && typeof cur === 'object'; i++) {
    const e = cur as {code?: unknown; message?: unknown; name?: unknown; cause?: unknown; errors?: unknown}
    out.push({code: typeof e.code === 'string' ? e.code : undefined, message: typeof e.message === 'string' ? e.message : undefined, name: typeof e.name === 'string' ? e.name : undefined})
    // AggregateError from happy-eyeballs (IPv4 and IPv6 both refused): look at the first.
    cur = e.cause ?? (Array.isArray(e.errors) ? e.errors[0] : undefined)
  }
  return out
}

export function classifyFetchError(err: unknown, ctx: {url: string; timedOut: boolean; timeoutMs: number}): TransportFailure {
  const host = hostOfUrl(ctx.url)
  const isHttps = ctx.url.startsWith('https:')
  if (ctx.timedOut) {
    return {code: 'timeout', exitCode: ExitCode.UNREACHABLE, rawCode: 'TIMEOUT', message: `no answer from ${host} within ${ctx.timeoutMs} ms`}
  }
  const chain = causeChain(err)
  const codes = chain.map((c) => c.code).filter(Boolean) as string[]
  const text = chain.map((c) => c.message ?? '').join(' | ')
  const raw = codes.at(-1) ?? codes[0]
  const has = (...cs: string[]) => codes.some((c) => cs.includes(c))

  if (has('ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL')) {
    return {code: 'dns', exitCode: ExitCode.UNREACHABLE, rawCode: raw, message: `cannot resolve host name ${hostname(ctx.url)} (${raw})`}
  }
  if (has('ECONNREFUSED')) return {code: 'refused', exitCode: ExitCode.UNREACHABLE, rawCode: raw, message: `connection refused by ${host}: nothing listens there`}
  if (has('UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT')) {
    return {code: 'timeout', exitCode: ExitCode.UNREACHABLE, rawCode: raw, message: `no answer from ${host} in time (${raw})`}
  }
  // Node 24's bundled undici throws its HTTPParserError without the llhttp code (code: undefined), so the name counts too.
  const parserError = codes.some((c) => c.startsWith('HPE_')) || chain.some((c) => c.name === 'HTTPParserError')
  const overflow = has('UND_ERR_HEADERS_OVERFLOW', 'HPE_HEADER_OVERFLOW')
  if (parserError || overflow) {
    // The server answered, but not in HTTP/1.1: garbage, a NUL in a header, or headers past Go's 10 MiB limit (transport.ts).
    const what = overflow ? 'response headers larger than 10 MiB (Go\'s limit, which docker has too)' : `a response that is not valid HTTP/1.1 (${parserReason(text, (err as {reason?: string} | undefined)?.reason)})`
    return {code: 'http.malformed', exitCode: ExitCode.PROTOCOL, rawCode: raw ?? 'HTTP_PARSER', message: `${host} sent ${what}`}
  }
  if (has('EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL')) return {code: 'unreachable', exitCode: ExitCode.UNREACHABLE, rawCode: raw, message: `host ${host} is unreachable (${raw})`}
  if (has('ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE') && !isHttps) {
    // A TLS server that receives a plain HTTP request usually hangs up (or answers 400, handled by the caller).
    return {code: 'reset', exitCode: ExitCode.UNREACHABLE, rawCode: raw, message: `${host} closed the connection without an HTTP answer (if this port speaks TLS, use https://)`}
  }
  if (codes.some((c) => UNKNOWN_CA.has(c))) {
    return {code: 'tls.unknown-ca', exitCode: ExitCode.TLS, rawCode: raw, message: `the certificate of ${host} is not signed by a trusted CA (${raw})`}
  }
  if (has('CERT_HAS_EXPIRED')) return {code: 'tls.expired', exitCode: ExitCode.TLS, rawCode: raw, message: `the certificate of ${host} has expired`}
  if (has('CERT_NOT_YET_VALID')) return {code: 'tls.not-yet-valid', exitCode: ExitCode.TLS, rawCode: raw, message: `the certificate of ${host} is not valid yet (check this machine's clock)`}
  if (has('ERR_TLS_CERT_ALTNAME_INVALID', 'HOSTNAME_MISMATCH')) {
    return {code: 'tls.hostname', exitCode: ExitCode.TLS, rawCode: raw, message: `the certificate of ${host} is for another host name`}
  }
  if (isHttps && (has('ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG', 'ERR_SSL_HTTP_REQUEST') || /wrong version number|packet length too long|http request/i.test(text))) {
    return {code: 'tls.plain-http-port', exitCode: ExitCode.TLS, rawCode: raw ?? 'EPROTO', message: `${host} does not speak TLS on this port (it answered in plain HTTP): use http:// or --plain-http`}
  }
  if (has('ECONNRESET', 'UND_ERR_SOCKET') && isHttps) {
    return {code: 'reset', exitCode: ExitCode.UNREACHABLE, rawCode: raw, message: `${host} closed the connection during the request`}
  }
  if (codes.some((c) => c.startsWith('ERR_TLS') || c.startsWith('ERR_SSL') || c === 'EPROTO')) {
    return {code: 'tls.other', exitCode: ExitCode.TLS, rawCode: raw, message: `TLS handshake with ${host} failed (${raw})`}
  }
  if (has('UND_ERR_PRX_TLS') || /proxy/i.test(text)) return {code: 'proxy', exitCode: ExitCode.UNREACHABLE, rawCode: raw, message: `the proxy refused or failed the connection to ${host}: ${firstLine(text)}`}
  if (has('ERR_INVALID_URL') || chain[0]?.name === 'TypeError' && /invalid url/i.test(text)) {
    return {code: 'url', exitCode: ExitCode.PROTOCOL, rawCode: raw, message: `invalid URL ${ctx.url}`}
  }
  return {code: 'other', exitCode: ExitCode.UNREACHABLE, rawCode: raw, message: `request to ${host} failed: ${firstLine(text) || String(err)}`}
}

/** llhttp's reason, e.g. "Invalid header value char", for a person to read; classification used the HPE_ code. */
function parserReason(text: string, reason?: string): string {
  return reason?.slice(0, 80) || /\(([^()]{1,80})\)/.exec(text)?.[1] || /Parse Error: ([^|]{1,80})/.exec(text)?.[1]?.trim() || 'unparsable'
}

const PROXY_FIX = 'Check that the proxy in HTTPS_PROXY/HTTP_PROXY is running and reachable from here, or list the registry in NO_PROXY if it needs no proxy (docker\'s daemon has its own proxy settings: check them too).'

/**
 * A request through a proxy that failed before it reached the registry: named as the proxy, with its address, never
 * as the registry (Go says "proxyconnect tcp: …"). Undefined when the failure happened past the proxy.
 */
export function proxyFailure(err: unknown, ctx: {url: string; proxy: string; connected: boolean; timedOut: boolean; timeoutMs: number}): TransportFailure | undefined {
  const host = hostOfUrl(ctx.url)
  const through = `the proxy ${hostOfUrl(ctx.proxy)} (${ctx.proxy})`
  if (err instanceof ProxyError) {
    const code = `proxy.${err.proxyCode}`
    const status = err.status
    const fix = status === 407 ? 'The proxy wants credentials: put them in the proxy URL (http://user:password@proxy:port) or ask its administrators.' : status === 403 ? `The proxy does not allow connections to ${host}: ask its administrators to allow it, or list the registry in NO_PROXY if it is reachable directly.` : PROXY_FIX
    return {code, exitCode: ExitCode.UNREACHABLE, rawCode: status ? `CONNECT_${status}` : (err.cause as {code?: string} | undefined)?.code, message: `${err.message}; the request to ${host} never reached the registry`, fix, ...(status ? {tunnelStatus: status} : {})}
  }
  if (ctx.connected || ctx.url.startsWith('https:')) {
    if (ctx.timedOut && !ctx.connected) return {code: 'proxy.timeout', exitCode: ExitCode.UNREACHABLE, rawCode: 'TIMEOUT', message: `no answer from ${host} through ${through} within ${ctx.timeoutMs} ms`, fix: PROXY_FIX}
    return undefined
  }
  // Plain HTTP through a proxy: nothing connected means the proxy itself did not answer.
  const code = (err as {code?: string} | undefined)?.code
  if (ctx.timedOut) return {code: 'proxy.timeout', exitCode: ExitCode.UNREACHABLE, rawCode: 'TIMEOUT', message: `no answer from ${through} within ${ctx.timeoutMs} ms; the request to ${host} never reached the registry`, fix: PROXY_FIX}
  if (code === 'ECONNREFUSED') return {code: 'proxy.refused', exitCode: ExitCode.UNREACHABLE, rawCode: code, message: `${through} refused the connection (nothing listens there); the request to ${host} never reached the registry`, fix: PROXY_FIX}
  if (code && /^(ENOTFOUND|EAI_|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|EADDRNOTAVAIL)/.test(code)) return {code: 'proxy.unreachable', exitCode: ExitCode.UNREACHABLE, rawCode: code, message: `${through} cannot be reached (${code}); the request to ${host} never reached the registry`, fix: PROXY_FIX}
  return undefined
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.slice(0, 300)
}

function hostname(url: string): string {
  try {
    return new URL(url).hostname
  } catch {
    return url
  }
}
