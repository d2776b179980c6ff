import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

/** A fresh secret for each start of the server; never stored. */
export function newToken(): string {
  return randomBytes(24).toString('base64url')
}

export function tokenCookieName(port: number): string {
  // Cookies are shared across ports of one host: name them by port so two servers never collide.
  return `stdd_token_${port}`
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

function cookieValue(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=')
    if (k === name) return v.join('=')
  }
  return null
}

export type AuthResult = { ok: true; via: 'header' | 'query' | 'cookie' } | { ok: false; status: 401 | 403; reason: string }

/**
 * Every request must carry the per-start token (Authorization: Bearer, `?token=`, or the cookie set
 * when the page was opened with `?token=`), and name this server in its Host header (which defeats
 * DNS rebinding). WebSocket upgrades must also come from this server's own origin.
 */
export function authorize(req: IncomingMessage, token: string, port: number, opts: { checkOrigin: boolean }): AuthResult {
  const allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]
  const host = req.headers.host ?? ''
  if (!allowedHosts.includes(host)) return { ok: false, status: 403, reason: `unexpected Host header "${host}"` }
  if (opts.checkOrigin) {
    const origin = req.headers.origin
    if (origin !== undefined && !allowedHosts.some((h) => origin === `http://${h}`)) {
      return { ok: false, status: 403, reason: `cross-origin connection from "${origin}" refused` }
    }
  }
  const auth = req.headers.authorization
  if (auth?.startsWith('Bearer ') && sameSecret(auth.slice(7), token)) return { ok: true, via: 'header' }
  const query = new URL(req.url ?? '/', 'http://x').searchParams.get('token')
  if (query !== null && sameSecret(query, token)) return { ok: true, via: 'query' }
  const cookie = cookieValue(req.headers.cookie, tokenCookieName(port))
  if (cookie !== null && sameSecret(cookie, token)) return { ok: true, via: 'cookie' }
  return { ok: false, status: 401, reason: 'missing or wrong token: open the URL that "stdd serve" printed (it carries ?token=…)' }
}
