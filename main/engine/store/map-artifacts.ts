import { ContractError } from '../../../contract'
import { verifiedBlob } from './artifacts'
import type { Db } from './db'
import { likePrefix, placeholders } from './sql'

/**
 * The maps the evaluator keeps of the videos of each evaluation set, all named `<eval key>:<video>`:
 * the class token's attention (`attention_map`), the frame × prompt scores (`score_map`), encoded as
 * their `meta.encoding` says (contract/map-encoding.ts; float32 when absent), and the frames the
 * model saw (kind `other`, a PNG strip).
 */

export const FRAMES_MIME = 'image/png'

export interface MapArtifact {
  id: number
  runId: number
  kind: 'attention_map' | 'score_map' | 'frames'
  /** `<eval key>:<video>`. */
  name: string
  mime: string | null
  meta: Record<string, unknown>
}

interface Row {
  id: number
  run_id: number
  kind: string
  name: string
  mime: string | null
  meta_json: string
}

/** The map artifacts of the runs (whose name starts with `namePrefix`, when given), in the order they were written. */
export function listMapArtifacts(db: Db, runIds: readonly number[], namePrefix = ''): MapArtifact[] {
  if (runIds.length === 0) return []
  const rows = db
    .prepare(
      `SELECT id, run_id, kind, name, mime, meta_json FROM artifacts
       WHERE run_id IN (${placeholders(runIds)}) AND blob IS NOT NULL
         AND (kind IN ('attention_map', 'score_map') OR (kind = 'other' AND mime = ?))
         AND name LIKE ? ESCAPE '\\'
       ORDER BY id`,
    )
    .all(...runIds, FRAMES_MIME, `${likePrefix(namePrefix)}%`) as Row[]
  return rows.map((r) => ({ id: r.id, runId: r.run_id, kind: r.kind === 'other' ? 'frames' : (r.kind as MapArtifact['kind']), name: r.name, mime: r.mime, meta: JSON.parse(r.meta_json) as Record<string, unknown> }))
}

/** The stored bytes of a map or frames artifact (not checkpoints: those are folders on disk). */
export function artifactBytes(db: Db, id: number): { mime: string; bytes: Buffer } {
  const row = db.prepare('SELECT id, name, kind, mime, blob, meta_json FROM artifacts WHERE id = ?').get(id) as
    | { id: number; name: string; kind: string; mime: string | null; blob: Buffer | null; meta_json: string }
    | undefined
  if (!row) throw new ContractError('not_found', `artifact ${id} does not exist`)
  if (!row.blob) throw new ContractError('invalid_input', `artifact ${id} is a ${row.kind} stored as a file on disk, not bytes; only maps and frames are served`)
  return { mime: row.mime ?? 'application/octet-stream', bytes: verifiedBlob({ ...row, blob: row.blob }) }
}
