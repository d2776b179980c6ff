import type { z } from 'zod'
import type { Db } from './db'

/**
 * A view's saved layout in the `settings` table, as JSON under `view.<name>`. What was stored is read
 * back through the view's schema; a value an older or newer version wrote that no longer fits gives
 * the default rather than an error (a layout is a convenience, never a reason not to open).
 */
export function readViewSettings<T>(db: Db, view: string, schema: z.ZodType<T>, fallback: T): T {
  const row = db.prepare('SELECT value_json FROM settings WHERE key = ?').get(`view.${view}`) as { value_json: string } | undefined
  if (!row) return fallback
  try {
    const parsed = schema.safeParse(JSON.parse(row.value_json))
    return parsed.success ? parsed.data : fallback
  } catch {
    return fallback
  }
}

export function writeViewSettings<T>(db: Db, view: string, value: T): T {
  db.prepare('INSERT INTO settings (key, value_json) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json').run(`view.${view}`, JSON.stringify(value))
  return value
}
