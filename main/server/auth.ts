import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'

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

/** Query-string token of a request target; null when there is none or the target does not parse. */
function queryToken(target: string | undefined): string | null {
  const query = (target ?? '').split('?')[1]
  if (query === undefined) return null
  try {
    return new URLSearchParams(query).get('token')
  } catch {
    return null
  }
}

/**
 * What a request asks for, which decides how it may authenticate:
 * - `page`: a GET of the UI; the printed URL's `?token=` is accepted here only (and traded for a cookie).
 * - `api`: anything under `/api/`; header or cookie only, and a foreign `Origin` is refused.
 * - `socket`: the `/ws` upgrade; header or cookie only, and a foreign `Origin` is refused.
 */
export type RequestKind = 'page' | 'api' | 'socket'

export type AuthResult = { ok: true; via: 'header' | 'query' | 'cookie' } | { ok: false; status: 401 | 403; reason: string }

/** The per-start secret and the port it guards. */
export interface AuthGate {
  token: string
  port: number
}

/**
 * Every request must carry the per-start token (Authorization: Bearer, or the cookie set when the
 * page was opened with `?token=`) and name this server in its Host header (which defeats DNS
 * rebinding). API calls and socket upgrades must also come from this server's own origin.
 */
export function authorize(req: IncomingMessage, gate: AuthGate, kind: RequestKind): AuthResult {
  const allowedHosts = [`127.0.0.1:${gate.port}`, `localhost:${gate.port}`, `[::1]:${gate.port}`]
  const host = req.headers.host ?? ''
  if (!allowedHosts.includes(host)) return { ok: false, status: 403, reason: `unexpected Host header "${host}"` }
  const origin = req.headers.origin
  if (kind !== 'page' && origin !== undefined && !allowedHosts.some((h) => origin === `http://${h}`)) {
    return { ok: false, status: 403, reason: `cross-origin request from "${origin}" refused` }
  }
  const auth = req.headers.authorization
  if (auth?.startsWith('Bearer ') && sameSecret(auth.slice(7), gate.token)) return { ok: true, via: 'header' }
  const cookie = cookieValue(req.headers.cookie, tokenCookieName(gate.port))
  if (cookie !== null && sameSecret(cookie, gate.token)) return { ok: true, via: 'cookie' }
  if (kind === 'page' && req.method === 'GET') {
    const query = queryToken(req.url)
    if (query !== null && sameSecret(query, gate.token)) return { ok: true, via: 'query' }
  }
  const hint = kind === 'page' ? 'open the URL that "stdd serve" printed (it carries ?token=…)' : 'send "Authorization: Bearer <token>" (the token is never accepted in the query here)'
  return { ok: false, status: 401, reason: `missing or wrong token: ${hint}` }
}

/**
 * Checks an `/api/*` request and, when it fails, answers it (JSON `{ok:false,error}` with 401 or 403).
 * Returns whether the caller may go on. Every API route calls this first.
 */
export function requireApiAuth(req: IncomingMessage, res: ServerResponse, gate: AuthGate): boolean {
  const auth = authorize(req, gate, 'api')
  if (auth.ok) return true
  const text = JSON.stringify({ ok: false, error: { code: 'invalid_input', message: auth.reason } })
  res.writeHead(auth.status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' })
  res.end(text)
  return false
}
