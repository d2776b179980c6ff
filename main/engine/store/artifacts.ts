import { nowIso, type Db } from './db'

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

export function addArtifact(db: Db, a: NewArtifact): number {
  if (!a.path && !a.blob) throw new Error(`artifact "${a.name}": give a file path or the bytes`)
  const info = db
    .prepare('INSERT INTO artifacts (run_id, kind, name, step, epoch, path, blob, mime, meta_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
    .run(a.runId, a.kind, a.name, a.step ?? null, a.epoch ?? null, a.path ?? null, a.blob ? Buffer.from(a.blob.buffer, a.blob.byteOffset, a.blob.byteLength) : null, a.mime ?? null, JSON.stringify(a.meta ?? {}), nowIso())
  return Number(info.lastInsertRowid)
}

/** Removes a run's artifacts of one kind whose name starts with `prefix` (an evaluation rerun replaces its maps). */
export function removeArtifacts(db: Db, runId: number, kind: ArtifactKind, prefix: string): void {
  db.prepare("DELETE FROM artifacts WHERE run_id = ? AND kind = ? AND name LIKE ? ESCAPE '\\'").run(runId, kind, prefix.replace(/[\\%_]/g, (c) => `\\${c}`) + '%')
}
