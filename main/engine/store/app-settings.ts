import type { Db } from './db'

/** The engine's settings (Settings view) in the `settings` table, beside the views' layouts: one JSON row. */
const KEY = 'app.settings'

/** The stored JSON, parsed; null when nothing was stored or it does not parse. */
export function readAppSettingsJson(db: Db): Record<string, unknown> | null {
  const row = db.prepare('SELECT value_json FROM settings WHERE key = ?').get(KEY) as { value_json: string } | undefined
  if (!row) return null
  try {
    const value = JSON.parse(row.value_json) as unknown
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null
  } catch {
    return null
  }
}

export function writeAppSettingsJson(db: Db, value: unknown): void {
  db.prepare('INSERT INTO settings (key, value_json) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json').run(KEY, JSON.stringify(value))
}
