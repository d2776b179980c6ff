import type { IncomingMessage, ServerResponse } from 'node:http'
import { ContractError } from '../../contract'
import type { EngineConnection } from '../engine/connection'

/**
 * `GET /api/artifacts/<id>`: the bytes of a map or frames artifact (a PNG strip, float32 maps), so
 * the browser fetches binary data instead of JSON number arrays. The caller authorises the request
 * first (it lives under `/api/`); the bytes come from the engine's `artifacts.read` command.
 */

const ROUTE = /^\/api\/artifacts\/(\d+)$/

/** The artifact id of a request path, or null when the path is not this route. */
export function artifactRouteId(path: string): number | null {
  const m = ROUTE.exec(path)
  return m ? Number(m[1]) : null
}

const STATUS: Record<string, number> = { invalid_input: 400, not_found: 404 }

function sendText(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent) return void res.end()
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' })
  res.end(text + '\n')
}

export async function serveArtifact(engine: EngineConnection, id: number, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, `use GET /api/artifacts/${id}`)
  try {
    const { mime, base64 } = (await engine.invoke('artifacts.read', { id })) as { mime: string; base64: string }
    const bytes = Buffer.from(base64, 'base64')
    // An artifact never changes once written (a re-evaluation writes new ids).
    res.writeHead(200, { 'Content-Type': mime, 'Content-Length': bytes.length, 'Cache-Control': 'private, max-age=3600, immutable', 'X-Content-Type-Options': 'nosniff' })
    res.end(req.method === 'HEAD' ? undefined : bytes)
  } catch (err) {
    const e = err instanceof ContractError ? err : null
    sendText(res, e ? (STATUS[e.code] ?? 500) : 500, e?.message ?? `artifact ${id} could not be read: ${err instanceof Error ? err.message : String(err)}`)
  }
}
