import { beforeEach, describe, expect, it } from 'vitest'
import { BrowserWindow, shell } from '../../mocks/electron'
import { createMainWindow, trustedUrlCheck } from '../../../main/electron/window'

beforeEach(() => {
  BrowserWindow.all.length = 0
})

describe('the main window', () => {
  it('runs the page isolated and sandboxed, without Node', () => {
    const win = createMainWindow({ preload: '/app/out/preload/index.cjs', page: { file: '/app/out/renderer/index.html' } }) as unknown as BrowserWindow
    expect(win.options.webPreferences).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    })
    expect(win.loaded).toBe('/app/out/renderer/index.html')
  })

  it('denies new windows and opens only https links externally; blocks navigation away', () => {
    const win = createMainWindow({ preload: 'p', page: { file: '/app/out/renderer/index.html' } }) as unknown as BrowserWindow
    expect(win.webContents.windowOpenHandler!({ url: 'https://arxiv.org/abs/2412.09895' })).toEqual({ action: 'deny' })
    expect(shell.openExternal).toHaveBeenCalledWith('https://arxiv.org/abs/2412.09895')
    expect(win.webContents.windowOpenHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' })
    expect(shell.openExternal).toHaveBeenCalledTimes(1)
    let prevented = false
    win.webContents.emit('will-navigate', { preventDefault: () => (prevented = true) }, 'https://evil.example/')
    expect(prevented).toBe(true)
  })

  it('trusts only its own renderer folder or dev server', () => {
    const file = trustedUrlCheck({ preload: 'p', page: { file: '/app/out/renderer/index.html' } })
    expect(file('file:///app/out/renderer/index.html')).toBe(true)
    expect(file('file:///app/out/other/index.html')).toBe(false)
    expect(file('https://example.com/')).toBe(false)
    const dev = trustedUrlCheck({ preload: 'p', page: { url: 'http://localhost:5173/' } })
    expect(dev('http://localhost:5173/index.html')).toBe(true)
    expect(dev('http://localhost:5174/')).toBe(false)
  })
})
