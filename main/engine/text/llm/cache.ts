import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
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

export class MemoryLlmCache implements LlmCache {
  readonly entries = new Map<string, string>()
  get(key: string): string | undefined {
    return this.entries.get(key)
  }
  set(key: string, _request: unknown, content: string): void {
    this.entries.set(key, content)
  }
}

/** One JSON file per request under `dir/<first two hex digits>/`, written atomically. */
export class FileLlmCache implements LlmCache {
  constructor(readonly dir: string) {}

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
    const path = this.path(key)
    mkdirSync(join(this.dir, key.slice(0, 2)), { recursive: true })
    const tmp = `${path}.${process.pid}.tmp`
    writeFileSync(tmp, JSON.stringify({ ...request, content, createdAt: new Date().toISOString() }, null, 2))
    renameSync(tmp, path)
  }
}
