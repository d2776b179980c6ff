import { beforeEach, describe, expect, it } from 'vitest'
import { app, appListeners, MockSession, MockWebContents, shell } from '../../mocks/electron'
import { guardAllWebContents, installSessionGuards, trustedUrlCheck, withWindowCsp } from '../../../main/electron/security'
import { WINDOW_CSP } from '../../../main/electron/app-protocol'
import type { App, Session } from 'electron'

beforeEach(() => {
  appListeners.clear()
  shell.openExternal.mockClear()
})

describe('the session guards', () => {
  it('put the window CSP header on every response, replacing any other, with no ws:', () => {
    const s = new MockSession()
    installSessionGuards(s as unknown as Session)
    expect(s.headersListener).not.toBeNull()
    let answered: { responseHeaders?: Record<string, string[]> } | null = null
    s.headersListener!({ url: 'app://stdd/index.html', responseHeaders: { 'content-security-policy': ["default-src *"], 'Content-Type': ['text/html'] } }, (r) => (answered = r))
    expect(answered!.responseHeaders).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': [WINDOW_CSP] })
    expect(WINDOW_CSP).toContain("script-src 'self'")
    expect(WINDOW_CSP).toContain("connect-src 'self';")
    expect(WINDOW_CSP).not.toMatch(/ws:|wss:|\*/)
    expect(withWindowCsp(undefined)).toEqual({ 'Content-Security-Policy': [WINDOW_CSP] })
  })

  it('deny every permission check and request', () => {
    const s = new MockSession()
    installSessionGuards(s as unknown as Session)
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read']) {
      expect(s.permissionCheck!(null, permission, 'app://stdd', {})).toBe(false)
      let granted: boolean | null = null
      s.permissionRequest!(null, permission, (g) => (granted = g))
      expect(granted).toBe(false)
    }
  })
})

describe('every web contents the app creates', () => {
  function created(): MockWebContents {
    guardAllWebContents(app as unknown as App, trustedUrlCheck('app://stdd/index.html'))
    const contents = new MockWebContents('app://stdd/index.html')
    for (const l of appListeners.get('web-contents-created') ?? []) l({}, contents)
    return contents
  }
  const event = (): { prevented: boolean; preventDefault(): void } => ({ prevented: false, preventDefault() { this.prevented = true } })

  it('is guarded from web-contents-created: windows denied, only allow-listed https sites opened externally (issue 19, F8)', () => {
    const contents = created()
    expect(contents.windowOpenHandler!({ url: 'https://arxiv.org/abs/2412.09895' })).toEqual({ action: 'deny' })
    expect(shell.openExternal).toHaveBeenCalledWith('https://arxiv.org/abs/2412.09895')
    for (const url of ['file:///etc/passwd', 'http://evil.example/', 'https://evil.example/', 'https://arxiv.org.evil.example/', 'https://user@arxiv.org/', 'https://arxiv.org:8443/', 'smb://host/share', 'javascript:alert(1)']) {
      expect(contents.windowOpenHandler!({ url })).toEqual({ action: 'deny' })
    }
    expect(shell.openExternal).toHaveBeenCalledTimes(1)
  })

  it('cannot navigate or redirect away from our page, nor attach a webview', () => {
    const contents = created()
    for (const name of ['will-navigate', 'will-redirect']) {
      const away = event()
      contents.emit(name, away, 'https://evil.example/')
      expect(away.prevented, name).toBe(true)
      const home = event()
      contents.emit(name, home, 'app://stdd/index.html#/runs')
      expect(home.prevented, name).toBe(false)
    }
    const webview = event()
    contents.emit('will-attach-webview', webview, {}, { src: 'app://stdd/index.html' })
    expect(webview.prevented).toBe(true)
  })
})

describe('our page', () => {
  it('is the app://stdd origin or the dev server, never file://', () => {
    const packaged = trustedUrlCheck('app://stdd/index.html')
    expect(packaged('app://stdd/assets/x.js')).toBe(true)
    expect(packaged('app://other/index.html')).toBe(false)
    expect(packaged('file:///app/out/renderer/index.html')).toBe(false)
    expect(packaged('https://stdd/')).toBe(false)
    expect(packaged('not a url')).toBe(false)
    const dev = trustedUrlCheck('http://localhost:5173/')
    expect(dev('http://localhost:5173/index.html')).toBe(true)
    expect(dev('http://localhost:5174/')).toBe(false)
  })
})
