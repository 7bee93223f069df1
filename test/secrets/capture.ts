import {readFileSync} from 'node:fs'

/**
 * NODE_OPTIONS that make the CLI child append every token it receives over HTTP (token, access_token, refresh_token
 * fields of JSON bodies) to `file`, one per line. The sandbox issues fresh tokens on every run, so this is how the
 * test learns the values it must then not find in any output. It wraps node:http(s).request, which
 * src/http/transport.ts uses for every request.
 */
export function captureTokensEnv(file: string): NodeJS.ProcessEnv {
  const js = `
import {appendFileSync} from 'node:fs'
import http from 'node:http'
import https from 'node:https'
const file = ${JSON.stringify(file)}
for (const mod of [http, https]) {
  const real = mod.request
  mod.request = (...args) => {
    const req = real(...args)
    req.on('response', (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => {
        try {
          const j = JSON.parse(Buffer.concat(chunks).toString())
          for (const k of ['token', 'access_token', 'refresh_token']) if (typeof j?.[k] === 'string' && j[k]) appendFileSync(file, j[k] + '\\n')
        } catch {}
      })
    })
    return req
  }
}`
  return {NODE_OPTIONS: `--import=data:text/javascript,${encodeURIComponent(js)}`}
}

export function readCaptured(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean)
  } catch {
    return []
  }
}

/** Every way a secret can be written down that a reader could turn back into it. */
export function forms(secret: string, username?: string): string[] {
  const out = new Set([
    secret,
    Buffer.from(secret).toString('base64'),
    Buffer.from(secret).toString('base64url'),
    encodeURIComponent(secret),
    new URLSearchParams({x: secret}).toString().slice(2),
  ])
  if (username !== undefined) out.add(Buffer.from(`${username}:${secret}`).toString('base64'))
  // base64 without its padding is what a JWT-style encoder or a truncated log would show.
  for (const f of [...out]) if (f.endsWith('=')) out.add(f.replace(/=+$/, ''))
  return [...out].filter((f) => f.length >= 6)
}
