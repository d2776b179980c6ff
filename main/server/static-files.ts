import { createReadStream } from 'node:fs'
import type { ServerResponse } from 'node:http'
import { extname } from 'node:path'
import { resolveUiFile, uiContentSecurityPolicy, uiContentType } from './ui-files'

/** Content-Security-Policy of the served UI: the Electron window's policy, plus this server's socket. */
export function contentSecurityPolicy(port: number): string {
  return uiContentSecurityPolicy([`ws://127.0.0.1:${port}`, `ws://localhost:${port}`])
}

/** Serves a file of the built renderer; returns false when there is no such file. */
export function serveStatic(root: string, urlPath: string, res: ServerResponse, port: number): boolean {
  const found = resolveUiFile(root, urlPath)
  if (!found) return false
  res.writeHead(200, {
    'Content-Type': uiContentType(found.file),
    'Content-Length': found.size,
    'Content-Security-Policy': contentSecurityPolicy(port),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': extname(found.file) === '.html' ? 'no-store' : 'private, max-age=3600',
  })
  const stream = createReadStream(found.file)
  stream.on('error', () => res.destroy())
  stream.pipe(res)
  return true
}
