import { randomUUID } from 'node:crypto'
import type { Db } from './db'

/**
 * A run's key (a random UUID, unique forever: run folders and records are checked against it, since
 * run ids are reused after a database restore), how far its worker record has been imported, and what
 * the record sets on the run's row.
 */

/** The run's key; a run created before keys existed gets one now. */
export function runKey(db: Db, runId: number): string {
  const row = db.prepare('SELECT run_key FROM runs WHERE id = ?').get(runId) as { run_key: string | null } | undefined
  if (!row) throw new Error(`run ${runId} does not exist`)
  if (row.run_key) return row.run_key
  const key = randomUUID()
  db.prepare('UPDATE runs SET run_key = ? WHERE id = ?').run(key, runId)
  return key
}

/** Whether the run was created before run keys (its folder, if any, has no run.json to check). */
export function hadNoRunKey(db: Db, runId: number): boolean {
  const row = db.prepare('SELECT run_key FROM runs WHERE id = ?').get(runId) as { run_key: string | null } | undefined
  return row?.run_key === null
}

/** The backend a run's worker computes on, once it is known (an earlier one stays while it is not). */
export function setRunBackend(db: Db, runId: number, backend: string | null, gemm: string | null = null): void {
  db.prepare('UPDATE runs SET backend = COALESCE(?, backend), gemm = COALESCE(?, gemm) WHERE id = ?').run(backend, gemm, runId)
}

export interface ImportPosition {
  /** The last record applied. */
  seq: number
  /** Byte offset in record.jsonl after that record. */
  offset: number
}

/** Where the import of the run's record (under `key`) stands; a record of another key starts from nothing. */
export function importPosition(db: Db, runId: number, key: string): ImportPosition {
  const row = db.prepare('SELECT run_key, seq, offset FROM run_records WHERE run_id = ?').get(runId) as { run_key: string; seq: number; offset: number } | undefined
  return row && row.run_key === key ? { seq: row.seq, offset: row.offset } : { seq: 0, offset: 0 }
}

export function setImportPosition(db: Db, runId: number, key: string, p: ImportPosition): void {
  db.prepare('INSERT INTO run_records (run_id, run_key, seq, offset) VALUES (?, ?, ?, ?) ON CONFLICT (run_id) DO UPDATE SET run_key = excluded.run_key, seq = excluded.seq, offset = excluded.offset').run(runId, key, p.seq, p.offset)
}
