import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { canonicalJson, sha256Hex } from '../prompts/hash'
import type { ChatRequest } from './types'

/** Answers keyed by the exact request (endpoint + every request field); never holds the API key. */
export interface LlmCache {
  get(key: string): string | undefined
  set(key: string, request: { baseUrl: string; request: ChatRequest }, content: string): void
}

export function cacheKey(baseUrl: string, request: ChatRequest): string {
  return sha256Hex(canonicalJson({ baseUrl, request }))
}

/** Answers longer than this are used but not cached (a graph or clause answer is a few KiB). */
export const MAX_CACHED_ANSWER_CHARS = 256 << 10
/** The cache folder's size bound: past it, the oldest entries are removed. */
export const MAX_CACHE_BYTES = 256 << 20

/**
 * One JSON file per request under `dir/<first two hex digits>/`, written atomically. Holds at most
 * `maxBytes` (oldest entries removed first) and no answer over {@link MAX_CACHED_ANSWER_CHARS}.
 */
export class FileLlmCache implements LlmCache {
  /** The folder's size, measured on the first write and kept up to date after. */
  private bytes: number | null = null

  constructor(
    readonly dir: string,
    private readonly maxBytes = MAX_CACHE_BYTES,
  ) {}

  private entries(): { path: string; size: number; mtimeMs: number }[] {
    if (!existsSync(this.dir)) return []
    return readdirSync(this.dir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .flatMap((d) => readdirSync(join(this.dir, d.name)).map((f) => join(this.dir, d.name, f)))
      .flatMap((path) => {
        try {
          const st = statSync(path)
          return [{ path, size: st.size, mtimeMs: st.mtimeMs }]
        } catch {
          return []
        }
      })
  }

  /** Removes the oldest entries until `incoming` more bytes fit under the bound. */
  private makeRoom(incoming: number): void {
    this.bytes ??= this.entries().reduce((n, e) => n + e.size, 0)
    if (this.bytes + incoming <= this.maxBytes) return
    for (const e of this.entries().sort((a, b) => a.mtimeMs - b.mtimeMs)) {
      rmSync(e.path, { force: true })
      this.bytes -= e.size
      if (this.bytes + incoming <= this.maxBytes) return
    }
  }

  private path(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.json`)
  }

  get(key: string): string | undefined {
    try {
      const v = JSON.parse(readFileSync(this.path(key), 'utf8')) as { content?: unknown }
      return typeof v.content === 'string' ? v.content : undefined
    } catch {
      return undefined
    }
  }

  set(key: string, request: { baseUrl: string; request: ChatRequest }, content: string): void {
    if (content.length > MAX_CACHED_ANSWER_CHARS) return
    const path = this.path(key)
    const text = JSON.stringify({ ...request, content, createdAt: new Date().toISOString() }, null, 2)
    const size = Buffer.byteLength(text)
    if (size > this.maxBytes) return
    this.makeRoom(size)
    mkdirSync(join(this.dir, key.slice(0, 2)), { recursive: true })
    const tmp = `${path}.${process.pid}.tmp`
    writeFileSync(tmp, text)
    renameSync(tmp, path)
    this.bytes! += size
  }
}
