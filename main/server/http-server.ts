import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { resolve } from 'node:path'
import { WebSocketServer, type WebSocket } from 'ws'
import { ContractError, isWireInvoke, type ErrorCode, type WireFromEngine } from '../../contract'
import type { EngineConnection } from '../engine/connection'
import { authorize, newToken, requireApiAuth, tokenCookieName, type AuthGate } from './auth'
import { serveStatic } from './static-files'
import { artifactRouteId, serveArtifact } from './artifact-route'

export interface ServeOptions {
  engine: EngineConnection
  /** The built renderer (`out/renderer`). */
  rendererDir: string
  /** 0 (default) picks a free port. */
  port?: number
  /** Only loopback addresses are accepted. */
  host?: '127.0.0.1' | 'localhost' | '::1'
  token?: string
}

export interface RunningServer {
  url: string
  /** The URL to open in a browser: carries the token once, which the page then keeps as a cookie. */
  openUrl: string
  port: number
  token: string
  close(): Promise<void>
}

/** The largest request body or socket message accepted. */
export const MAX_BODY = 1 << 20
/** A too-large body is read and dropped up to this size (so the client sees the 413), then the connection is cut. */
const MAX_DRAIN = 16 << 20

const HTTP_STATUS: Record<ErrorCode, number> = {
  invalid_input: 400,
  unknown_command: 404,
  not_found: 404,
  conflict: 409,
  unavailable: 503,
  internal: 500,
}

function asContractError(err: unknown): ContractError {
  return err instanceof ContractError ? err : new ContractError('internal', err instanceof Error ? err.message : String(err))
}

function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  if (res.headersSent) return void res.end()
  const text = JSON.stringify(body)
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store', ...extra })
  res.end(text)
}

function sendError(res: ServerResponse, status: number, message: string, extra: Record<string, string> = {}): void {
  sendJson(res, status, { ok: false, error: { code: status >= 500 ? 'internal' : 'invalid_input', message } }, extra)
}

class BodyTooLarge extends Error {
  constructor(readonly drained: boolean) {
    super(`the request body is larger than ${MAX_BODY} bytes (1 MiB); send less (e.g. a file path instead of its content)`)
  }
}

/** The request body as text; rejects with {@link BodyTooLarge} once it passes {@link MAX_BODY}. */
function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((ok, fail) => {
    const declared = Number(req.headers['content-length'] ?? 0)
    if (declared > MAX_DRAIN) return fail(new BodyTooLarge(false))
    let size = 0
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size <= MAX_BODY) chunks.push(c)
      else if (size > MAX_DRAIN) {
        req.pause()
        fail(new BodyTooLarge(false))
      }
    })
    req.on('end', () => (size > MAX_BODY ? fail(new BodyTooLarge(true)) : ok(Buffer.concat(chunks).toString('utf8'))))
    req.on('error', fail)
  })
}

/**
 * The path of a request target, or null when it does not parse (e.g. `/%`, a malformed
 * percent-encoding) or decodes to a NUL. The decoded text is used, not discarded: the bundler drops
 * a `decodeURIComponent` call whose result is unused as pure, and `/%` then reached the page handler.
 */
function requestPath(target: string | undefined): string | null {
  try {
    const path = new URL(target ?? '/', 'http://x').pathname
    if (decodeURIComponent(path).includes('\0')) return null
    return path
  } catch {
    return null
  }
}

/**
 * The headless face: the contract over HTTP (`POST /api/invoke`) and WebSocket (`/ws`) on a
 * loopback address only, every request and socket gated by a per-start token, serving the built UI.
 * No request can bring it down: whatever a handler throws becomes a 400/500 answer.
 */
export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1'
  const gate: AuthGate = { token: opts.token ?? newToken(), port: 0 }
  const rendererDir = resolve(opts.rendererDir)
  const sockets = new Set<WebSocket>()

  async function handleInvoke(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      let body: unknown
      try {
        body = JSON.parse(await readBody(req))
      } catch (err) {
        if (err instanceof BodyTooLarge) return sendError(res, 413, err.message, err.drained ? {} : { Connection: 'close' })
        throw err instanceof ContractError ? err : new ContractError('invalid_input', 'request body is not JSON; send {"command": "...", "input": {...}}')
      }
      const { command, input } = (body ?? {}) as { command?: unknown; input?: unknown }
      if (typeof command !== 'string') throw new ContractError('invalid_input', 'field "command" must be a string naming a command')
      sendJson(res, 200, { ok: true, value: await opts.engine.invoke(command, input ?? {}) })
    } catch (err) {
      const e = asContractError(err)
      sendJson(res, HTTP_STATUS[e.code], { ok: false, error: e.toData() })
    }
  }

  /** `/api/*`: every route here is authorised with {@link requireApiAuth}. Add routes to this function. */
  function handleApi(req: IncomingMessage, res: ServerResponse, path: string): void {
    if (!requireApiAuth(req, res, gate)) return
    if (path === '/api/invoke') {
      if (req.method !== 'POST') return sendError(res, 405, 'use POST /api/invoke')
      void handleInvoke(req, res)
      return
    }
    const artifactId = artifactRouteId(path)
    if (artifactId !== null) return void serveArtifact(opts.engine, artifactId, req, res)
    sendError(res, 404, `no API route ${path}; the API is POST /api/invoke`)
  }

  function handlePage(req: IncomingMessage, res: ServerResponse, path: string): void {
    const auth = authorize(req, gate, 'page')
    if (!auth.ok) {
      res.writeHead(auth.status, { 'Content-Type': 'text/plain; charset=utf-8' })
      res.end(`${auth.status === 401 ? 'Unauthorized' : 'Forbidden'}: ${auth.reason}\n`)
      return
    }
    if (auth.via === 'query') {
      // Keep the token as a same-site, script-invisible cookie and drop it from the address bar.
      const location = '/' + path.replace(/^[/\\]+/, '') // never "//host": no open redirect
      res.writeHead(303, { 'Set-Cookie': `${tokenCookieName(gate.port)}=${gate.token}; HttpOnly; SameSite=Strict; Path=/`, Location: location })
      res.end()
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, `${req.method ?? 'this method'} is not allowed here`)
    if (!serveStatic(rendererDir, path, res, gate.port)) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' })
      res.end('Not found\n')
    }
  }

  const server = createServer((req, res) => {
    try {
      const path = requestPath(req.url)
      if (path === null) return sendError(res, 400, 'the request path is not a valid URL path (check its percent-encoding, e.g. a lone "%")')
      if (path === '/api' || path.startsWith('/api/')) handleApi(req, res, path)
      else handlePage(req, res, path)
    } catch (err) {
      sendError(res, 500, `the server could not answer: ${err instanceof Error ? err.message : String(err)}`)
    }
  })
  // A request the HTTP parser refuses (bad method, header, encoding): answer 400 and drop the connection.
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
    else socket.destroy()
  })

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY })
  const upgraded = new Set<Duplex>()
  server.on('upgrade', (req, socket, head) => {
    upgraded.add(socket)
    socket.on('close', () => upgraded.delete(socket))
    socket.on('error', () => socket.destroy())
    try {
      const auth = authorize(req, gate, 'socket')
      if (!auth.ok || requestPath(req.url) !== '/ws') {
        const status = auth.ok ? '404 Not Found' : auth.status === 401 ? '401 Unauthorized' : '403 Forbidden'
        socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
        return
      }
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws))
    } catch {
      socket.destroy()
    }
  })

  wss.on('connection', (ws: WebSocket) => {
    sockets.add(ws)
    ws.on('close', () => sockets.delete(ws))
    ws.on('error', () => ws.terminate())
    ws.on('message', (data) => {
      let msg: unknown
      try {
        msg = JSON.parse(String(data))
      } catch {
        return ws.close(1003, 'messages must be JSON')
      }
      if (!isWireInvoke(msg)) return ws.close(1003, 'expected {"type":"invoke","id":n,"command":"…","input":{…}}')
      const { id, command, input } = msg
      const reply = (m: WireFromEngine): void => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(m))
      }
      Promise.resolve()
        .then(() => opts.engine.invoke(command, input))
        .then(
          (value) => reply({ type: 'result', id, ok: true, value }),
          (err: unknown) => reply({ type: 'result', id, ok: false, error: asContractError(err).toData() }),
        )
    })
  })

  const unsubscribe = opts.engine.onEvent((event, payload) => {
    const text = JSON.stringify({ type: 'event', event, payload } satisfies WireFromEngine)
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(text)
  })

  await new Promise<void>((ok, fail) => {
    server.once('error', fail)
    server.listen(opts.port ?? 0, host, () => ok())
  })
  gate.port = (server.address() as AddressInfo).port
  const base = `http://${host === '::1' ? '[::1]' : host}:${gate.port}`
  return {
    url: base + '/',
    openUrl: `${base}/?token=${gate.token}`,
    port: gate.port,
    token: gate.token,
    close: () =>
      new Promise<void>((done) => {
        unsubscribe()
        for (const ws of sockets) ws.terminate()
        for (const socket of upgraded) socket.destroy()
        wss.close()
        server.close(() => done())
        server.closeAllConnections()
      }),
  }
}
