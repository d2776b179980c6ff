import type { RunProgress } from '../../../contract'
import type { Db } from '../store/db'
import type { ExperimentConfig } from '../experiments/schema'

/** What a run's executor (the trainer + evaluator) gets from the run manager. */
export interface RunContext {
  runId: number
  config: Readonly<ExperimentConfig>
  /** The run's own folder: checkpoints, artifacts. It survives crashes: resume reads it. */
  runDir: string
  db: Db
  /** Aborted by a cancel; the executor stops at the next step boundary by throwing {@link RunCancelled}. */
  signal: AbortSignal
  progress(p: Omit<RunProgress, 'runId'>): void
  log(message: string): void
}

export interface RunExecutor {
  execute(ctx: RunContext): Promise<void>
}

export class RunCancelled extends Error {
  constructor() {
    super('cancelled')
    this.name = 'RunCancelled'
  }
}

/** Call at step boundaries. */
export function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new RunCancelled()
}
