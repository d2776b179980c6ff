import type { MetricPoint } from '../../../contract'
import type { Db } from './db'
import { placeholders } from './sql'

/**
 * Writes every metric of one step (or epoch) in a single transaction, together with whatever else
 * belongs to that step (`alsoInside`, e.g. the checkpoint's artifact row): after a crash either all
 * of a step is in the database or none of it is. `time` is when the run recorded the step (the
 * worker's record time; default now): Compare's wall-time axis.
 */
export function recordStep(
  db: Db,
  runId: number,
  step: number,
  epoch: number | null,
  values: Record<string, number>,
  { time = new Date().toISOString(), alsoInside }: { time?: string; alsoInside?: () => void } = {},
): void {
  const insert = db.prepare(
    'INSERT INTO metrics (run_id, name, step, epoch, value, time) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, name, step) DO UPDATE SET value = excluded.value, epoch = excluded.epoch, time = excluded.time',
  )
  db.transaction(() => {
    for (const [name, value] of Object.entries(values)) {
      if (!Number.isFinite(value)) throw new Error(`metric "${name}" at step ${step} is ${value}; only finite numbers are stored`)
      insert.run(runId, name, step, epoch, value, time)
    }
    alsoInside?.()
  })()
}

export function listMetrics(db: Db, runId: number, names?: string[]): MetricPoint[] {
  const filter = names?.length ? ` AND name IN (${placeholders(names)})` : ''
  const rows = db
    .prepare(`SELECT run_id, step, epoch, name, value, time FROM metrics WHERE run_id = ?${filter} ORDER BY name, step`)
    .all(runId, ...(names ?? [])) as { run_id: number; step: number; epoch: number | null; name: string; value: number; time: string | null }[]
  return rows.map((r) => ({ runId: r.run_id, step: r.step, epoch: r.epoch, name: r.name, value: r.value, time: r.time }))
}

/** Each run's latest value (highest step) of every metric whose name starts with `prefix`. */
export function latestMetricValues(db: Db, runIds: readonly number[], prefix: string): { runId: number; name: string; value: number }[] {
  if (runIds.length === 0) return []
  return db
    .prepare(
      `SELECT run_id AS runId, name, value FROM metrics m WHERE run_id IN (${placeholders(runIds)}) AND substr(name, 1, ?) = ?
       AND step = (SELECT MAX(step) FROM metrics m2 WHERE m2.run_id = m.run_id AND m2.name = m.name)`,
    )
    .all(...runIds, prefix.length, prefix) as { runId: number; name: string; value: number }[]
}

/** Every metric name with the number of runs that recorded it; `search` keeps names containing it. */
export function listMetricKeys(db: Db, search?: string): { key: string; runs: number }[] {
  const needle = search?.trim().toLowerCase()
  const rows = db.prepare('SELECT name AS key, COUNT(DISTINCT run_id) AS runs FROM metrics GROUP BY name ORDER BY name').all() as { key: string; runs: number }[]
  return needle ? rows.filter((r) => r.key.toLowerCase().includes(needle)) : rows
}
