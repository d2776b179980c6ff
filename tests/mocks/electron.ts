import { EventEmitter } from 'node:events'
import { vi } from 'vitest'

/** The one mock of `electron`, registered for every main-process test in tests/setup.ts. */

type Handler = (event: unknown, ...args: unknown[]) => unknown
export const ipcHandlers = new Map<string, Handler>()

export const ipcMain = {
  handle: vi.fn((channel: string, handler: Handler) => {
    if (ipcHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`)
    ipcHandlers.set(channel, handler)
  }),
  removeHandler: vi.fn((channel: string) => ipcHandlers.delete(channel)),
}

type HeadersListener = (details: { url: string; responseHeaders?: Record<string, string[]> }, callback: (r: { responseHeaders?: Record<string, string[]> }) => void) => void

/** A session: records what the app installs on it, so tests can call the handlers. */
export class MockSession {
  headersListener: HeadersListener | null = null
  permissionCheck: ((...args: unknown[]) => boolean) | null = null
  permissionRequest: ((wc: unknown, permission: string, callback: (granted: boolean) => void) => void) | null = null
  readonly webRequest = { onHeadersReceived: vi.fn((l: HeadersListener) => void (this.headersListener = l)) }
  readonly setPermissionCheckHandler = vi.fn((h: (...args: unknown[]) => boolean) => void (this.permissionCheck = h))
  readonly setPermissionRequestHandler = vi.fn((h: MockSession['permissionRequest']) => void (this.permissionRequest = h))
}

export class MockWebContents extends EventEmitter {
  readonly sent: unknown[][] = []
  readonly mainFrame: { url: string }
  readonly session = new MockSession()
  windowOpenHandler: ((d: { url: string }) => { action: string }) | null = null
  constructor(url = 'file:///app/out/renderer/index.html') {
    super()
    this.mainFrame = { url }
  }
  send(...args: unknown[]): void {
    this.sent.push(args)
  }
  setWindowOpenHandler(h: (d: { url: string }) => { action: string }): void {
    this.windowOpenHandler = h
  }
}

export class BrowserWindow extends EventEmitter {
  static readonly all: BrowserWindow[] = []
  readonly webContents: MockWebContents
  readonly options: Record<string, unknown>
  loaded: string | null = null
  constructor(options: Record<string, unknown> = {}) {
    super()
    this.options = options
    this.webContents = new MockWebContents()
    BrowserWindow.all.push(this)
  }
  static fromWebContents(wc: unknown): BrowserWindow | null {
    return BrowserWindow.all.find((w) => w.webContents === wc) ?? null
  }
  static getAllWindows(): BrowserWindow[] {
    return BrowserWindow.all
  }
  isDestroyed(): boolean {
    return false
  }
  loadFile(file: string): Promise<void> {
    this.loaded = file
    return Promise.resolve()
  }
  loadURL(url: string): Promise<void> {
    this.loaded = url
    return Promise.resolve()
  }
  show(): void {}
}

export const shell = { openExternal: vi.fn(() => Promise.resolve()) }
/** Listeners the code under test registered with `app.on`, by event. */
export const appListeners = new Map<string, ((...args: unknown[]) => void)[]>()
export const app = {
  isPackaged: false,
  whenReady: vi.fn(() => Promise.resolve()),
  getPath: vi.fn(() => '/tmp/stdd-electron'),
  on: vi.fn((event: string, listener: (...args: unknown[]) => void) => void appListeners.set(event, [...(appListeners.get(event) ?? []), listener])),
  enableSandbox: vi.fn(),
  exit: vi.fn(),
}
export const protocol = { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() }
export const session = { defaultSession: new MockSession() }
export const utilityProcess = { fork: vi.fn() }
export const contextBridge = { exposeInMainWorld: vi.fn() }
export const ipcRenderer = { invoke: vi.fn(), on: vi.fn() }

export default { ipcMain, BrowserWindow, shell, app, protocol, session, utilityProcess, contextBridge, ipcRenderer }
