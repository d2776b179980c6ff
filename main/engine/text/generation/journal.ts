import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { ClassGraph, Clauses, LlmStageRecord } from '../askg/types'
import { canonicalJson } from '../prompts/hash'

/**
 * The per-class progress of one generation, one JSON line per finished stage, so a stopped or
 * crashed generation continues where it stopped. The first line fixes the settings; resuming with
 * other settings is refused (start over with `restart`).
 */

export interface JournalSettings {
  endpoint: string
  model: string
  graphTemperature: number
  clauseTemperature: number
  maxTokens: number
  classes: { index: number; name: string }[]
}

export type JournalEntry =
  | { stage: 'graph'; index: number; name: string; graph: ClassGraph; record: LlmStageRecord; warnings: string[]; at: string }
  | { stage: 'clauses'; index: number; name: string; clauses: Clauses; record: LlmStageRecord; warnings: string[]; at: string }

export interface GenerationJournal {
  /** Starts or resumes; returns the entries already recorded. */
  open(settings: JournalSettings, restart?: boolean): JournalEntry[]
  append(entry: JournalEntry): void
  /** Forgets the journal (after its graph has been stored). */
  remove(): void
}

function describeDifference(a: JournalSettings, b: JournalSettings): string {
  const keys = (Object.keys(a) as (keyof JournalSettings)[]).filter((k) => canonicalJson(a[k]) !== canonicalJson(b[k]))
  return keys.join(', ')
}

export class FileJournal implements GenerationJournal {
  constructor(readonly path: string) {}

  open(settings: JournalSettings, restart = false): JournalEntry[] {
    if (restart || !existsSync(this.path)) {
      mkdirSync(dirname(this.path), { recursive: true })
      writeFileSync(this.path, JSON.stringify({ settings }) + '\n')
      return []
    }
    const text = readFileSync(this.path, 'utf8')
    if (text && !text.endsWith('\n')) appendFileSync(this.path, '\n') // end a line cut short by a crash before appending
    const lines = text.split('\n').filter((l) => l.trim())
    const parsed: unknown[] = []
    for (const l of lines) {
      try {
        parsed.push(JSON.parse(l))
      } catch {
        // a line cut short by a crash: that stage is simply done again
      }
    }
    const head = parsed[0] as { settings?: JournalSettings } | undefined
    if (!head?.settings) throw new Error(`${this.path} is not a generation journal; remove it or start over with --restart`)
    if (canonicalJson(head.settings) !== canonicalJson(settings)) {
      throw new Error(`an unfinished generation with other settings (${describeDifference(head.settings, settings)}) is in ${this.path}; resume it with the same options, or start over with --restart`)
    }
    return parsed.slice(1) as JournalEntry[]
  }

  append(entry: JournalEntry): void {
    appendFileSync(this.path, JSON.stringify(entry) + '\n')
  }

  remove(): void {
    rmSync(this.path, { force: true })
  }
}

