import {mkdir, writeFile} from 'node:fs/promises'
import {dirname} from 'node:path'
import type {Exchange, Trace} from '../trace/types.js'

/**
 * HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/) from the already-redacted exchanges, so a trace opens in a
 * browser's network panel. Nothing here sees a raw secret: the recorder redacted everything before it was stored.
 */
export function toHar(trace: Trace): object {
  const started = Date.parse(trace.startedAt)
  const entries = trace.steps.flatMap((s) => s.exchanges.map((x) => entry(x, started, s.stage)))
  return {
    log: {
      version: '1.2',
      creator: {name: 'regprobe', version: trace.version},
      pages: [{startedDateTime: trace.startedAt, id: 'regprobe', title: `regprobe ${trace.command} ${trace.target}`, pageTimings: {onContentLoad: -1, onLoad: trace.durationMs}}],
      entries,
    },
  }
}

function pairs(h: Record<string, string>): Array<{name: string; value: string}> {
  return Object.entries(h).map(([name, value]) => ({name, value}))
}

function entry(x: Exchange, started: number, stage: string): object {
  const url = new URL(x.request.url)
  const res = x.response
  const body = res?.body
  const text = body?.json !== undefined ? JSON.stringify(body.json) : body?.textPreview ?? ''
  const wait = x.timing.ttfbMs ?? x.timing.totalMs
  return {
    pageref: 'regprobe',
    startedDateTime: new Date(started + x.timing.startMs).toISOString(),
    time: x.timing.totalMs,
    request: {
      method: x.request.method,
      url: x.request.url,
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: pairs(x.request.headers),
      queryString: [...url.searchParams].map(([name, value]) => ({name, value})),
      ...(x.request.body !== undefined ? {postData: {mimeType: x.request.headers['content-type'] ?? 'application/octet-stream', text: x.request.body}} : {}),
      headersSize: -1,
      bodySize: x.request.body?.length ?? 0,
    },
    response: {
      status: res?.status ?? 0,
      statusText: res?.statusText ?? x.error?.message ?? '',
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: pairs(res?.headers ?? {}),
      content: {size: body?.bytes ?? 0, mimeType: body?.contentType ?? 'application/octet-stream', text},
      redirectURL: res?.headers.location ?? '',
      headersSize: -1,
      bodySize: body?.bytes ?? -1,
      ...(x.error ? {_error: x.error.message} : {}),
    },
    cache: {},
    timings: {blocked: -1, dns: -1, connect: x.timing.connectMs ?? -1, ssl: -1, send: 0, wait, receive: Math.max(0, x.timing.totalMs - wait)},
    ...(x.connection?.remoteAddress ? {serverIPAddress: x.connection.remoteAddress} : {}),
    _regprobeStage: stage,
  }
}

/** The exchanges were redacted when recorded: nothing here searches the text (it would corrupt it). */
export async function writeHar(path: string, trace: Trace): Promise<void> {
  try {
    await mkdir(dirname(path), {recursive: true})
    await writeFile(path, `${JSON.stringify(toHar(trace), null, 2)}\n`, {mode: 0o600})
  } catch (err) {
    // A write error carries no path (ENOSPC on /dev/full): the user needs to know which file (src/cli/base.ts catch).
    ;(err as NodeJS.ErrnoException).path ??= path
    throw err
  }
}
