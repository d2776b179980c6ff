import { hostname } from 'node:os'
import { runErrorKind } from '../runs/error-kind'
import { RunCancelled, type RunExecutor } from '../runs/executor'
import type { RunErrorKind } from '../store/runs'
import { recordingOutput } from '../runs/run-output'
import { describeStorageError, storageProblem } from '../store/storage-errors'
import { checkpointEpochs, midEpochState } from '../train/checkpoint'
import type { FinalStatus } from './record'
import type { RecordWriter } from './record-file'
import type { RunSpec } from './run-spec'

/** Why a run was asked to stop before its end. */
export type StopReason = 'cancel' | 'preempt'

export interface PerformRunOptions {
  spec: RunSpec
  runDir: string
  writer: RecordWriter
  executor: RunExecutor
  /** Aborted to stop at the next step boundary; `stopReason()` says why. */
  signal: AbortSignal
  stopReason(): StopReason | null
  /** The backend the run computes on, once known. */
  backendName(): string | null
  /** What runs its matrix products on that backend (tf/gemm.ts), once known. */
  gemmName?(): string | null
  /** Also shows each log line here (the worker's stderr). */
  echo?(line: string): void
}

export type RunEnd = { status: FinalStatus; error: string | null } | { status: 'preempted'; resumeFrom: number }

/**
 * One attempt of a run: records its start, executes it with a context whose results go to the record,
 * and records how it ended — `end` (done, failed, cancelled) or `preempted` (checkpointed at the last
 * completed epoch; starting it again resumes there).
 */
export async function performRun(o: PerformRunOptions): Promise<RunEnd> {
  const { spec, runDir, writer } = o
  const attempt = writer.attempts + 1
  const start = (): void => void writer.append({ type: 'start', attempt, pid: process.pid, host: hostname(), backend: o.backendName(), gemm: o.gemmName?.() ?? null }, true)
  let backendSeen = o.backendName()
  /** The backend starts while the run waits for it: record it once it is known. */
  const noteBackend = (): void => {
    if (o.backendName() === backendSeen) return
    backendSeen = o.backendName()
    start()
  }
  const log = (message: string, level: 'info' | 'warn' | 'error' = 'info'): void => {
    writer.append({ type: 'log', level, message })
    o.echo?.(message)
  }
  const end = (e: { status: FinalStatus; error: string | null; errorKind?: RunErrorKind }): RunEnd => {
    noteBackend()
    writer.append({ type: 'end', ...e }, true)
    return e
  }
  start()
  try {
    await o.executor.execute({
      runId: spec.runId,
      config: spec.config,
      runDir,
      dataDir: spec.dataDir,
      graph: spec.graph,
      source: spec.source,
      out: recordingOutput(writer),
      signal: o.signal,
      progress: (p) => {
        noteBackend()
        writer.append({ type: 'progress', ...p })
      },
      log,
    })
    return end({ status: 'done', error: null })
  } catch (err) {
    if (err instanceof RunCancelled && o.stopReason() === 'preempt') {
      noteBackend()
      const epochs = checkpointEpochs(runDir)
      const mid = midEpochState(runDir)
      const resumeFrom = mid?.midEpoch ? mid.epoch : (epochs[epochs.length - 1] ?? 0)
      const resumeStep = mid?.midEpoch?.step ?? 0
      writer.append({ type: 'preempted', signal: 'SIGUSR1', resumeFrom, resumeStep }, true)
      o.echo?.(`pre-empted: a restart resumes ${resumeStep ? `epoch ${resumeFrom + 1} at step ${resumeStep + 1}` : `after epoch ${resumeFrom}`}`)
      return { status: 'preempted', resumeFrom }
    }
    if (err instanceof RunCancelled) return end({ status: 'cancelled', error: null })
    const message = err instanceof Error ? err.message : String(err)
    const error = storageProblem(err) ? `${describeStorageError(err, runDir)}; then "stdd resume ${spec.runId}" continues it` : message
    log(`failed: ${error}`, 'error')
    return end({ status: 'failed', error, errorKind: runErrorKind(err) })
  }
}
