/** Electron main: the desktop face. Opens the window, starts the engine process, bridges IPC. */
import { app, BrowserWindow, session } from 'electron'
import { join } from 'node:path'
import { installAppProtocol, registerAppScheme } from './electron/app-protocol'
import { startUtilityEngine } from './electron/engine-process'
import { SupervisedEngine } from './engine/supervised-engine'
import { IpcBridge } from './electron/ipc-bridge'
import { pageUrl, rendererDir, sqliteBinding, type LaunchContext } from './electron/launch-config'
import { guardAllWebContents, installSessionGuards, trustedUrlCheck } from './electron/security'
import { createMainWindow, type WindowPaths } from './electron/window'
import { parseBackendName } from '../contract/vocabulary'

function backendFromArgs(): ReturnType<typeof parseBackendName> | undefined {
  const arg = process.argv.find((a) => a.startsWith('--backend='))
  const value = arg?.slice('--backend='.length) ?? process.env.STDD_BACKEND
  return value ? parseBackendName(value, arg ? '--backend' : 'STDD_BACKEND') : undefined
}

async function start(): Promise<void> {
  const launch: LaunchContext = { isPackaged: app.isPackaged, env: process.env, mainDir: __dirname, resourcesPath: process.resourcesPath }
  const paths: WindowPaths = { preload: join(__dirname, '../preload/index.cjs'), pageUrl: pageUrl(launch) }
  const trusted = trustedUrlCheck(paths.pageUrl)
  guardAllWebContents(app, trusted)
  await app.whenReady()
  installAppProtocol(rendererDir(launch))
  installSessionGuards(session.defaultSession)
  const binding = sqliteBinding(launch)
  const backend = backendFromArgs()
  // A dead engine process (an out-of-memory abort, a crashed addon) is restarted; its runs are marked interrupted.
  const engine = await SupervisedEngine.start({
    start: () =>
      startUtilityEngine(join(__dirname, 'engine-host.js'), {
        dataDir: app.getPath('userData'),
        autoRun: true,
        ...(backend ? { backend } : {}),
        ...(binding ? { sqliteBinding: binding } : {}),
      }),
    log: (line) => console.error(`STDD Explorer: ${line}`),
  })
  const bridge = new IpcBridge(engine, trusted)
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

registerAppScheme() // before the app is ready
app.enableSandbox()
start().catch((err: unknown) => {
  console.error('STDD Explorer could not start:', err)
  app.exit(1)
})
