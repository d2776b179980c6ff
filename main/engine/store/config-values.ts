import type { ConfigValue } from '../../../contract'
import type { Db } from './db'
import { placeholders } from './sql'

/**
 * The leaves of the runs' frozen configs, as the `run_config` table keeps them (one row per run and
 * dotted key, filled by triggers when a run is stored).
 */

interface ConfigRow {
  run_id: number
  key: string
  value: string | number | null
  json_type: string
}

/** A stored leaf back as its JSON value: json_tree keeps true/false as 1/0 with their type beside. */
export function configValue(value: string | number | null, jsonType: string): ConfigValue {
  if (jsonType === 'true') return true
  if (jsonType === 'false') return false
  return value
}

/** Every dotted key of the stored configs with how many runs have it, optionally only keys containing `search`. */
export function listConfigKeys(db: Db, search: string | undefined, limit: number): { key: string; runs: number }[] {
  const where = search?.trim() ? `WHERE key LIKE ? ESCAPE '\\'` : ''
  const params = search?.trim() ? [`%${escapeLike(search.trim())}%`] : []
  return db.prepare(`SELECT key, COUNT(*) AS runs FROM run_config ${where} GROUP BY key ORDER BY key LIMIT ?`).all(...params, limit) as { key: string; runs: number }[]
}

/** The values of `keys` (every key when omitted) of the given runs: run id → key → value. */
export function configValuesOf(db: Db, runIds: readonly number[], keys?: readonly string[]): Map<number, Record<string, ConfigValue>> {
  const out = new Map<number, Record<string, ConfigValue>>(runIds.map((id) => [id, {}]))
  if (runIds.length === 0 || keys?.length === 0) return out
  const byKey = keys ? ` AND key IN (${placeholders(keys)})` : ''
  const rows = db
    .prepare(`SELECT run_id, key, value, json_type FROM run_config WHERE run_id IN (${placeholders(runIds)})${byKey}`)
    .all(...runIds, ...(keys ?? [])) as ConfigRow[]
  for (const r of rows) out.get(r.run_id)![r.key] = configValue(r.value, r.json_type)
  return out
}

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`)
}
