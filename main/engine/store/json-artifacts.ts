import { verifiedBlob } from './artifacts'
import type { Db } from './db'

/** The stored JSON of an artifact of kind `other` by its exact name (e.g. a set's `<eval key>/<set>#coverage`), or null. */
export function readJsonArtifact(db: Db, runId: number, name: string): unknown {
  const row = db.prepare("SELECT id, name, blob, meta_json FROM artifacts WHERE run_id = ? AND kind = 'other' AND name = ? ORDER BY id DESC LIMIT 1").get(runId, name) as
    | { id: number; name: string; blob: Buffer | null; meta_json: string }
    | undefined
  return row?.blob ? (JSON.parse(verifiedBlob({ ...row, blob: row.blob }).toString('utf8')) as unknown) : null
}
