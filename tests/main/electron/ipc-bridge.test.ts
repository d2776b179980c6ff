import { beforeEach, describe, expect, it, vi } from 'vitest'
import { BrowserWindow, ipcHandlers, MockWebContents } from '../../mocks/electron'
import { IpcBridge, EVENT_CHANNEL, INVOKE_CHANNEL } from '../../../main/electron/ipc-bridge'
import type { EngineConnection } from '../../../main/engine/connection'
import type { EventName } from '../../../contract'
import type { BrowserWindow as ElectronWindow, IpcMainInvokeEvent } from 'electron'

const APP_URL = 'file:///app/out/renderer/index.html'

function fakeEngine(): EngineConnection & { emit(e: EventName, p: unknown): void } {
  const listeners = new Set<(e: EventName, p: unknown) => void>()
  return {
    invoke: vi.fn(async (command: string, input: unknown) => ({ command, input })),
    onEvent: (l) => {
      listeners.add(l)
      return () => listeners.delete(l)
    },
    close: async () => undefined,
    emit: (e, p) => listeners.forEach((l) => l(e, p)),
  }
}

function eventFrom(wc: MockWebContents, frame: { url: string } | null = wc.mainFrame): IpcMainInvokeEvent {
  return { sender: wc, senderFrame: frame } as unknown as IpcMainInvokeEvent
}

let engine: ReturnType<typeof fakeEngine>
let bridge: IpcBridge
let win: BrowserWindow

beforeEach(() => {
  ipcHandlers.clear()
  BrowserWindow.all.length = 0
  engine = fakeEngine()
  bridge = new IpcBridge(engine, (url) => url.startsWith('file:///app/out/renderer/'))
  win = new BrowserWindow()
  bridge.addWindow(win as unknown as ElectronWindow)
})

describe('the IPC bridge', () => {
  it('registers one invoke handler and removes it on dispose', () => {
    expect(ipcHandlers.has(INVOKE_CHANNEL)).toBe(true)
    bridge.dispose()
    expect(ipcHandlers.has(INVOKE_CHANNEL)).toBe(false)
  })

  it('forwards a valid command from our window to the engine, with defaults filled in', async () => {
    const reply = await ipcHandlers.get(INVOKE_CHANNEL)!(eventFrom(win.webContents), 'runs.list', { status: ['done'] })
    expect(reply).toEqual({ ok: true, value: { command: 'runs.list', input: { status: ['done'], limit: 500 } } })
  })

  it('refuses messages from unknown senders, sub-frames and foreign pages without reaching the engine', async () => {
    const stranger = new MockWebContents(APP_URL) // a webContents that is not one of our windows
    const iframe = { url: APP_URL }
    const foreign = new BrowserWindow()
    ;(foreign.webContents.mainFrame as { url: string }).url = 'https://evil.example/'
    bridge.addWindow(foreign as unknown as ElectronWindow)
    for (const ev of [eventFrom(stranger), eventFrom(win.webContents, iframe), eventFrom(foreign.webContents)]) {
      const reply = (await bridge.handleInvoke(ev, 'experiments.list', {})) as { ok: boolean; error?: { message: string } }
      expect(reply.ok).toBe(false)
      expect(reply.error?.message).toMatch(/does not come from an STDD Explorer window/)
    }
    expect(engine.invoke).not.toHaveBeenCalled()
  })

  it('answers a malformed payload with the field at fault and never forwards it', async () => {
    const reply = await bridge.handleInvoke(eventFrom(win.webContents), 'runs.get', { id: 'seven' })
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid_input', issues: [{ path: 'id' }] } })
    const unknown = await bridge.handleInvoke(eventFrom(win.webContents), 'fs.readFile', { path: '/etc/passwd' })
    expect(unknown).toMatchObject({ ok: false, error: { code: 'unknown_command' } })
    expect(engine.invoke).not.toHaveBeenCalled()
  })

  it('pushes engine events to its windows', () => {
    engine.emit('log', { seq: 1 })
    expect(win.webContents.sent).toEqual([[EVENT_CHANNEL, 'log', { seq: 1 }]])
  })
})
