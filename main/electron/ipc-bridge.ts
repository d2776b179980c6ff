import { BrowserWindow, ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron'
import { parseCommand, toReply, type InvokeReply } from '../../contract'
import type { EngineConnection } from '../engine/connection'

export const INVOKE_CHANNEL = 'stdd:invoke'
export const EVENT_CHANNEL = 'stdd:event'

/**
 * Forwards the renderer's commands to the engine and the engine's events to the windows.
 * The renderer is untrusted: a message is dropped unless it comes from the top frame of one of our
 * windows showing our own page, and every payload is validated here before it reaches the engine.
 */
export class IpcBridge {
  private readonly windows = new Set<BrowserWindow>()
  private readonly unsubscribe: () => void

  constructor(
    private readonly engine: EngineConnection,
    /** Whether a frame URL is our renderer (app://stdd, or the dev server). */
    private readonly isTrustedUrl: (url: string) => boolean,
  ) {
    ipcMain.handle(INVOKE_CHANNEL, (event, command: unknown, input: unknown) => this.handleInvoke(event, command, input))
    this.unsubscribe = engine.onEvent((name, payload) => {
      for (const win of this.windows) if (!win.isDestroyed()) win.webContents.send(EVENT_CHANNEL, name, payload)
    })
  }

  addWindow(win: BrowserWindow): void {
    this.windows.add(win)
    win.on('closed', () => this.windows.delete(win))
  }

  isTrustedSender(event: IpcMainInvokeEvent): boolean {
    const win = BrowserWindow.fromWebContents(event.sender as WebContents)
    if (!win || !this.windows.has(win)) return false
    const frame = event.senderFrame
    if (!frame || frame !== event.sender.mainFrame) return false
    return this.isTrustedUrl(frame.url)
  }

  async handleInvoke(event: IpcMainInvokeEvent, command: unknown, input: unknown): Promise<InvokeReply> {
    if (!this.isTrustedSender(event)) {
      return { ok: false, error: { code: 'invalid_input', message: 'message refused: it does not come from an STDD Explorer window' } }
    }
    try {
      const parsed = parseCommand(String(command), input)
      return { ok: true, value: await this.engine.invoke(parsed.command, parsed.input) }
    } catch (err) {
      return toReply(err)
    }
  }

  dispose(): void {
    ipcMain.removeHandler(INVOKE_CHANNEL)
    this.unsubscribe()
  }
}
