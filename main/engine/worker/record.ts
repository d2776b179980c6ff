import type { RunProgress } from '../../../contract'
import type { ArtifactKind } from '../store/artifacts'
import type { ClassResultRow } from '../store/class-results'
import type { RunErrorKind } from '../store/runs'
import type { VideoPrediction } from '../store/predictions'
import type { PromptSet } from '../text/prompts/build'

/**
 * The records a run's worker appends to `record.jsonl` (docs/worker.md): one JSON object per line,
 * each with the run's key and a sequence number that grows by one across every attempt of the run.
 */

export type FinalStatus = 'done' | 'failed' | 'cancelled'

/** What a record carries besides its envelope; `type` names the importer's entry that applies it. */
export type RecordBody =
  /** `gemm`: what ran the matrix products (tf/gemm.ts: `blas`, `wasm`…), which changes the sums; absent in older records. */
  | { type: 'start'; attempt: number; pid: number; host: string; backend: string | null; gemm?: string | null }
  | ({ type: 'progress' } & Omit<RunProgress, 'runId'>)
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  | { type: 'metrics'; step: number; epoch: number | null; values: Record<string, number> }
  | { type: 'classResults'; evalKey: string; rows: ClassResultRow[] }
  | { type: 'predictions'; evalKey: string; rows: VideoPrediction[] }
  | { type: 'artifact'; kind: ArtifactKind; name: string; step: number | null; epoch: number | null; path: string | null; blob: string | null; mime: string | null; meta: Record<string, unknown> }
  | { type: 'artifactsRemoved'; kind: ArtifactKind; prefix: string }
  | { type: 'checkpointsRemoved'; epochs: number[] }
  | { type: 'promptSet'; graphId: number | null; set: PromptSet }
  | { type: 'runPromptSet'; setKey: string; hash: string }
  | { type: 'preempted'; signal: string; resumeFrom: number; resumeStep: number }
  | { type: 'end'; status: FinalStatus; error: string | null; errorKind?: RunErrorKind }

export interface RecordEnvelope {
  seq: number
  runKey: string
  /** ISO time the worker appended it. */
  at: string
}

export type RunRecord = RecordEnvelope & RecordBody
export type RecordType = RecordBody['type']

export const RECORD_FILE = 'record.jsonl'
