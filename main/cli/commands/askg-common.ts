import { existsSync } from 'node:fs'
import { parse } from 'yaml'
import type { Db } from '../../engine/store/db'
import { readClasses620 } from '../../engine/data/adapters/k600-zeroshot'
import { startInProcessEngine } from '../../engine/in-process'
import { engineOptions } from '../global-options'
import { readFileAtMost } from '../../engine/io/bounded-read'
import { CliUsageError } from '../types'

/** Shared pieces of the `askg …` and `prompts …` commands. */

/** The largest knowledge-graph or class-list file read (the authors' largest, K400's, is about 2 MiB). */
export const MAX_GRAPH_FILE_BYTES = 16 << 20

/** A knowledge-graph or class-list file's text: a regular file within {@link MAX_GRAPH_FILE_BYTES} (`/dev/zero` is refused at once). */
export function readGraphFile(path: string, what = 'knowledge-graph file'): string {
  return readFileAtMost(path, MAX_GRAPH_FILE_BYTES, what)
}

/** Opens the data folder's database (no TensorFlow.js), runs `fn`, closes. */
export async function withDatabase<T>(values: Record<string, unknown>, fn: (db: Db, dataDir: string) => Promise<T> | T): Promise<T> {
  const conn = await startInProcessEngine({ ...engineOptions(values), withoutTf: true })
  try {
    return await fn(conn.engine.db, conn.engine.dataDir)
  } finally {
    await conn.close()
  }
}

/**
 * A class list: one name per line (# comments allowed), a YAML file with a `classes:` list (the
 * authors' classes_label_<ds>.yml), or ER-ZSAR's classes620_label_defn.json — of which `k600` takes
 * the 220 classes new in Kinetics-600 (entries 400–619), the ones without a released graph.
 */
export function readClassList(path: string, dataset?: string): string[] {
  if (!existsSync(path)) throw new CliUsageError(`--classes: no file ${path}`)
  if (/\.json$/i.test(path)) {
    const all = readClasses620(path)
    return dataset === 'k600' ? all.slice(400) : all
  }
  const text = readGraphFile(path, 'class list')
  if (/^\s*classes\s*:/m.test(text)) {
    const doc = parse(text) as { classes?: unknown }
    if (!Array.isArray(doc.classes) || doc.classes.some((c) => typeof c !== 'string' && typeof c !== 'number')) {
      throw new CliUsageError(`--classes: ${path} has a "classes" field that is not a list of names`)
    }
    return doc.classes.map((c) => String(c).trim())
  }
  const names = text
    .split(/\r?\n/)
    .map((l) => l.replace(/#.*$/, '').trim())
    .filter(Boolean)
  if (names.length === 0) throw new CliUsageError(`--classes: ${path} lists no class names (one per line)`)
  return names
}

export function numberOption(values: Record<string, unknown>, name: string, fallback: number, o: { min: number; max: number; integer?: boolean }): number {
  const raw = values[name]
  if (raw === undefined) return fallback
  const n = Number(raw)
  if (!Number.isFinite(n) || n < o.min || n > o.max || (o.integer && !Number.isInteger(n))) {
    throw new CliUsageError(`--${name}: "${String(raw)}" is not ${o.integer ? 'a whole number' : 'a number'} between ${o.min} and ${o.max}`)
  }
  return n
}
