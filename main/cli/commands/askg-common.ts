import { existsSync, readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { parse } from 'yaml'
import type { Db } from '../../engine/store/db'
import { listGraphs, resolveGraphRef, type GraphVersionSummary } from '../../engine/store/knowledge-graphs'
import { startInProcessEngine } from '../../engine/in-process'
import { engineOptions } from '../global-options'
import { CliUsageError } from '../types'

/** Shared pieces of the `askg …` and `prompts …` commands. */

/** Opens the data folder's database (no TensorFlow.js), runs `fn`, closes. */
export async function withDatabase<T>(values: Record<string, unknown>, fn: (db: Db, dataDir: string) => Promise<T> | T): Promise<T> {
  const conn = await startInProcessEngine({ ...engineOptions(values), withoutTf: true })
  try {
    return await fn(conn.engine.db, conn.engine.dataDir)
  } finally {
    await conn.close()
  }
}

/** A class list: one name per line (# comments allowed), or a YAML file with a `classes:` list (the authors' classes_label_<ds>.yml). */
export function readClassList(path: string): string[] {
  if (!existsSync(path)) throw new CliUsageError(`--classes: no file ${path}`)
  const text = readFileSync(path, 'utf8')
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

/** `classes_ASKG_hmdb51.yml` → `hmdb51`. */
export function datasetFromFileName(path: string): string | null {
  const m = /^classes_(?:askg|xprompt|label)_(.+)\.ya?ml$/i.exec(basename(path))
  return m ? m[1]!.toLowerCase() : null
}

/** `--graph REF`, or the only graph there is. */
export function pickGraph(db: Db, ref: unknown): GraphVersionSummary {
  if (typeof ref === 'string') return resolveGraphRef(db, ref)
  const names = [...new Set(listGraphs(db).map((g) => g.name))]
  if (names.length === 1) return resolveGraphRef(db, names[0]!)
  throw new CliUsageError(
    names.length === 0
      ? 'there is no knowledge graph yet; create one with "stdd askg import", "stdd askg generate" or "stdd askg builtin"'
      : `several graphs exist (${names.join(', ')}); choose one with --graph NAME[@VERSION]`,
  )
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

export function describeGraph(g: GraphVersionSummary): string {
  return `${g.name}@${g.version} (${g.dataset}, ${g.classCount} classes${g.parentId !== null ? `, parent #${g.parentId}` : ''})`
}
