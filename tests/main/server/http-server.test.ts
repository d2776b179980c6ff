import { request } from 'node:http'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { startInProcessEngine } from '../../../main/engine/in-process'
import { startServer, type RunningServer } from '../../../main/server/http-server'
import { writeFakeUi } from '../../helpers/fake-ui'
import { tempDir } from '../../helpers/temp-dir'

let dir: ReturnType<typeof tempDir>
let server: RunningServer
let closeEngine: () => Promise<void>

beforeAll(async () => {
  dir = tempDir()
  const ui = writeFakeUi(dir.path)
  const engine = await startInProcessEngine({ dataDir: join(dir.path, 'data'), withoutTf: true })
  closeEngine = engine.close
  server = await startServer({ engine, rendererDir: ui })
})
afterAll(async () => {
  await server.close()
  await closeEngine()
  dir.remove()
})

interface Reply {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

function http(path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      let body = ''
      res.on('data', (c: Buffer) => (body += c.toString()))
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end(opts.body)
  })
}

const bearer = (): Record<string, string> => ({ Authorization: `Bearer ${server.token}` })

function invoke(command: string, input: unknown): Promise<Reply> {
  return http('/api/invoke', { method: 'POST', headers: { ...bearer(), 'Content-Type': 'application/json' }, body: JSON.stringify({ command, input }) })
}

function openSocket(headers: Record<string, string>): Promise<WebSocket> {
  return openSocketAt('/ws', headers)
}

function openSocketAt(path: string, headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}${path}`, { headers })
    ws.once('open', () => resolve(ws))
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
    ws.once('error', reject)
  })
}

describe('stdd serve', () => {
  it('listens on 127.0.0.1 only', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`)
  })

  it('refuses requests without the token', async () => {
    for (const path of ['/', '/index.html', '/assets/app.js']) {
      const r = await http(path)
      expect(r.status).toBe(401)
      expect(r.body).toMatch(/token/)
    }
    const r = await http('/api/invoke', { method: 'POST', body: '{"command":"experiments.list","input":{}}' })
    expect(r.status).toBe(401)
    expect((await http('/', { headers: { Authorization: 'Bearer wrong' } })).status).toBe(401)
    expect((await http('/?token=wrong')).status).toBe(401)
  })

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const r = await http('/', { headers: { ...bearer(), Host: 'evil.example:80' } })
    expect(r.status).toBe(403)
  })

  it('trades the ?token= of the printed URL for an HttpOnly cookie, which then opens the UI', async () => {
    const r = await http(`/?token=${server.token}`)
    expect(r.status).toBe(303)
    const cookie = String(r.headers['set-cookie']).split(';')[0]!
    expect(String(r.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/)
    const page = await http('/', { headers: { Cookie: cookie } })
    expect(page.status).toBe(200)
    expect(page.body).toContain('<title>STDD</title>')
    expect(page.headers['content-security-policy']).toContain("script-src 'self'")
    expect((await http('/assets/app.js', { headers: { Cookie: cookie } })).headers['content-type']).toMatch(/javascript/)
  })

  it('never serves files outside the UI folder', async () => {
    const r = await http('/../secret.txt', { headers: bearer() })
    expect(r.body).not.toContain('do not serve')
    const r2 = await http('/%2e%2e/secret.txt', { headers: bearer() })
    expect(r2.body).not.toContain('do not serve')
  })

  it('runs commands over POST /api/invoke, with malformed payloads answered 400 naming the field', async () => {
    const ok = await invoke('experiments.create', { name: 'from-http' })
    expect(ok.status).toBe(200)
    expect(JSON.parse(ok.body)).toMatchObject({ ok: true, value: { name: 'from-http' } })
    const bad = await invoke('runs.list', { limit: 'ten' })
    expect(bad.status).toBe(400)
    expect(JSON.parse(bad.body).error).toMatchObject({ code: 'invalid_input', issues: [{ path: 'limit' }] })
    const notJson = await http('/api/invoke', { method: 'POST', headers: bearer(), body: '{oops' })
    expect(notJson.status).toBe(400)
    expect(JSON.parse(notJson.body).error.message).toMatch(/not JSON/)
  })

  it('answers a malformed percent-encoding (GET /%) with 400 and keeps serving', async () => {
    for (const path of ['/%', '/%zz', '/assets/%E0%A4%A', '/api/%']) {
      const r = await http(path, { headers: bearer() })
      expect(r.status, path).toBe(400)
      expect(JSON.parse(r.body).error.message).toMatch(/percent-encoding/)
    }
    expect((await http('/', { headers: bearer() })).status).toBe(200)
  })

  it('answers a body over 1 MiB with a JSON 413, not a reset', async () => {
    const big = JSON.stringify({ command: 'experiments.create', input: { name: 'x'.repeat(1100 * 1024) } })
    const r = await http('/api/invoke', { method: 'POST', headers: { ...bearer(), 'Content-Type': 'application/json' }, body: big })
    expect(r.status).toBe(413)
    expect(JSON.parse(r.body)).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringMatching(/larger than 1048576 bytes/) } })
    expect((await invoke('experiments.list', {})).status).toBe(200)
  })

  it('accepts the token in the query only on the page URL, never on /api/*', async () => {
    const body = '{"command":"experiments.list","input":{}}'
    const r = await http(`/api/invoke?token=${server.token}`, { method: 'POST', body })
    expect(r.status).toBe(401)
    expect(JSON.parse(r.body).error.message).toMatch(/never accepted in the query/)
    await expect(openSocketAt(`/ws?token=${server.token}`, {})).rejects.toThrow('HTTP 401')
    const cookie = String((await http(`/?token=${server.token}`)).headers['set-cookie']).split(';')[0]!
    expect((await http('/api/invoke', { method: 'POST', headers: { Cookie: cookie }, body })).status).toBe(200)
    expect((await http('/api/invoke', { method: 'POST', headers: { Cookie: cookie, Origin: 'http://evil.example' }, body })).status).toBe(403)
  })

  it('redirects the token URL only to a path of this server', async () => {
    const r = await http(`/a/..//evil.example/?token=${server.token}`)
    expect(r.status).toBe(303)
    expect(r.headers.location).toBe('/evil.example/')
  })

  it('refuses sockets without the token or from another origin', async () => {
    await expect(openSocket({})).rejects.toThrow('HTTP 401')
    await expect(openSocket({ ...bearer(), Origin: 'http://evil.example' })).rejects.toThrow('HTTP 403')
  })

  it('carries commands and live events over the socket', async () => {
    const ws = await openSocket({ ...bearer(), Origin: `http://127.0.0.1:${server.port}` })
    const messages: { type: string; id?: number; event?: string; ok?: boolean; value?: unknown; error?: { code: string } }[] = []
    ws.on('message', (d) => messages.push(JSON.parse(String(d))))
    const waitFor = async (pred: (m: (typeof messages)[number]) => boolean): Promise<(typeof messages)[number]> => {
      for (let i = 0; i < 100; i++) {
        const m = messages.find(pred)
        if (m) return m
        await new Promise((r) => setTimeout(r, 20))
      }
      throw new Error('message did not arrive')
    }
    ws.send(JSON.stringify({ type: 'invoke', id: 1, command: 'experiments.list', input: {} }))
    expect(await waitFor((m) => m.id === 1)).toMatchObject({ type: 'result', ok: true })
    ws.send(JSON.stringify({ type: 'invoke', id: 2, command: 'runs.get', input: { id: -1 } }))
    expect((await waitFor((m) => m.id === 2)).error?.code).toBe('invalid_input')

    // An experiment created by another client reaches this socket as an event.
    await invoke('experiments.create', { name: 'live' })
    const event = await waitFor((m) => m.type === 'event' && m.event === 'experiments.changed')
    expect(event).toMatchObject({ payload: { name: 'live' } })
    ws.close()
  })
})
