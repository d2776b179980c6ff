import { mkdirSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startInProcessEngine } from '../../../main/engine/in-process'
import { startServer, type RunningServer } from '../../../main/server/http-server'
import { tempDir } from '../../helpers/temp-dir'

/**
 * A bounded fuzz test of `stdd serve` on 127.0.0.1: a fixed number of malformed requests (targets,
 * percent-encodings, methods, headers, bodies, WebSocket upgrades, unicode), each given a short time,
 * must neither throw in the process nor stop the server from answering afterwards.
 */

const CASES = 240
const PER_CASE_MS = 400
const PARALLEL = 16

let dir: ReturnType<typeof tempDir>
let server: RunningServer
let closeEngine: () => Promise<void>
const uncaught: unknown[] = []
const recordUncaught = (err: unknown): void => void uncaught.push(err)

beforeAll(async () => {
  dir = tempDir()
  const ui = join(dir.path, 'renderer')
  mkdirSync(ui, { recursive: true })
  writeFileSync(join(ui, 'index.html'), '<!doctype html><title>STDD</title>')
  const engine = await startInProcessEngine({ dataDir: join(dir.path, 'data'), withoutTf: true })
  closeEngine = engine.close
  server = await startServer({ engine, rendererDir: ui })
  process.on('uncaughtException', recordUncaught)
  process.on('unhandledRejection', recordUncaught)
})
afterAll(async () => {
  process.off('uncaughtException', recordUncaught)
  process.off('unhandledRejection', recordUncaught)
  await server.close()
  await closeEngine()
  dir.remove()
})

/** A small seeded generator, so a failing case can be replayed. */
function generator(seed: number): { int(n: number): number; pick<T>(xs: readonly T[]): T } {
  let s = seed >>> 0
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return { int: (n) => Math.floor(next() * n), pick: (xs) => xs[Math.floor(next() * xs.length)]! }
}

const TARGETS = ['/', '/%', '/%%', '/%zz', '/%E0%A4%A', '/%c0%af', '/api/invoke', '/api/%', '/api/invoke?token=%', '/ws', '/ws?%',
  '//evil.example/', '/..%2f..%2fetc/passwd', '/%00', '/\u00e9\u4e2d', '/\ud83d\ude00', 'http://[', 'http://x:99999/', '*', '', '/' + 'a'.repeat(9000),
  '/?token=%', '/?token=' + '%ff'.repeat(50), '/index.html?\u0000']
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH', 'CONNECT', 'TRACE', 'BREW', 'G\u00c9T', '', 'GET GET']
const HEADER_SETS = [
  (t: string, port: number) => [`Host: 127.0.0.1:${port}`, `Authorization: Bearer ${t}`],
  (_t: string, port: number) => [`Host: 127.0.0.1:${port}`],
  () => ['Host: evil.example'],
  (t: string, port: number) => [`Host: 127.0.0.1:${port}`, `Cookie: stdd_token_${port}=${t}; =; ;;=x`],
  (t: string, port: number) => [`Host: 127.0.0.1:${port}`, `Authorization: Bearer ${t}`, 'Content-Length: 12', 'Content-Length: 99'],
  (t: string, port: number) => [`Host: 127.0.0.1:${port}`, `Authorization: Bearer ${t}`, 'Transfer-Encoding: chunked', 'Content-Length: 5'],
  (t: string, port: number) => [`Host: 127.0.0.1:${port}`, `Authorization: Bearer ${t}`, 'Content-Length: -1'],
  (t: string, port: number) => [`Host: 127.0.0.1:${port}`, `Authorization: Bearer ${t}`, 'Content-Length: 99999999999'],
  (t: string, port: number) => [`Host: 127.0.0.1:${port}`, `Authorization: Bearer ${t}`, 'X-Bad\u0000Header: 1', 'Origin: null'],
  (t: string, port: number) => [`Host: 127.0.0.1:${port}`, `Authorization: Bearer ${t}`, 'Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Key: !!', 'Sec-WebSocket-Version: 99'],
  (t: string, port: number) => [`Host: 127.0.0.1:${port}`, `Authorization: Bearer ${t}`, 'Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version: 13'],
  (_t: string, port: number) => [`Host: 127.0.0.1:${port}`, 'Upgrade: websocket', 'Connection: Upgrade'],
  (t: string, port: number) => [`Host: 127.0.0.1:${port}`, `Authorization: Bearer ${t}`, `X-Long: ${'y'.repeat(20000)}`],
  (t: string, port: number) => [`Host: 127.0.0.1:${port}`, `Authorization: Bearer ${t}`, 'Content-Type: application/json; charset=\u00ff'],
  () => ['no colon here', 'Host'],
]
const BODIES = ['', '{', '{"command":"runs.get","input":{"id":"x"}}', '{"command":"nope"}', '[]', 'null', '"\ud800"', '{"command":"experiments.list","input":{}}',
  '5\r\nhello\r\n0\r\n\r\n', 'zz\r\nbad chunk\r\n', '\u0000\u0001\u0002', '{"command":' + '['.repeat(5000), '\ud83d\ude00'.repeat(100)]
/** Garbage after a successful upgrade: bytes that are not WebSocket frames, or frames with bad payloads. */
const FRAMES = [Buffer.from([0x81, 0x85, 1, 2, 3, 4, 0x7a, 0x67, 0x6f, 0x68, 0x6e]), Buffer.from([0xff, 0xff, 0xff]), Buffer.from([0x81, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), Buffer.from('GET / HTTP/1.1\r\n\r\n')]

function rawRequest(bytes: Buffer, extra: Buffer | null): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    const socket = connect(server.port, '127.0.0.1')
    const finish = (): void => {
      clearTimeout(timer)
      socket.destroy()
      resolve(Buffer.concat(chunks).toString('latin1'))
    }
    const timer = setTimeout(finish, PER_CASE_MS)
    socket.on('connect', () => {
      socket.write(bytes)
      if (extra) setTimeout(() => socket.writable && socket.write(extra), 20)
    })
    socket.on('data', (c: Buffer) => chunks.push(c))
    socket.on('error', finish)
    socket.on('close', finish)
  })
}

/** Every target, sent well-formed and authorised, as a page GET, an API POST and a socket upgrade. */
function sweepCases(): { bytes: Buffer; extra: Buffer | null }[] {
  const auth = `Host: 127.0.0.1:${server.port}\r\nAuthorization: Bearer ${server.token}`
  const upgrade = 'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13'
  return TARGETS.flatMap((t) => [
    { bytes: Buffer.from(`GET ${t} HTTP/1.1\r\n${auth}\r\n\r\n`), extra: null },
    { bytes: Buffer.from(`POST ${t} HTTP/1.1\r\n${auth}\r\nContent-Length: 2\r\n\r\n{}`), extra: null },
    { bytes: Buffer.from(`GET ${t} HTTP/1.1\r\n${auth}\r\n${upgrade}\r\n\r\n`), extra: FRAMES[0]! },
  ])
}

function fuzzCase(seed: number): { bytes: Buffer; extra: Buffer | null } {
  const g = generator(seed)
  const headers = g.pick(HEADER_SETS)(server.token, server.port)
  const body = g.pick(BODIES)
  const line = `${g.pick(METHODS)} ${g.pick(TARGETS)} ${g.pick(['HTTP/1.1', 'HTTP/1.0', 'HTTP/9.9', 'JUNK'])}`
  const head = [line, ...headers, ...(g.int(2) ? [`Content-Length: ${Buffer.byteLength(body)}`] : [])].join('\r\n')
  return { bytes: Buffer.from(`${head}\r\n\r\n${body}`, g.pick(['utf8', 'latin1'] as const)), extra: g.int(3) === 0 ? g.pick(FRAMES) : null }
}

async function stillAnswers(): Promise<void> {
  expect(uncaught).toEqual([])
  const page = await fetch(`http://127.0.0.1:${server.port}/`, { headers: { Authorization: `Bearer ${server.token}` } })
  expect(page.status).toBe(200)
  const api = await fetch(`http://127.0.0.1:${server.port}/api/invoke`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${server.token}` },
    body: JSON.stringify({ command: 'experiments.list', input: {} }),
  })
  expect(await api.json()).toMatchObject({ ok: true })
}

describe('no request brings stdd serve down', () => {
  it(`survives every malformed target and ${CASES} random malformed requests, and still answers`, async () => {
    const cases = [...sweepCases(), ...Array.from({ length: CASES }, (_, i) => fuzzCase(1000 + i))]
    const answers: string[] = []
    for (let start = 0; start < cases.length; start += PARALLEL) {
      answers.push(...(await Promise.all(cases.slice(start, start + PARALLEL).map((c) => rawRequest(c.bytes, c.extra)))))
    }
    // Nothing answered with a 5xx: every malformed request got a 4xx (or an orderly close).
    expect(answers.filter((a) => /^HTTP\/1\.1 5\d\d/.test(a))).toEqual([])
    expect(answers.some((a) => a.startsWith('HTTP/1.1 400'))).toBe(true)
    await stillAnswers()
  })

  it('answers GET /% with 400, with or without the token', async () => {
    const withToken = await rawRequest(Buffer.from(`GET /% HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nAuthorization: Bearer ${server.token}\r\n\r\n`), null)
    expect(withToken).toMatch(/^HTTP\/1\.1 400/)
    const without = await rawRequest(Buffer.from(`GET /% HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`), null)
    expect(without).toMatch(/^HTTP\/1\.1 400/)
    await stillAnswers()
  })
})
