import type { GenerationJournal, JournalEntry, JournalSettings } from '../../main/engine/text/generation/journal'
import type { LlmCache } from '../../main/engine/text/llm/cache'
import { canonicalJson } from '../../main/engine/text/prompts/hash'

/** In-memory stand-ins for the engine's file-backed journal and LLM cache, for tests. */

/** A generation journal that keeps its entries in memory (FileJournal's behaviour without the file). */
export class MemoryJournal implements GenerationJournal {
  entries: JournalEntry[] = []
  private settings: string | null = null
  open(settings: JournalSettings, restart = false): JournalEntry[] {
    const s = canonicalJson(settings)
    if (restart || this.settings === null) {
      this.settings = s
      this.entries = []
    } else if (this.settings !== s) throw new Error('other settings')
    return [...this.entries]
  }
  append(entry: JournalEntry): void {
    this.entries.push(entry)
  }
  remove(): void {
    this.entries = []
    this.settings = null
  }
}

/** An LLM answer cache in memory. */
export class MemoryLlmCache implements LlmCache {
  readonly entries = new Map<string, string>()
  get(key: string): string | undefined {
    return this.entries.get(key)
  }
  set(key: string, _request: unknown, content: string): void {
    this.entries.set(key, content)
  }
}
