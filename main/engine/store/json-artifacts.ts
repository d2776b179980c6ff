import type { Db } from './db'

/** The stored JSON of an artifact of kind `other` by its exact name (e.g. a set's `<eval key>/<set>#coverage`), or null. */
export function readJsonArtifact(db: Db, runId: number, name: string): unknown {
  const row = db.prepare("SELECT blob FROM artifacts WHERE run_id = ? AND kind = 'other' AND name = ? ORDER BY id DESC LIMIT 1").get(runId, name) as { blob: Buffer | null } | undefined
  return row?.blob ? (JSON.parse(row.blob.toString('utf8')) as unknown) : null
}
