import { createHash } from 'node:crypto'
import { nowIso, type Db } from './db'
import { likePrefix } from './sql'

export const ARTIFACT_KINDS = ['checkpoint', 'attention_map', 'score_map', 'table', 'other'] as const
export type ArtifactKind = (typeof ARTIFACT_KINDS)[number]

export interface NewArtifact {
  runId: number
  kind: ArtifactKind
  name: string
  step?: number | null
  epoch?: number | null
  /** A file (checkpoints), or the bytes themselves (maps). */
  path?: string | null
  blob?: Uint8Array | null
  mime?: string | null
  meta?: Record<string, unknown>
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')

/** An artifact's stored bytes that no longer match the checksum written with them. */
export class ArtifactIntegrityError extends Error {}

/**
 * Stores an artifact; bytes are stored with their SHA-256 (`meta.sha256`), checked by
 * {@link verifiedBlob} on every read. A checkpoint (a folder) carries its own `checksums.json`.
 */
export function addArtifact(db: Db, a: NewArtifact): number {
  if (!a.path && !a.blob) throw new Error(`artifact "${a.name}": give a file path or the bytes`)
  const meta = a.blob ? { ...a.meta, sha256: sha256(a.blob) } : a.meta
  const info = db
    .prepare('INSERT INTO artifacts (run_id, kind, name, step, epoch, path, blob, mime, meta_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
    .run(a.runId, a.kind, a.name, a.step ?? null, a.epoch ?? null, a.path ?? null, a.blob ? Buffer.from(a.blob.buffer, a.blob.byteOffset, a.blob.byteLength) : null, a.mime ?? null, JSON.stringify(meta ?? {}), nowIso())
  return Number(info.lastInsertRowid)
}

/** Removes a run's artifacts of one kind whose name starts with `prefix` (an evaluation rerun replaces its maps). */
export function removeArtifacts(db: Db, runId: number, kind: ArtifactKind, prefix: string): void {
  db.prepare("DELETE FROM artifacts WHERE run_id = ? AND kind = ? AND name LIKE ? ESCAPE '\\'").run(runId, kind, `${likePrefix(prefix)}%`)
}

/** Removes the rows of checkpoints that retention deleted from disk (by their epochs). */
export function removeCheckpointArtifacts(db: Db, runId: number, epochs: readonly number[]): void {
  const remove = db.prepare("DELETE FROM artifacts WHERE run_id = ? AND kind = 'checkpoint' AND epoch = ?")
  for (const epoch of epochs) remove.run(runId, epoch)
}

/** A stored artifact's bytes, checked against the SHA-256 stored with them (rows written before checksums have none). */
export function verifiedBlob(row: { id: number; name: string; blob: Buffer; meta_json: string }): Buffer {
  const expected = (JSON.parse(row.meta_json) as { sha256?: unknown }).sha256
  if (typeof expected === 'string' && sha256(row.blob) !== expected) {
    throw new ArtifactIntegrityError(`artifact ${row.id} ("${row.name}") is damaged: its bytes no longer match the SHA-256 stored with them; evaluate the run again to rewrite it`)
  }
  return row.blob
}
