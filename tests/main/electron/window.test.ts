import { beforeEach, describe, expect, it } from 'vitest'
import { BrowserWindow } from '../../mocks/electron'
import { createMainWindow } from '../../../main/electron/window'

beforeEach(() => {
  BrowserWindow.all.length = 0
})

describe('the main window', () => {
  it('runs the page isolated and sandboxed, without Node or <webview>, loaded from app://', () => {
    const win = createMainWindow({ preload: '/app/out/preload/index.cjs', pageUrl: 'app://stdd/index.html' }) as unknown as BrowserWindow
    expect(win.options.webPreferences).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    })
    expect(win.loaded).toBe('app://stdd/index.html')
  })
})
