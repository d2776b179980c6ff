import { ContractError, parseCommand, type BackendName, type CommandName, type CommandOutput, type LogEntry } from '../../contract'
import { EventBus, type EngineEventListener } from './events'
import { EngineLog } from './log'
import { databasePath, resolveDataDir } from './paths'
import { openDatabase, type Db } from './store/db'
import { DatabaseFileWatch, DB_FILE_CHECK_MS } from './store/db-file-watch'
import { activeBackend, describeBackend, selectBackend } from './tf/backend'
import { activeGemm } from './tf/gemm'
import { checkPatchedTfjsVersions } from './tf/tfjs_version'
import type { RunExecutor } from './runs/executor'
import { inProcessLauncher } from './runs/in-process-launcher'
import { localWorkerLauncher } from './runs/local-worker'
import { RunManager } from './runs/run-manager'
import { createStddExecutor } from './train/stdd-executor'
import { createHandlers, type Handlers } from './handlers'
import { applyRunSettings, preferredBackend, readSettings } from './settings/app-settings'
import { SlurmExecutor } from './slurm/slurm-executor'
import { workerPort } from './slurm/worker-port-impl'

export interface EngineOptions {
  /** Data folder; defaults to `STDD_HOME` or `~/.stdd`. */
  dataDir?: string
  /** Force a TensorFlow.js backend instead of picking the best available. */
  backend?: BackendName
  /** Skip TensorFlow.js entirely (commands that need it then fail with `unavailable`). */
  withoutTf?: boolean
  /** Electron: path of the Electron-ABI build of better-sqlite3. */
  sqliteBinding?: string
  /** Mirror log entries somewhere (stderr for the CLI). */
  echoLog?: (entry: LogEntry) => void
  /**
   * What executes a run. By default each run's STDD trainer and evaluator run in a worker process
   * (`stdd worker`, docs/worker.md); an executor given here runs inside this process instead (tests).
   */
  executor?: RunExecutor
  /** Run the STDD trainer and evaluator inside this process, not in worker processes (tests that inspect its tensors). */
  runsInProcess?: boolean
  /** How many runs execute at once (default: `STDD_LOCAL_WORKERS`, else 1). */
  maxParallelRuns?: number
  /** How long a cancelled worker has before SIGTERM, and then before SIGKILL (default 10 s each). */
  cancelGraceMs?: number
  /**
   * Work through the run queue by itself (the app and `stdd serve`): at start, after marking runs
   * whose engine died as interrupted, and whenever runs are launched or resumed. The one-shot CLI
   * runs exactly its own runs instead.
   */
  autoRun?: boolean
}

/** How often an engine that runs by itself looks at its Slurm jobs (`STDD_SLURM_POLL_MS` overrides). */
const SLURM_FOLLOW_MS = Number(process.env.STDD_SLURM_POLL_MS) || 10_000

/** Everything a command handler may use. */
export interface EngineContext {
  readonly db: Db
  readonly dataDir: string
  readonly bus: EventBus
  readonly log: EngineLog
  readonly runs: RunManager
  /** Runs submitted to Slurm clusters. */
  readonly slurm: SlurmExecutor
  /** Starts working through the queue if this engine does so by itself (see `autoRun`). */
  kickQueue(): void
}

/**
 * The engine: owns the database, the TensorFlow.js backend and all computation. It never imports
 * `electron`; the faces (Electron main, CLI, headless server) drive it through {@link invoke} and
 * listen to its events through {@link subscribe}.
 */
export class Engine implements EngineContext {
  readonly bus = new EventBus()
  readonly log: EngineLog
  readonly db: Db
  readonly dataDir: string
  readonly runs: RunManager
  readonly slurm: SlurmExecutor
  private readonly handlers: Handlers
  private backendReady: Promise<void> | null = null
  /** The runs this engine marked interrupted when it started (their engine had died). */
  interruptedAtStart: number[] = []
  private readonly autoRun: boolean
  private readonly dbFile: DatabaseFileWatch
  private readonly dbFileTimer: NodeJS.Timeout

  private constructor(opts: EngineOptions) {
    this.log = new EngineLog(this.bus, 1000, opts.echoLog ?? null)
    this.dataDir = resolveDataDir(opts.dataDir)
    this.db = openDatabase({ path: databasePath(this.dataDir), onWarning: (m) => this.log.warn('store', m), ...(opts.sqliteBinding ? { nativeBinding: opts.sqliteBinding } : {}) })
    this.dbFile = new DatabaseFileWatch(this.db, databasePath(this.dataDir), (message) => this.log.error('store', message))
    this.dbFileTimer = setInterval(() => this.dbFile.check(), DB_FILE_CHECK_MS).unref()
    this.autoRun = opts.autoRun ?? false
    const inProcess = opts.executor ?? (opts.runsInProcess ? createStddExecutor({ whenBackendReady: () => this.whenBackendReady() }) : null)
    this.runs = new RunManager({
      db: this.db,
      dataDir: this.dataDir,
      databaseLost: () => this.dbFile.check(),
      bus: this.bus,
      log: this.log,
      launcher: inProcess
        ? inProcessLauncher(inProcess, () => activeBackend()?.name ?? null, () => activeGemm()?.name ?? null)
        : localWorkerLauncher({
            ...(opts.backend ? { backend: opts.backend } : {}),
            preferredBackend: () => preferredBackend(this.db),
            ...(opts.cancelGraceMs !== undefined ? { cancelGraceMs: opts.cancelGraceMs } : {}),
          }),
      backendName: () => activeBackend()?.name ?? null,
      maxParallel: opts.maxParallelRuns ?? parallelRunsFromEnv(),
    })
    this.slurm = new SlurmExecutor({ db: this.db, dataDir: this.dataDir, bus: this.bus, log: this.log, worker: workerPort(this.db, this.dataDir), followEveryMs: this.autoRun ? SLURM_FOLLOW_MS : null })
    this.handlers = createHandlers(this)
  }

  static async start(opts: EngineOptions = {}): Promise<Engine> {
    const engine = new Engine(opts)
    engine.log.info('engine', `data folder ${engine.dataDir}`)
    applyRunSettings(readSettings(engine.db))
    if (!opts.withoutTf) engine.backendReady = engine.initBackend(opts.backend, preferredBackend(engine.db))
    const interrupted = engine.runs.recoverInterrupted()
    engine.interruptedAtStart = interrupted
    if (interrupted.length) engine.log.warn('runs', `run(s) ${interrupted.join(', ')} were interrupted when their engine stopped; resume them to continue from their last checkpoint`)
    engine.kickQueue()
    engine.slurm.followInBackground()
    return engine
  }

  kickQueue(): void {
    if (!this.autoRun) return
    this.runs.drainQueue().catch((err: unknown) => this.log.error('runs', `the run queue stopped: ${err instanceof Error ? err.message : String(err)}`))
  }

  private async initBackend(forced?: BackendName, preferred?: BackendName | null): Promise<void> {
    try {
      checkPatchedTfjsVersions()
      const report = await selectBackend(forced, preferred)
      this.log.info('backend', describeBackend(report))
      this.bus.emit('backend.ready', report)
    } catch (err) {
      this.log.error('backend', err instanceof Error ? err.message : String(err))
      throw err
    }
  }

  /** Resolves once the TensorFlow.js backend is up (rejects if it cannot start). */
  whenBackendReady(): Promise<void> {
    return this.backendReady ?? Promise.reject(new ContractError('unavailable', 'this engine was started without TensorFlow.js'))
  }

  subscribe(listener: EngineEventListener): () => void {
    return this.bus.subscribe(listener)
  }

  /** Validates `input` against the command's schema, runs its handler, returns its result. */
  async invoke<C extends CommandName>(command: C, input: unknown): Promise<CommandOutput<C>>
  async invoke(command: string, input: unknown): Promise<unknown>
  async invoke(command: string, input: unknown): Promise<unknown> {
    const parsed = parseCommand(command, input)
    const lost = this.dbFile.check()
    if (lost !== null) throw new ContractError('unavailable', lost)
    const handler = this.handlers[parsed.command] as (input: unknown) => unknown
    return await handler(parsed.input)
  }

  close(): void {
    clearInterval(this.dbFileTimer)
    this.slurm.stopFollowing()
    this.db.close()
  }
}

/** `STDD_LOCAL_WORKERS`: how many runs execute at once (default 1). */
function parallelRunsFromEnv(): number {
  const raw = process.env.STDD_LOCAL_WORKERS
  if (raw === undefined || raw === '') return 1
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 1) throw new Error(`STDD_LOCAL_WORKERS=${raw}: give a whole number of runs to execute at once (1 or more)`)
  return n
}
