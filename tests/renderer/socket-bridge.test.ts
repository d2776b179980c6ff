import { afterEach, describe, expect, it } from 'vitest'
import { createSocketBridge, type SocketState } from '../../renderer/api/socket-bridge'

class FakeSocket {
  static OPEN = 1
  static instances: FakeSocket[] = []
  readyState = 0
  sent: string[] = []
  onopen: (() => void) | null = null
  onmessage: ((e: { data: string }) => void) | null = null
  onclose: (() => void) | null = null
  constructor(readonly url: string) {
    FakeSocket.instances.push(this)
  }
  send(d: string): void {
    this.sent.push(d)
  }
  open(): void {
    this.readyState = 1
    this.onopen?.()
  }
  serverSends(m: unknown): void {
    this.onmessage?.({ data: JSON.stringify(m) })
  }
  drop(): void {
    this.readyState = 3
    this.onclose?.()
  }
}

const original = globalThis.WebSocket
afterEach(() => {
  globalThis.WebSocket = original
  FakeSocket.instances = []
})

describe('window.api over the WebSocket', () => {
  it('matches replies to requests, delivers events, and fails requests cut off by a lost connection', async () => {
    globalThis.WebSocket = FakeSocket as unknown as typeof WebSocket
    const states: SocketState[] = []
    const api = createSocketBridge('ws://127.0.0.1:1/ws', (s) => states.push(s))
    const ws = FakeSocket.instances[0]!
    ws.open()
    const events: unknown[] = []
    api.on('log', (p) => events.push(p))

    const reply = api.invoke('experiments.list', {})
    await Promise.resolve()
    await Promise.resolve()
    const sent = JSON.parse(ws.sent[0]!) as { id: number; command: string }
    expect(sent).toMatchObject({ type: 'invoke', command: 'experiments.list', input: {} })
    ws.serverSends({ type: 'result', id: sent.id, ok: true, value: [{ id: 1 }] })
    expect(await reply).toEqual({ ok: true, value: [{ id: 1 }] })

    ws.serverSends({ type: 'event', event: 'log', payload: { seq: 9 } })
    expect(events).toEqual([{ seq: 9 }])

    const bad = api.invoke('runs.get', { id: 1 })
    await Promise.resolve()
    await Promise.resolve()
    const id2 = (JSON.parse(ws.sent[1]!) as { id: number }).id
    ws.serverSends({ type: 'result', id: id2, ok: false, error: { code: 'not_found', message: 'run 1 does not exist' } })
    expect(await bad).toEqual({ ok: false, error: { code: 'not_found', message: 'run 1 does not exist' } })

    const cut = api.invoke('runs.list', {})
    await Promise.resolve()
    await Promise.resolve()
    ws.drop()
    expect(await cut).toMatchObject({ ok: false, error: { code: 'unavailable' } })
    expect(states).toEqual(['connecting', 'open', 'closed'])
  })
})
