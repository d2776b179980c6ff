/** Electron main: the desktop face. Opens the window, starts the engine process, bridges IPC. */
import { app, BrowserWindow } from 'electron'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { startUtilityEngine } from './electron/engine-process'
import { IpcBridge } from './electron/ipc-bridge'
import { createMainWindow, trustedUrlCheck, type WindowPaths } from './electron/window'
import { parseBackendName } from './engine/tf/backend'

/** Electron cannot load the Node-ABI better-sqlite3 that tests use: packaging puts an Electron build here. */
function electronSqliteBinding(): string | undefined {
  const candidate = process.env.STDD_SQLITE_BINDING ?? join(process.resourcesPath, 'native', 'better_sqlite3.node')
  return existsSync(candidate) ? candidate : undefined
}

function backendFromArgs(): ReturnType<typeof parseBackendName> | undefined {
  const arg = process.argv.find((a) => a.startsWith('--backend='))
  const value = arg?.slice('--backend='.length) ?? process.env.STDD_BACKEND
  return value ? parseBackendName(value, arg ? '--backend' : 'STDD_BACKEND') : undefined
}

async function start(): Promise<void> {
  await app.whenReady()
  const paths: WindowPaths = {
    preload: join(__dirname, '../preload/index.cjs'),
    page: process.env.ELECTRON_RENDERER_URL ? { url: process.env.ELECTRON_RENDERER_URL } : { file: join(__dirname, '../renderer/index.html') },
  }
  const sqliteBinding = electronSqliteBinding()
  const backend = backendFromArgs()
  const engine = await startUtilityEngine(join(__dirname, 'engine-host.js'), {
    dataDir: app.getPath('userData'),
    autoRun: true,
    ...(backend ? { backend } : {}),
    ...(sqliteBinding ? { sqliteBinding } : {}),
  })
  const bridge = new IpcBridge(engine, trustedUrlCheck(paths))
  const open = (): void => bridge.addWindow(createMainWindow(paths))
  open()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) open()
  })
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
  app.on('will-quit', () => {
    bridge.dispose()
    void engine.close()
  })
}

app.enableSandbox()
start().catch((err: unknown) => {
  console.error('STDD Explorer could not start:', err)
  app.exit(1)
})
