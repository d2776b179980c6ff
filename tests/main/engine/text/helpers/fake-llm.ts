import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ChatRequest } from '../../../../../main/engine/text/llm/types'

/** What the scripted server answers to one request. */
export interface Reply {
  status?: number
  /** The assistant's text (wrapped in a chat-completions body), or a raw body. */
  content?: string
  rawBody?: string
  headers?: Record<string, string>
  /** Wait this long before answering (to provoke timeouts). */
  delayMs?: number
}

export interface Received {
  request: ChatRequest
  headers: IncomingHttpHeaders
  url: string
}

/**
 * An OpenAI-compatible chat-completions server on 127.0.0.1 that answers from a script. Tests
 * talk only to it; `localOnlyFetch` refuses any other host, so nothing leaves the machine.
 */
export class FakeLlmServer {
  readonly received: Received[] = []
  private server: Server | null = null
  private readonly sockets = new Set<import('node:net').Socket>()

  constructor(public script: (req: ChatRequest, n: number) => Reply | Promise<Reply>) {}

  get baseUrl(): string {
    const a = this.server!.address() as AddressInfo
    return `http://127.0.0.1:${a.port}/v1`
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let body = ''
      req.on('data', (c: Buffer) => (body += c.toString('utf8')))
      req.on('end', () => {
        void (async () => {
          if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
            res.writeHead(404).end('{"error":"not found"}')
            return
          }
          const request = JSON.parse(body) as ChatRequest
          this.received.push({ request, headers: req.headers, url: req.url })
          const reply = await this.script(request, this.received.length)
          if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs))
          if (res.destroyed) return
          const payload = reply.rawBody ?? JSON.stringify({ id: 'x', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: reply.content ?? '' }, finish_reason: 'stop' }] })
          res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers }).end(payload)
        })()
      })
    })
    this.server.on('connection', (s) => {
      this.sockets.add(s)
      s.on('close', () => this.sockets.delete(s))
    })
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve))
    return this
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy()
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve())
  }
}

/** fetch that refuses anything but 127.0.0.1. */
export const localOnlyFetch: typeof fetch = (input, init) => {
  const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url)
  if (url.hostname !== '127.0.0.1') throw new Error(`test tried to reach ${url.host}`)
  return fetch(input, init)
}

/** The last user message of a request (the class input). */
export function lastUser(req: ChatRequest): string {
  return [...req.messages].reverse().find((m) => m.role === 'user')!.content
}
