import { BrowserWindow, shell } from 'electron'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

export interface WindowPaths {
  preload: string
  /** `out/renderer/index.html`, or the dev server URL under `electron-vite dev`. */
  page: { file: string } | { url: string }
}

/** Whether a URL is our own page: the built renderer folder, or the dev server. */
export function trustedUrlCheck(paths: WindowPaths): (url: string) => boolean {
  if ('url' in paths.page) {
    const origin = new URL(paths.page.url).origin
    return (url) => URL.canParse(url) && new URL(url).origin === origin
  }
  const root = pathToFileURL(join(paths.page.file, '..')).href + '/'
  return (url) => url.startsWith(root)
}

/**
 * The one application window: context isolation and the sandbox on, no Node in the page, no
 * navigation away from our page, no new windows (external links open in the system browser),
 * and every permission request (camera, notifications…) denied.
 */
export function createMainWindow(paths: WindowPaths): BrowserWindow {
  const win = new BrowserWindow({
    width: 1360,
    height: 860,
    minWidth: 960,
    minHeight: 600,
    show: false,
    backgroundColor: '#0f1218',
    title: 'STDD Explorer',
    webPreferences: {
      preload: paths.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
    },
  })
  const trusted = trustedUrlCheck(paths)
  win.webContents.on('will-navigate', (event, url) => {
    if (!trusted(url)) event.preventDefault()
  })
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url)
    return { action: 'deny' }
  })
  win.webContents.session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
  win.once('ready-to-show', () => win.show())
  if ('url' in paths.page) void win.loadURL(paths.page.url)
  else void win.loadFile(paths.page.file)
  return win
}
