import { protocol } from 'electron'
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { resolveUiFile, uiContentSecurityPolicy, uiContentType } from '../server/ui-files'

/**
 * The window's page is served from `app://stdd/…` (not `file://`): a standard, secure origin of its
 * own, whose handler serves only the built renderer folder, never a path outside it.
 */

export const APP_SCHEME = 'app'
export const APP_HOST = 'stdd'
export const APP_PAGE_URL = `${APP_SCHEME}://${APP_HOST}/index.html`

/** The window's Content-Security-Policy: the UI's policy with no `ws:` (the window talks over IPC only). */
export const WINDOW_CSP = uiContentSecurityPolicy()

/** Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }])
}

function plain(status: number, text: string): Response {
  return new Response(text, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' } })
}

/** The `app://` handler for a renderer folder: GET/HEAD of files under it, with the window's CSP. */
export function appProtocolHandler(rendererDir: string): (request: Request) => Promise<Response> {
  const root = resolve(rendererDir)
  return async (request) => {
    let url: URL
    try {
      url = new URL(request.url)
    } catch {
      return plain(400, 'bad request')
    }
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return plain(404, 'not found')
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'method not allowed')
    // The raw path (before URL normalisation removed any "..") is checked too: a traversal is refused, never resolved.
    const raw = request.url.slice(`${APP_SCHEME}://${APP_HOST}`.length).split(/[?#]/)[0] ?? '/'
    if (/(^|[/\\])\.\.([/\\]|$)/.test(safeDecode(raw))) return plain(403, 'forbidden')
    const found = resolveUiFile(root, url.pathname)
    if (!found) return plain(404, 'not found')
    const body = request.method === 'HEAD' ? null : await readFile(found.file)
    return new Response(body, {
      status: 200,
      headers: { 'Content-Type': uiContentType(found.file), 'Content-Security-Policy': WINDOW_CSP, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache' },
    })
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

/** Must run once the app is ready. */
export function installAppProtocol(rendererDir: string): void {
  protocol.handle(APP_SCHEME, appProtocolHandler(rendererDir))
}
