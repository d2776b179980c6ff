import { hostname } from 'node:os'
import { ContractError, type Experiment, type RunSummary } from '../../../contract'
import type { EventBus } from '../events'
import type { EngineLog } from '../log'
import { pinRunGraph } from '../experiments/pin-graph'
import type { ResolvedExperiment } from '../experiments/resolve'
import type { Db } from '../store/db'
import { createExperiment, experimentIdByName, getExperiment } from '../store/experiments'
import { claim, dequeue, enqueue, queuedRunIds } from '../store/queue'
import { createRun, getRunSummary, setRunStatus, type RunErrorKind } from '../store/runs'
import { runNames } from '../store/run-sources'
import { markRunOwner, requestCancel, runningRuns, touchRun } from '../store/run-liveness'
import { hadNoRunKey, runKey } from '../store/run-records'
import { describeStorageError, storageProblem } from '../store/storage-errors'
import { databasePath, runsDir } from '../paths'
import { gitCommit } from '../system/provenance'
import { isProcessAlive } from '../util/process-alive'
import { importRunRecord } from '../worker/import-record'
import type { RunRecord } from '../worker/record'
import { runKeyOf, writeRunSpec } from '../worker/run-spec'
import type { LaunchedWorker, RunLauncher, WorkerExit } from './launcher'
import { runErrorKind } from './error-kind'
import { prepareRunFolder } from './run-folder'
import { appendRunLog } from './run-log'
import { readStatusSlot, removeStatusSlot, reserveStatusSlot, writeStatusSlot } from './status-slot'
import { buildRunSpec, runFolder } from './run-spec-builder'

export interface RunManagerDeps {
  db: Db
  dataDir: string
  bus: EventBus
  log: EngineLog
  /** Starts a run's worker (a child process by default; see engine.ts). */
  launcher: RunLauncher
  /** The backend this engine computes on (recorded with each run at launch; its worker records its own). */
  backendName(): string | null
  /** How many runs execute at once (default 1). */
  maxParallel?: number
  /** A run whose heartbeat is older than this is dead even if its pid is alive (reused). Default {@link STALE_HEARTBEAT_MS}. */
  staleAfterMs?: number
  /** How often an import that found the disk full (or read-only) is tried again. Default 15 s. */
  statusRetryMs?: number
  /** How often a running worker's record is read (besides its own notifications). Default {@link RECORD_POLL_MS}. */
  recordPollMs?: number
  /**
   * Why the database file this engine opened is no longer the one at its path (deleted, or another data
   * folder moved into place), or null. Then nothing more is imported or retried: the run folders at the
   * same paths may be another folder's.
   */
  databaseLost?(): string | null
}

/** How often a running run's heartbeat is written, besides at each progress report. */
export const HEARTBEAT_MS = 30_000
/** A heartbeat older than this means the run's engine is gone (default of `staleAfterMs`). */
export const STALE_HEARTBEAT_MS = 10 * 60_000
/** How often a running worker's record is tailed. */
export const RECORD_POLL_MS = 200

export interface Launched {
  experiment: Experiment
  runs: RunSummary[]
}

interface ActiveRun {
  runId: number
  runKey: string | null
  runDir: string | null
  worker: LaunchedWorker | null
  cancelRequested: boolean
  /** The record's `end` was imported (the importer wrote the final status). */
  ended: boolean
  /** The last error of an import, while imports fail. */
  importError: string | null
  /** That error is a full or read-only disk: the import is tried again. */
  importRetryable: boolean
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref())
const message = (err: unknown): string => (err instanceof Error ? err.message : String(err))

/**
 * The run lifecycle of one engine: runs wait in a persistent queue and execute in worker processes,
 * one at a time by default; the engine imports each worker's record into the database as it grows
 * (docs/worker.md). Cancel asks the worker to stop at its next step, then escalates; a worker that dies
 * fails its run with the reason; a run whose engine died is marked interrupted and can be resumed from its
 * last checkpoint. Every change is streamed as `runs.changed` / `run.state` events.
 */
export class RunManager {
  private readonly active = new Map<number, ActiveRun>()
  private pumping: Promise<void> | null = null
  private wakePump: (() => void) | null = null
  private stopping = false
  private readonly host = hostname()

  constructor(private readonly deps: RunManagerDeps) {}

  /**
   * Runs left `running` by a dead engine process on this machine (its pid is gone, or its heartbeat
   * stopped, or the pid is this very process, which is not running it): what their workers recorded is
   * imported, then those that did not end are marked failed (interrupted).
   */
  recoverInterrupted(now = Date.now()): number[] {
    const staleAfter = this.deps.staleAfterMs ?? STALE_HEARTBEAT_MS
    const dead = runningRuns(this.deps.db).filter((r) => {
      if (r.host !== this.host || this.active.has(r.id)) return false
      const stale = r.heartbeatAt === null || now - Date.parse(r.heartbeatAt) > staleAfter
      return r.pid === null || r.pid === process.pid || !isProcessAlive(r.pid) || stale
    })
    const interrupted: number[] = []
    for (const r of dead) {
      const runDir = this.importLeftovers(r.id)
      if (getRunSummary(this.deps.db, r.id).status === 'running') {
        // A status its engine could not write (the disk was full) is the reason, not the exit that followed.
        // Its running time ends at its last heartbeat, not at this check.
        const endedAt = r.heartbeatAt ?? undefined
        const kept = readStatusSlot(runDir)
        if (kept) setRunStatus(this.deps.db, r.id, kept.status, kept.error, { endedAt })
        else {
          setRunStatus(this.deps.db, r.id, 'failed', `interrupted: its engine process stopped while it ran; "stdd resume ${r.id}" continues from the last checkpoint`, { endedAt })
          interrupted.push(r.id)
        }
      } // else its worker recorded its end before the engine died
      removeStatusSlot(runDir)
      this.announce(r.id)
    }
    return interrupted
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
    const active = this.active.get(runId)
    if (active) {
      active.cancelRequested = true
      active.worker?.cancel()
      this.deps.log.info('runs', `cancelling run ${runId} at the next step`)
      return run
    }
    if (run.status === 'running') {
      // Another engine process runs it: leave a request that it reads at its next heartbeat.
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

  /** Imports what a run's worker recorded that is not in the database yet (its engine died first); returns the run's folder. */
  private importLeftovers(runId: number): string {
    const runDir = runFolder(this.deps.dataDir, runId)
    const key = runKey(this.deps.db, runId)
    if (runKeyOf(runDir) !== key) return runDir
    try {
      importRunRecord(this.deps.db, runDir, { runId, runKey: key })
    } catch (err) {
      this.deps.log.error('runs', `run ${runId}: its record could not be imported: ${message(err)}`)
    }
    return runDir
  }

  /** Queues a failed, cancelled or interrupted run again; it continues from its last checkpoint. */
  resume(runId: number): RunSummary {
    if (getRunSummary(this.deps.db, runId).status !== 'running') this.importLeftovers(runId)
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

  /** Runs everything in the queue, in order, up to `maxParallel` at a time; resolves when the queue is empty. */
  drainQueue(): Promise<void> {
    if (this.pumping) {
      this.wakePump?.()
      return this.pumping
    }
    const max = Math.max(1, this.deps.maxParallel ?? 1)
    const pump = (async () => {
      const running = new Set<Promise<void>>()
      for (;;) {
        const next = running.size < max ? queuedRunIds(this.deps.db).find((id) => !this.active.has(id)) : undefined
        if (next !== undefined) {
          const run: Promise<void> = this.runOne(next).finally(() => running.delete(run))
          running.add(run)
          continue
        }
        if (running.size === 0) return
        await Promise.race([...running, new Promise<void>((wake) => (this.wakePump = wake))])
        this.wakePump = null
      }
    })()
    // Cleared once the pump has settled (never from inside it: an empty queue settles synchronously).
    this.pumping = pump.finally(() => {
      if (this.pumping === guarded) this.pumping = null
    })
    const guarded = this.pumping
    return guarded
  }

  /**
   * Runs just these runs (the CLI's `stdd run`), in order, up to `maxParallel` at a time, leaving the
   * rest of the queue alone; once `stopping()` says so, no further run starts.
   */
  async runOnly(runIds: readonly number[], stopping: () => boolean = () => false): Promise<void> {
    let next = 0
    const lane = async (): Promise<void> => {
      while (next < runIds.length && !stopping()) await this.runOne(runIds[next++]!)
    }
    const lanes = Math.min(Math.max(1, this.deps.maxParallel ?? 1), runIds.length)
    await Promise.all(Array.from({ length: lanes }, lane))
  }

  /** The runs executing now. */
  get activeRunIds(): number[] {
    return [...this.active.keys()]
  }

  private announce(runId: number): void {
    const run = getRunSummary(this.deps.db, runId)
    this.deps.bus.emit('runs.changed', run)
    this.deps.bus.emit('run.state', { runId, status: run.status, error: run.error })
  }

  private async runOne(runId: number): Promise<void> {
    const { db, log } = this.deps
    if (!claim(db, runId, null, this.host)) return
    markRunOwner(db, runId, process.pid)
    const run: ActiveRun = { runId, runKey: null, runDir: null, worker: null, cancelRequested: false, ended: false, importError: null, importRetryable: false }
    this.active.set(runId, run)
    this.announce(runId)
    const beat = (): void => {
      try {
        if (touchRun(db, runId, null).cancelRequested && !run.cancelRequested) this.cancel(runId)
      } catch {
        // A full or read-only disk: the import reports it.
      }
    }
    const heartbeat = setInterval(beat, HEARTBEAT_MS)
    heartbeat.unref()
    try {
      let exit: WorkerExit
      try {
        const legacy = hadNoRunKey(db, runId)
        run.runKey = runKey(db, runId)
        const folder = prepareRunFolder(runsDir(this.deps.dataDir), runId, run.runKey, legacy)
        run.runDir = folder.runDir
        reserveStatusSlot(run.runDir)
        if (folder.movedAside) log.warn('runs', `run ${runId}: its folder held another run's files (run ids are reused after a database restore); moved them to ${folder.movedAside}`)
        writeRunSpec(run.runDir, buildRunSpec(db, this.deps.dataDir, runId))
        log.info('runs', `run ${runId} started`)
        appendRunLog(run.runDir, 'info', `started on ${this.host}`)
        run.worker = this.deps.launcher.launch(run.runDir)
      } catch (err) {
        const where = String((err as { code?: unknown }).code).startsWith('SQLITE') ? databasePath(this.deps.dataDir) : (run.runDir ?? runFolder(this.deps.dataDir, runId))
        await this.writeStatus(runId, run.runDir, 'failed', storageProblem(err) ? `${describeStorageError(err, where)}; then "stdd resume ${runId}" continues it` : message(err), runErrorKind(err))
        return
      }
      if (run.cancelRequested) run.worker.cancel()
      run.worker.onAppend(() => this.pull(run, beat))
      const tail = setInterval(() => this.pull(run, beat), this.deps.recordPollMs ?? RECORD_POLL_MS)
      try {
        exit = await run.worker.exited
      } finally {
        clearInterval(tail)
      }
      await this.importRest(run, beat)
      if (run.ended) return removeStatusSlot(run.runDir)
      if (run.importRetryable && this.stopping) return // the next start imports the record
      if (run.cancelRequested && run.importError === null) await this.writeStatus(runId, run.runDir, 'cancelled', `its worker did not stop at a step boundary in time and was ${exitDescription(exit)}`)
      else await this.writeStatus(runId, run.runDir, 'failed', this.deathReason(run, exit))
    } finally {
      clearInterval(heartbeat)
      this.active.delete(runId)
    }
  }

  /** Imports what the worker appended since the last import, and forwards it live. Returns false while imports fail. */
  private pull(run: ActiveRun, beat: () => void): boolean {
    const { log, bus, db } = this.deps
    if (!run.runDir || !run.runKey) return true
    const lost = this.deps.databaseLost?.() ?? null
    if (lost !== null) {
      if (run.importError !== lost) log.error('runs', `run ${run.runId}: its results are not imported: ${lost}; its worker's record keeps them`)
      run.importError = lost
      run.importRetryable = false
      return false
    }
    let records: RunRecord[]
    try {
      records = importRunRecord(db, run.runDir, { runId: run.runId, runKey: run.runKey })
    } catch (err) {
      const why = storageProblem(err) ? describeStorageError(err, databasePath(this.deps.dataDir)) : message(err)
      if (run.importError === null) log.error('runs', `run ${run.runId}: its results could not be imported: ${why}; they are kept in ${run.runDir} and imported once it can`)
      run.importError = why
      run.importRetryable = storageProblem(err) !== null
      return false
    }
    if (run.importError !== null) log.info('runs', `run ${run.runId}: its results are imported again`)
    run.importError = null
    for (const r of records) {
      if (r.type === 'progress') {
        const { seq: _s, runKey: _k, at: _a, type: _t, ...p } = r
        beat()
        bus.emit('run.progress', { runId: run.runId, ...p })
      } else if (r.type === 'metrics') {
        // Stored by the import above: every step reaches the faces as it lands (live curves, no polling).
        bus.emit('run.metrics', { runId: run.runId, points: Object.entries(r.values).map(([name, value]) => ({ runId: run.runId, step: r.step, epoch: r.epoch, name, value, time: r.at })) })
      } else if (r.type === 'log') {
        log[r.level](`run ${run.runId}`, r.message)
        appendRunLog(run.runDir, r.level, r.message)
      } else if (r.type === 'end') {
        run.ended = true
        appendRunLog(run.runDir, r.status === 'failed' ? 'error' : 'info', r.error ? `${r.status}: ${r.error}` : r.status)
        log.info('runs', `run ${run.runId} ${r.status}${r.status === 'cancelled' ? `; "stdd resume ${run.runId}" continues it` : ''}`)
        this.announce(run.runId)
      }
    }
    return true
  }

  /** After the worker exited: imports the rest of its record, retrying while the disk is full; the queue waits. */
  private async importRest(run: ActiveRun, beat: () => void): Promise<void> {
    while (!this.pull(run, beat)) {
      if (!run.importRetryable || !(await this.retryLater())) return
    }
  }

  /** Waits before retrying a write that found the disk full; false once this engine stops waiting. */
  private async retryLater(): Promise<boolean> {
    for (let waited = 0; waited < (this.deps.statusRetryMs ?? 15_000) && !this.stopping; waited += 100) await sleep(Math.min(100, this.deps.statusRetryMs ?? 15_000))
    return !this.stopping
  }

  /**
   * Stops waiting for a full disk (the CLI exits on Ctrl-C): what could not be imported stays in the
   * run folders, and the next start of an engine imports it.
   */
  stopWaiting(): void {
    this.stopping = true
  }

  private deathReason(run: ActiveRun, exit: WorkerExit): string {
    if (run.importError !== null) return `its results could not be imported: ${run.importError}`
    const last = exit.lastLines.slice(-5).join(' | ')
    return `interrupted: its worker process ${exitDescription(exit)} before the run ended${last ? `; its last lines: ${last}` : ''}; "stdd resume ${run.runId}" continues from the last checkpoint`
  }

  /**
   * Ends a run the worker did not end. While the disk is full (or read-only) the write is retried and no
   * other run starts; the status waits in the run folder's reserved slot, should this engine stop first.
   */
  private async writeStatus(runId: number, runDir: string | null, status: 'failed' | 'cancelled', error: string, errorKind: RunErrorKind = 'runtime'): Promise<void> {
    const lost = this.deps.databaseLost?.() ?? null
    if (lost !== null) {
      this.deps.log.error('runs', error.includes(lost) ? `run ${runId}: how it ended is not recorded: ${lost}` : `run ${runId} ${status} (${error}), but that is not recorded: ${lost}`)
      return
    }
    if (runDir) appendRunLog(runDir, status === 'failed' ? 'error' : 'warn', `${status}: ${error}`)
    for (let told = false; ; told = true) {
      try {
        setRunStatus(this.deps.db, runId, status, error, { errorKind })
        if (runDir) removeStatusSlot(runDir)
        break
      } catch (err) {
        if (!storageProblem(err)) throw err
        if (!told && runDir) writeStatusSlot(runDir, { status, error })
        if (!told) this.deps.log.error('runs', `run ${runId} ended (${status}) but that could not be recorded: ${describeStorageError(err, databasePath(this.deps.dataDir))}; retrying until it can`)
        if (!(await this.retryLater())) return
      }
    }
    this.deps.log[status === 'failed' ? 'error' : 'warn']('runs', `run ${runId} ${status}: ${error}`)
    this.announce(runId)
  }
}

function exitDescription(exit: WorkerExit): string {
  return exit.signal ? `killed (${exit.signal})` : exit.code === 3 ? 'stopped for a pre-emption' : `exited with code ${exit.code}`
}
