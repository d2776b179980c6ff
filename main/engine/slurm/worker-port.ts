import type { RunRecord } from '../worker/record'

/**
 * What the Slurm executor needs from the run worker's side (docs/worker.md): the run spec a worker
 * reads, the run's key, and the idempotent importer of a run folder's record into the database.
 */
export interface WorkerPort {
  /** `run.json` for the run, with `nodeDataDir` as the worker's data folder. */
  runSpec(runId: number, nodeDataDir: string): unknown
  runKey(runId: number): string
  /** Imports `dir/record.jsonl` (only what is new) and returns the records applied now. */
  importRecord(runId: number, dir: string): RunRecord[]
  readonly specFile: string
  readonly recordFile: string
}
