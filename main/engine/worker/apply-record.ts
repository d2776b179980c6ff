import { addArtifact, removeArtifacts, removeCheckpointArtifacts } from '../store/artifacts'
import { saveClassResults } from '../store/class-results'
import type { Db } from '../store/db'
import { recordStep } from '../store/metrics'
import { savePredictions } from '../store/predictions'
import { getPromptSetByHash, savePromptSet } from '../store/prompt-sets'
import { recordRunPromptSet } from '../store/run-prompt-sets'
import { setRunBackend } from '../store/run-records'
import { setRunStatus } from '../store/runs'
import type { RecordType, RunRecord } from './record'

type Apply<T extends RecordType> = (db: Db, runId: number, r: Extract<RunRecord, { type: T }>) => void

const nothing = (): void => undefined

/**
 * How each kind of record lands in the results database (docs/worker.md). A new kind of result is a
 * new record type with its entry here. `progress`, `log` and `preempted` store nothing: the importer's
 * caller forwards them live.
 */
const APPLY: { [T in RecordType]: Apply<T> } = {
  start: (db, runId, r) => setRunBackend(db, runId, r.backend, r.gemm ?? null),
  progress: nothing,
  log: nothing,
  preempted: nothing,
  metrics: (db, runId, r) => recordStep(db, runId, r.step, r.epoch, r.values, { time: r.at }),
  classResults: (db, runId, r) => saveClassResults(db, runId, r.evalKey, r.rows),
  predictions: (db, runId, r) => savePredictions(db, runId, r.evalKey, r.rows),
  artifact: (db, runId, r) => void addArtifact(db, { runId, kind: r.kind, name: r.name, step: r.step, epoch: r.epoch, path: r.path, blob: r.blob === null ? null : Buffer.from(r.blob, 'base64'), mime: r.mime, meta: r.meta }),
  artifactsRemoved: (db, runId, r) => removeArtifacts(db, runId, r.kind, r.prefix),
  checkpointsRemoved: (db, runId, r) => removeCheckpointArtifacts(db, runId, r.epochs),
  promptSet: (db, _runId, r) => void savePromptSet(db, r.graphId, r.set),
  runPromptSet: (db, runId, r) => recordRunPromptSet(db, runId, r.setKey, getPromptSetByHash(db, r.hash).id),
  end: (db, runId, r) => setRunStatus(db, runId, r.status, r.error, r.errorKind ? { errorKind: r.errorKind } : {}),
}

export function applyRecord(db: Db, runId: number, record: RunRecord): void {
  const apply = APPLY[record.type] as Apply<RecordType> | undefined
  if (!apply) throw new Error(`record ${record.seq} of run ${runId} has the unknown type "${record.type}"; a newer version of stdd wrote it`)
  apply(db, runId, record)
}
