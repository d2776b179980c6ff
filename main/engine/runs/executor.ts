import type { RunProgress } from '../../../contract'
import type { ExperimentConfig } from '../experiments/schema'
import type { GraphSnapshot, SourceSnapshot } from '../worker/run-spec'
import type { RunOutput } from './run-output'

/** What a run's executor (the trainer + evaluator) gets: the run spec, its folder, and where its results go. */
export interface RunContext {
  runId: number
  config: Readonly<ExperimentConfig>
  /** The run's own folder: checkpoints, its record. It survives crashes: resume reads it. */
  runDir: string
  /** The engine's data folder (model, text-feature and SynthMotion caches). */
  dataDir: string
  /** The knowledge-graph version `text.graph` resolved to at launch (null for prompt set "c"). */
  graph: GraphSnapshot | null
  /** "Evaluate again": whose weights it evaluates. */
  source: SourceSnapshot | null
  /** Every result of the run (metrics, per-class results, artifacts…): recorded, then imported by the engine. */
  out: RunOutput
  /** Aborted by a cancel or a pre-emption; the executor stops at the next step boundary by throwing {@link RunCancelled}. */
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
