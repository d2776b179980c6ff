import { mkdirSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { ContractError, type Experiment, type RunSummary } from '../../../contract'
import type { EventBus } from '../events'
import type { EngineLog } from '../log'
import { pinRunGraph } from '../experiments/pin-graph'
import type { ResolvedExperiment } from '../experiments/resolve'
import type { ExperimentConfig } from '../experiments/schema'
import type { Db } from '../store/db'
import { createExperiment, experimentIdByName, getExperiment } from '../store/experiments'
import { onMetricsRecorded } from '../store/metrics'
import { claim, dequeue, enqueue, queuedRunIds } from '../store/queue'
import { createRun, getRun, getRunSummary, setRunStatus } from '../store/runs'
import { runNames } from '../store/run-sources'
import { markRunOwner, requestCancel, runningRuns, touchRun } from '../store/run-liveness'
import { describeStorageError, storageProblem } from '../store/storage-errors'
import { databasePath, runsDir } from '../paths'
import { gitCommit } from '../system/provenance'
import { RunCancelled, type RunExecutor } from './executor'
import { readStatusSlot, removeStatusSlot, reserveStatusSlot, writeStatusSlot } from './status-slot'
import { runErrorKind } from './error-kind'
import { appendRunLog } from './run-log'
import type { RunErrorKind } from '../store/runs'

export interface RunManagerDeps {
  db: Db
  dataDir: string
  bus: EventBus
  log: EngineLog
  executor: RunExecutor
  /** The backend this engine computes on (recorded with each run). */
  backendName(): string | null
  /** A run whose heartbeat is older than this is dead even if its pid is alive (reused). Default {@link STALE_HEARTBEAT_MS}. */
  staleAfterMs?: number
  /** How often a run's final status is written again while the disk is full or read-only. Default 15 s. */
  statusRetryMs?: number
}

/** How often a running run's heartbeat is written, besides at each progress report. */
export const HEARTBEAT_MS = 30_000
/** A heartbeat older than this means the run's engine is gone (default of `staleAfterMs`). */
export const STALE_HEARTBEAT_MS = 10 * 60_000

interface FinalStatus {
  status: 'done' | 'cancelled' | 'failed'
  error: string | null
  errorKind?: RunErrorKind
}

export interface Launched {
  experiment: Experiment
  runs: RunSummary[]
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * The run lifecycle of one engine: runs wait in a persistent queue and execute one at a time;
 * cancel stops at the next step boundary; a run whose engine died is marked interrupted and can be
 * resumed from its last checkpoint. Every change is streamed as `runs.changed` / `run.state` events.
 */
export class RunManager {
  private active: { runId: number; controller: AbortController } | null = null
  private pumping: Promise<void> | null = null
  private readonly host = hostname()
  /** Runs whose final status could not be written yet (disk full or read-only); retried until it can. */
  private readonly unwritten = new Map<number, FinalStatus>()
  /** The queue stopped for a status that could not be written: go on once it is. */
  private resumePumpWhenWritten = false

  constructor(private readonly deps: RunManagerDeps) {
    // Every step the trainer or evaluator stores reaches the faces as it lands (live curves, no polling).
    onMetricsRecorded(deps.db, (runId, points) => deps.bus.emit('run.metrics', { runId, points }))
  }

  /**
   * Marks runs left `running` by a dead engine process on this machine as failed (interrupted): its
   * pid is gone, or its heartbeat stopped (the pid may since belong to another process), or the pid
   * is this very process, which is not running it.
   */
  recoverInterrupted(now = Date.now()): number[] {
    const staleAfter = this.deps.staleAfterMs ?? STALE_HEARTBEAT_MS
    const dead = runningRuns(this.deps.db).filter((r) => {
      if (r.host !== this.host || r.id === this.active?.runId) return false
      const stale = r.heartbeatAt === null || now - Date.parse(r.heartbeatAt) > staleAfter
      return r.pid === null || r.pid === process.pid || !isAlive(r.pid) || stale
    })
    for (const r of dead) {
      // A status its engine could not write (the disk was full) is the reason, not the exit that followed.
      // Its running time ends at its last heartbeat, not at this check.
      const endedAt = r.heartbeatAt ?? undefined
      const kept = readStatusSlot(this.runDir(r.id))
      if (kept) setRunStatus(this.deps.db, r.id, kept.status, kept.error, { endedAt })
      else setRunStatus(this.deps.db, r.id, 'failed', `interrupted: its engine process stopped while it ran; "stdd resume ${r.id}" continues from the last checkpoint`, { endedAt })
      removeStatusSlot(this.runDir(r.id))
      this.announce(r.id)
    }
    return dead.map((r) => r.id)
  }

  /** Creates the experiment (or reuses the one of that name, or puts them `into` another) and one queued run per resolved config, its knowledge graph pinned to a version. */
  launch(resolved: ResolvedExperiment, into?: { experimentId: number }): Launched {
    const { db } = this.deps
    const commit = gitCommit()
    const made = db.transaction(() => {
      const existing = into ? into.experimentId : experimentIdByName(db, resolved.name)
      const experiment = existing !== null
        ? getExperiment(db, existing)
        : createExperiment(db, { name: resolved.name, description: resolved.description, filePath: resolved.filePath, config: resolved.runs.map((r) => r.diff) })
      const taken = runNames(db, experiment.id)
      const runs = resolved.runs.map((unpinned) => {
        const r = pinRunGraph(db, unpinned)
        let name = r.name
        for (let i = 2; taken.has(name); i++) name = `${r.name} #${i}`
        taken.add(name)
        const run = createRun(db, { experimentId: experiment.id, name, config: r.config, configDiff: r.diff, seed: r.config.seed, gitCommit: commit, backend: this.deps.backendName(), host: this.host })
        enqueue(db, run.id)
        return run
      })
      return { experiment: getExperiment(db, experiment.id), runs }
    })()
    this.deps.bus.emit('experiments.changed', made.experiment)
    for (const r of made.runs) this.announce(r.id)
    this.deps.log.info('runs', `queued ${made.runs.length} run(s) of "${made.experiment.name}"`)
    return made
  }

  cancel(runId: number): RunSummary {
    const run = getRunSummary(this.deps.db, runId)
    if (this.active?.runId === runId) {
      this.active.controller.abort()
      this.deps.log.info('runs', `cancelling run ${runId} at the next step`)
      return run
    }
    if (run.status === 'running') {
      // Another engine process runs it: leave a request that it reads at its next step.
      requestCancel(this.deps.db, runId)
      this.deps.log.info('runs', `asked the engine running run ${runId} to cancel it at its next step`)
      return run
    }
    if (run.status !== 'queued') throw new ContractError('conflict', `run ${runId} is ${run.status}; only queued or running runs can be cancelled`)
    dequeue(this.deps.db, runId)
    setRunStatus(this.deps.db, runId, 'cancelled')
    this.announce(runId)
    return getRunSummary(this.deps.db, runId)
  }

  /** Queues a failed, cancelled or interrupted run again; it continues from its last checkpoint. */
  resume(runId: number): RunSummary {
    const run = getRunSummary(this.deps.db, runId)
    if (run.status === 'done') throw new ContractError('conflict', `run ${runId} is done; nothing to resume`)
    if (run.status === 'queued') return run
    if (run.status === 'running') throw new ContractError('conflict', `run ${runId} is running right now`)
    if (run.errorKind === 'config') throw new ContractError('conflict', `run ${runId} failed on its config (${run.error}); a resume would fail the same way: fix the experiment file and launch it again`)
    this.deps.db.transaction(() => {
      setRunStatus(this.deps.db, runId, 'queued')
      enqueue(this.deps.db, runId)
    })()
    this.announce(runId)
    return getRunSummary(this.deps.db, runId)
  }

  /** Runs everything in the queue, in order, one at a time; resolves when the queue is empty. */
  drainQueue(): Promise<void> {
    if (this.pumping) return this.pumping
    const pump = (async () => {
      for (let id = queuedRunIds(this.deps.db)[0]; id !== undefined; id = queuedRunIds(this.deps.db)[0]) {
        await this.runOne(id)
        if (this.unwritten.size) {
          // The disk is full: starting the next run would fail too. Go on once the status is written.
          this.resumePumpWhenWritten = true
          return
        }
      }
    })()
    // Cleared once the pump has settled (never from inside it: an empty queue settles synchronously).
    this.pumping = pump.finally(() => {
      if (this.pumping === guarded) this.pumping = null
    })
    const guarded = this.pumping
    return guarded
  }

  /** Runs just these runs, in order (the CLI's `stdd run`), leaving the rest of the queue alone. */
  async runOnly(runIds: number[]): Promise<void> {
    for (const id of runIds) await this.runOne(id)
  }

  get activeRunId(): number | null {
    return this.active?.runId ?? null
  }

  private runDir(runId: number): string {
    return join(runsDir(this.deps.dataDir), String(runId))
  }

  private announce(runId: number): void {
    const run = getRunSummary(this.deps.db, runId)
    this.deps.bus.emit('runs.changed', run)
    this.deps.bus.emit('run.state', { runId, status: run.status, error: run.error })
  }

  private async runOne(runId: number): Promise<void> {
    const { db, log } = this.deps
    if (!claim(db, runId, this.deps.backendName(), this.host)) return
    markRunOwner(db, runId, process.pid)
    const controller = new AbortController()
    this.active = { runId, controller }
    this.announce(runId)
    const beat = (): void => {
      try {
        if (touchRun(db, runId, this.deps.backendName()).cancelRequested) controller.abort()
      } catch {
        // A full or read-only disk: the run's own writes fail and report it.
      }
    }
    const heartbeat = setInterval(beat, HEARTBEAT_MS)
    heartbeat.unref()
    const config = getRun(db, runId).config as ExperimentConfig
    const runDir = this.runDir(runId)
    log.info('runs', `run ${runId} started`)
    let outcome: FinalStatus
    try {
      mkdirSync(runDir, { recursive: true })
      reserveStatusSlot(runDir)
      appendRunLog(runDir, 'info', `started on ${this.host} (backend ${this.deps.backendName() ?? 'starting'})`)
      await this.deps.executor.execute({
        runId,
        config,
        runDir,
        db,
        signal: controller.signal,
        progress: (p) => {
          beat()
          this.deps.bus.emit('run.progress', { runId, ...p })
        },
        log: (m) => {
          log.info(`run ${runId}`, m)
          appendRunLog(runDir, 'info', m)
        },
      })
      outcome = { status: 'done', error: null }
      log.info('runs', `run ${runId} done`)
    } catch (err) {
      if (err instanceof RunCancelled) {
        outcome = { status: 'cancelled', error: null }
        log.info('runs', `run ${runId} cancelled; "stdd resume ${runId}" continues it`)
      } else {
        const message = err instanceof Error ? err.message : String(err)
        // SQLite errors do not name the file; a file-system error without a path happened in the run's folder.
        const where = String((err as { code?: unknown }).code).startsWith('SQLITE') ? databasePath(this.deps.dataDir) : runDir
        outcome = { status: 'failed', error: storageProblem(err) ? `${describeStorageError(err, where)}; then "stdd resume ${runId}" continues it` : message, errorKind: runErrorKind(err) }
        log.error('runs', `run ${runId} failed: ${outcome.error}`)
      }
    } finally {
      clearInterval(heartbeat)
      this.active = null
    }
    appendRunLog(runDir, outcome.status === 'failed' ? 'error' : 'info', outcome.error ? `${outcome.status}: ${outcome.error}` : outcome.status)
    beat() // the backend, now known, if no progress was reported
    this.writeFinalStatus(runId, outcome)
  }

  /**
   * Writes a run's final status. While the disk is full (or the folder read-only) the write is
   * retried every few seconds, and no further run starts; once space returns the run is marked.
   */
  private writeFinalStatus(runId: number, outcome: FinalStatus): void {
    const { status, error, errorKind } = outcome
    try {
      setRunStatus(this.deps.db, runId, status, error, { errorKind })
    } catch (err) {
      if (!storageProblem(err)) throw err
      if (!this.unwritten.has(runId)) {
        writeStatusSlot(this.runDir(runId), outcome)
        this.deps.log.error('runs', `run ${runId} ended (${status}) but that could not be recorded: ${describeStorageError(err, databasePath(this.deps.dataDir))}; retrying until it can`)
      }
      this.unwritten.set(runId, outcome)
      setTimeout(() => this.writeFinalStatus(runId, outcome), this.deps.statusRetryMs ?? 15_000).unref()
      return
    }
    removeStatusSlot(this.runDir(runId))
    const wasPending = this.unwritten.delete(runId)
    this.announce(runId)
    if (wasPending) {
      this.deps.log.info('runs', `run ${runId} is now recorded as ${status}`)
      if (this.unwritten.size === 0 && this.resumePumpWhenWritten) {
        this.resumePumpWhenWritten = false
        void this.drainQueue()
      }
    }
  }
}
