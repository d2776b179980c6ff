import { realpathSync, statSync } from 'node:fs'
import { extname, join, normalize, sep } from 'node:path'

/** The built renderer's files, shared by the headless server and the Electron `app://` protocol. */

export const UI_CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
}

export function uiContentType(file: string): string {
  return UI_CONTENT_TYPES[extname(file)] ?? 'application/octet-stream'
}

/**
 * Content-Security-Policy of the UI. `connect` lists the extra sources the page may connect to
 * (the headless server's socket); the Electron window passes none, so it has no `ws:` at all.
 */
export function uiContentSecurityPolicy(connect: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    ["connect-src 'self'", ...connect].join(' '),
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ')
}

function isInside(root: string, file: string): boolean {
  return file === root || file.startsWith(root.endsWith(sep) ? root : root + sep)
}

/**
 * The regular file under `root` that a URL path names, or null: a malformed percent-encoding, a
 * `..` or symlink that leaves `root`, a folder or a missing file all give null (never a throw).
 */
export function resolveUiFile(root: string, urlPath: string): { file: string; size: number } | null {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath === '/' || urlPath === '' ? '/index.html' : urlPath)
  } catch {
    return null
  }
  if (decoded.includes('\0')) return null
  const file = join(root, normalize(decoded).replace(/^([/\\])+/, ''))
  if (!isInside(root, file)) return null
  try {
    const real = realpathSync(file)
    if (!isInside(realpathSync(root), real)) return null
    const st = statSync(real)
    return st.isFile() ? { file: real, size: st.size } : null
  } catch {
    return null
  }
}
