import type { ArtifactKind, NewArtifact } from '../store/artifacts'
import type { ClassResultRow } from '../store/class-results'
import type { VideoPrediction } from '../store/predictions'
import type { PromptSet } from '../text/prompts/build'
import type { RecordBody } from '../worker/record'
import type { RecordWriter } from '../worker/record-file'

/**
 * Where a run's results go. The executor never writes the results database: each result is appended
 * to the run's record (docs/worker.md), and the engine that owns the database imports it.
 */
export interface RunOutput {
  /** Every metric of one step (stored together, upserted by name and step). */
  metrics(step: number, epoch: number | null, values: Record<string, number>): void
  classResults(evalKey: string, rows: readonly ClassResultRow[]): void
  predictions(evalKey: string, rows: readonly VideoPrediction[]): void
  artifact(a: Omit<NewArtifact, 'runId'>): void
  removeArtifacts(kind: ArtifactKind, prefix: string): void
  /** The checkpoints of these epochs were deleted (retention): their artifact rows go too. */
  checkpointsRemoved(epochs: readonly number[]): void
  /** A prompt set the run used (content-addressed: referenced by its hash). */
  promptSet(graphId: number | null, set: PromptSet): void
  /** The prompt set an evaluation set (`<eval key>/<set name>`) used. */
  usesPromptSet(setKey: string, hash: string): void
}

/** A {@link RunOutput} that appends each result to the run's record. */
export function recordingOutput(writer: Pick<RecordWriter, 'append'>): RunOutput {
  const put = (body: RecordBody): void => void writer.append(body)
  return {
    metrics: (step, epoch, values) => {
      for (const [name, value] of Object.entries(values)) if (!Number.isFinite(value)) throw new Error(`metric "${name}" at step ${step} is ${value}; only finite numbers are stored`)
      put({ type: 'metrics', step, epoch, values })
    },
    classResults: (evalKey, rows) => put({ type: 'classResults', evalKey, rows: [...rows] }),
    predictions: (evalKey, rows) => put({ type: 'predictions', evalKey, rows: [...rows] }),
    artifact: (a) =>
      put({
        type: 'artifact',
        kind: a.kind,
        name: a.name,
        step: a.step ?? null,
        epoch: a.epoch ?? null,
        path: a.path ?? null,
        blob: a.blob ? Buffer.from(a.blob.buffer, a.blob.byteOffset, a.blob.byteLength).toString('base64') : null,
        mime: a.mime ?? null,
        meta: a.meta ?? {},
      }),
    removeArtifacts: (kind, prefix) => put({ type: 'artifactsRemoved', kind, prefix }),
    checkpointsRemoved: (epochs) => {
      if (epochs.length) put({ type: 'checkpointsRemoved', epochs: [...epochs] })
    },
    promptSet: (graphId, set) => put({ type: 'promptSet', graphId, set }),
    usesPromptSet: (setKey, hash) => put({ type: 'runPromptSet', setKey, hash }),
  }
}
