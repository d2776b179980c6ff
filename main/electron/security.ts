import { shell, type App, type Session, type WebContents } from 'electron'
import { isAllowedExternalUrl } from './external-links'
import { WINDOW_CSP } from './app-protocol'

/**
 * App-wide guards of the desktop face, installed once: every response carries the window's CSP
 * header, every permission is denied, and every web contents (the window, or anything a page might
 * open) can neither open windows, navigate away from our page, nor attach a <webview>.
 */

/** Whether a URL is our own page: the `app://stdd` origin, or the dev server (`electron-vite dev`). */
export function trustedUrlCheck(pageUrl: string): (url: string) => boolean {
  const page = new URL(pageUrl)
  return (url) => {
    if (!URL.canParse(url)) return false
    const u = new URL(url)
    return u.protocol !== 'file:' && u.protocol === page.protocol && u.host === page.host
  }
}

type HeaderMap = Record<string, string[] | string>

/** The response headers with our CSP in place of any other (header names are case-insensitive). */
export function withWindowCsp(headers: HeaderMap | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const [k, v] of Object.entries(headers ?? {})) if (k.toLowerCase() !== 'content-security-policy') out[k] = Array.isArray(v) ? v : [v]
  out['Content-Security-Policy'] = [WINDOW_CSP]
  return out
}

export function installSessionGuards(session: Session): void {
  session.webRequest.onHeadersReceived((details, callback) => callback({ responseHeaders: withWindowCsp(details.responseHeaders) }))
  session.setPermissionCheckHandler(() => false)
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
}

/** New windows are denied; a link to an allow-listed site (external-links.ts) opens in the system browser instead. */
export function openExternallyOrDeny({ url }: { url: string }): { action: 'deny' } {
  if (isAllowedExternalUrl(url)) void shell.openExternal(url)
  return { action: 'deny' }
}

export function guardWebContents(contents: WebContents, trusted: (url: string) => boolean): void {
  contents.setWindowOpenHandler(openExternallyOrDeny)
  const stayHome = (event: { preventDefault(): void }, url: string): void => {
    if (!trusted(url)) event.preventDefault()
  }
  contents.on('will-navigate', stayHome)
  contents.on('will-redirect', stayHome)
  contents.on('will-attach-webview', (event) => event.preventDefault())
}

export function guardAllWebContents(app: App, trusted: (url: string) => boolean): void {
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, trusted))
}
