import { nowIso, type Db } from './db'

/** The persistent run queue: runs wait here in order until an engine claims them. */

export function enqueue(db: Db, runId: number): void {
  db.prepare(
    `INSERT INTO run_queue (run_id, position, enqueued_at)
     VALUES (?, (SELECT COALESCE(MAX(position), 0) + 1 FROM run_queue), ?)
     ON CONFLICT (run_id) DO NOTHING`,
  ).run(runId, nowIso())
}

export function dequeue(db: Db, runId: number): void {
  db.prepare('DELETE FROM run_queue WHERE run_id = ?').run(runId)
}

/** Run ids in queue order. */
export function queuedRunIds(db: Db): number[] {
  return (db.prepare('SELECT run_id FROM run_queue ORDER BY position').all() as { run_id: number }[]).map((r) => r.run_id)
}

/**
 * Atomically takes a queued run for this engine: it leaves the queue and becomes `running` in one
 * transaction, so two engines on one database never run the same run.
 */
export function claim(db: Db, runId: number, backend: string | null, host: string): boolean {
  const now = nowIso()
  return db.transaction(() => {
    const changed = db
      .prepare("UPDATE runs SET status = 'running', error = NULL, error_kind = NULL, started_at = COALESCE(started_at, ?), running_since = ?, backend = COALESCE(?, backend), host = ? WHERE id = ? AND status = 'queued'")
      .run(now, now, backend, host, runId).changes
    db.prepare('DELETE FROM run_queue WHERE run_id = ?').run(runId)
    return changed === 1
  })()
}
