import { BrowserWindow } from 'electron'

export interface WindowPaths {
  preload: string
  /** `app://stdd/index.html`, or the dev server URL under `electron-vite dev`. */
  pageUrl: string
}

/**
 * The one application window: context isolation and the sandbox on, no Node in the page. Navigation,
 * new windows and permissions are guarded app-wide (see `security.ts`).
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
      webviewTag: false,
      spellcheck: false,
    },
  })
  win.once('ready-to-show', () => win.show())
  void win.loadURL(paths.pageUrl)
  return win
}
