import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'

/** The first of `root/<candidate>` that exists as a directory, or null. */
export function firstDir(root: string, candidates: readonly string[]): string | null {
  for (const c of candidates) {
    const p = c ? join(root, c) : root
    if (existsSync(p) && statSync(p).isDirectory()) return p
  }
  return null
}

/** The first of `root/<candidate>` that exists as a file, or null. */
export function firstFile(root: string, candidates: readonly string[]): string | null {
  for (const c of candidates) {
    const p = join(root, c)
    if (existsSync(p) && statSync(p).isFile()) return p
  }
  return null
}

/** Splits listed items into those on disk and those missing (when `check` is set). */
export function partitionExisting<T extends { path: string }>(items: T[], check: boolean): { present: T[]; missing: T[] } {
  if (!check) return { present: items, missing: [] }
  const present: T[] = []
  const missing: T[] = []
  for (const it of items) (existsSync(it.path) ? present : missing).push(it)
  return { present, missing }
}
