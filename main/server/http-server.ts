import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { resolve } from 'node:path'
import { WebSocketServer, type WebSocket } from 'ws'
import { ContractError, isWireInvoke, type ErrorCode, type WireFromEngine } from '../../contract'
import type { EngineConnection } from '../engine/connection'
import { authorize, newToken, tokenCookieName } from './auth'
import { serveStatic } from './static-files'

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

const MAX_BODY = 1 << 20

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

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' })
  res.end(text)
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((ok, fail) => {
    let size = 0
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > MAX_BODY) {
        fail(new ContractError('invalid_input', `request body is larger than ${MAX_BODY} bytes`))
        req.destroy()
      } else chunks.push(c)
    })
    req.on('end', () => ok(Buffer.concat(chunks).toString('utf8')))
    req.on('error', fail)
  })
}

/**
 * The headless face: the contract over HTTP (`POST /api/invoke`) and WebSocket (`/ws`) on a
 * loopback address only, every request and socket gated by a per-start token, serving the built UI.
 */
export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1'
  const token = opts.token ?? newToken()
  const rendererDir = resolve(opts.rendererDir)
  const sockets = new Set<WebSocket>()
  let port = 0

  async function handleInvoke(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      let body: unknown
      try {
        body = JSON.parse(await readBody(req))
      } catch (err) {
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

  const server = createServer((req, res) => {
    const auth = authorize(req, token, port, { checkOrigin: req.method !== 'GET' })
    if (!auth.ok) {
      res.writeHead(auth.status, { 'Content-Type': 'text/plain; charset=utf-8' })
      res.end(`${auth.status === 401 ? 'Unauthorized' : 'Forbidden'}: ${auth.reason}\n`)
      return
    }
    const url = new URL(req.url ?? '/', 'http://x')
    if (auth.via === 'query' && req.method === 'GET' && !url.pathname.startsWith('/api/')) {
      // Keep the token as a same-site, script-invisible cookie and drop it from the address bar.
      res.writeHead(303, { 'Set-Cookie': `${tokenCookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`, Location: url.pathname })
      res.end()
      return
    }
    if (url.pathname === '/api/invoke') {
      if (req.method !== 'POST') return sendJson(res, 405, { ok: false, error: { code: 'invalid_input', message: 'use POST /api/invoke' } })
      void handleInvoke(req, res)
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { ok: false, error: { code: 'invalid_input', message: `${req.method} is not allowed here` } })
    if (!serveStatic(rendererDir, url.pathname, res, port)) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' })
      res.end(`Not found: ${url.pathname}\n`)
    }
  })

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY })
  server.on('upgrade', (req, socket, head) => {
    const auth = authorize(req, token, port, { checkOrigin: true })
    if (!auth.ok || new URL(req.url ?? '/', 'http://x').pathname !== '/ws') {
      const status = auth.ok ? '404 Not Found' : auth.status === 401 ? '401 Unauthorized' : '403 Forbidden'
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`)
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws))
  })

  wss.on('connection', (ws: WebSocket) => {
    sockets.add(ws)
    ws.on('close', () => sockets.delete(ws))
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
      opts.engine.invoke(command, input).then(
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
  port = (server.address() as AddressInfo).port
  const base = `http://${host === '::1' ? '[::1]' : host}:${port}`
  return {
    url: base + '/',
    openUrl: `${base}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((done) => {
        unsubscribe()
        for (const ws of sockets) ws.terminate()
        wss.close()
        server.close(() => done())
        server.closeAllConnections()
      }),
  }
}
