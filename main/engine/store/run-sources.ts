import { ContractError } from '../../../contract'
import type { Db } from './db'

/** An evaluation-only run's source: the run whose checkpoint it evaluates, and which checkpoint. */
export interface RunSource {
  sourceRunId: number
  /** `final`, `averaged` or an epoch number (as text). */
  checkpoint: string
}

export function setRunSource(db: Db, runId: number, source: RunSource): void {
  db.prepare('UPDATE runs SET source_run_id = ?, source_checkpoint = ? WHERE id = ?').run(source.sourceRunId, source.checkpoint, runId)
}

/**
 * Null for a run that trains (or evaluates) a model of its own. Throws for an evaluation-only run
 * whose source run was deleted (its weights are gone with it).
 */
export function getRunSource(db: Db, runId: number): RunSource | null {
  const row = db.prepare('SELECT source_run_id, source_checkpoint FROM runs WHERE id = ?').get(runId) as { source_run_id: number | null; source_checkpoint: string | null } | undefined
  if (!row?.source_checkpoint) return null
  if (row.source_run_id === null) throw new ContractError('conflict', `run ${runId} evaluated another run's checkpoint, and that run was deleted; evaluate a run that still exists`)
  return { sourceRunId: row.source_run_id, checkpoint: row.source_checkpoint }
}

/** The names the runs of an experiment already have (a new run's name must differ). */
export function runNames(db: Db, experimentId: number): Set<string> {
  return new Set((db.prepare('SELECT name FROM runs WHERE experiment_id = ?').all(experimentId) as { name: string }[]).map((r) => r.name))
}
