import { appendFileSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ContractError, type ClusterProfile, type RunSummary, type SlurmJobInfo } from '../../../contract'
import type { EventBus } from '../events'
import type { EngineLog } from '../log'
import { runsDir } from '../paths'
import type { Db } from '../store/db'
import { dequeue } from '../store/queue'
import { getRun, getRunSummary, setRunStatus } from '../store/runs'
import type { ExperimentConfig } from '../experiments/schema'
import { followedSlurmJobs, getSlurmJob, jobIdOf, jobInfo, saveSubmittedJob, updateSlurmJob, type SlurmJobRecord } from '../store/slurm-jobs'
import { ClusterFileError, clusterLink, type ClusterLink } from './cluster-link'
import { fetchCheckpoints } from './fetch-checkpoints'
import { verdictFor } from './job-status'
import { EVENTS_FILE, sbatchScript, WORKER_LOG } from './sbatch-script'
import { currentAttempt, ENDED_STATES, fromSacct, fromSqueue, type JobKey, type JobObservation } from './scheduler-state'
import type { RunRecord } from '../worker/record'
import type { WorkerPort } from './worker-port'

export interface SlurmExecutorDeps {
  db: Db
  dataDir: string
  bus: EventBus
  log: EngineLog
  worker: WorkerPort
  /** Follow submitted jobs in the background this often (the app, \`stdd serve\`); null: only when asked (the CLI). */
  followEveryMs: number | null
}

/** The text of a failed Slurm command, for errors. */
function failure(link: ClusterLink, argv: string[], r: { code: number; stderr: string; stdout: string }): string {
  return `"${link.describe(argv)}" failed (exit code ${r.code}): ${(r.stderr || r.stdout).trim() || 'no output'}`
}

/**
 * Runs on a Slurm cluster: submits a launch as one job array (an sbatch script stored with each
 * run), follows each job — the worker's record first, then `sacct --json` where the cluster keeps
 * accounting, then `squeue --json` — imports the record into the database, and cancels (`scancel`)
 * or resubmits (resume, on the same run folder) on request.
 */
export class SlurmExecutor {
  /** Per profile: whether `sacct` works there (null: not tried yet). */
  private readonly accounting = new Map<string, boolean>()
  /** Runs whose job was seen COMPLETED without the worker's end record (the record may lag on a shared file system). */
  private readonly endedWithoutRecord = new Set<number>()
  private timer: NodeJS.Timeout | null = null
  private polling: Promise<void> | null = null

  constructor(private readonly deps: SlurmExecutorDeps) {}

  isSlurmRun(runId: number): boolean {
    return getSlurmJob(this.deps.db, runId) !== null
  }

  /** Takes freshly launched runs out of the local queue (call in the same tick as the launch). */
  takeFromLocalQueue(runIds: number[]): void {
    for (const id of runIds) dequeue(this.deps.db, id)
  }

  private runsFolder(profile: ClusterProfile): string {
    if (profile.runsFolder) return profile.runsFolder
    if (profile.ssh) throw new ContractError('invalid_input', `cluster profile "${profile.name}" reaches the cluster over ssh: set its runsFolder to a folder on the cluster that every node sees`)
    return join(this.deps.dataDir, 'slurm-runs')
  }

  private nodeDataDir(profile: ClusterProfile): string {
    return profile.nodeDataDir ?? (profile.ssh ? join(this.runsFolder(profile), 'data') : this.deps.dataDir)
  }

  /** The local copy of a run's record (ssh profiles) or the shared run folder itself. */
  private importDir(job: Pick<SlurmJobRecord, 'runId' | 'runDir' | 'profile'>): string {
    return job.profile.ssh ? join(runsDir(this.deps.dataDir), String(job.runId)) : job.runDir
  }

  /**
   * Submits `runIds` (queued, out of the local queue) as one job array with `profile`. Writes each
   * run's run.json and the script, runs `sbatch`, records the jobs. When the submission fails, the
   * runs are marked failed with the reason (sbatch's message) and the error is thrown.
   */
  async submit(runIds: number[], profile: ClusterProfile, jobName: string, existingDirs?: Map<number, string>): Promise<void> {
    const { db, worker } = this.deps
    const link = clusterLink(profile)
    try {
      const folder = this.runsFolder(profile)
      const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '')
      const batchDir = join(folder, `batch-${stamp}-run${runIds[0]}`)
      const runDirs = runIds.map((id) => existingDirs?.get(id) ?? join(folder, `run-${worker.runKey(id)}`))
      const nodeData = this.nodeDataDir(profile)
      for (const [i, id] of runIds.entries()) {
        const spec = `${JSON.stringify(worker.runSpec(id, nodeData), null, 1)}\n`
        await link.writeFile(join(runDirs[i]!, worker.specFile), spec)
        if (profile.ssh) this.writeMirrorSpec(id, spec)
      }
      const script = sbatchScript({ profile, jobName, runDirs, batchDir, runIds })
      const scriptPath = join(batchDir, 'submit.sbatch')
      await link.writeFile(scriptPath, script)
      const argv = ['sbatch', '--parsable', scriptPath]
      const r = await link.run(argv)
      if (r.code !== 0) throw new Error(failure(link, argv, r))
      const [idText, clusterText] = r.stdout.trim().split(';')
      const arrayJobId = Number(idText)
      if (!Number.isInteger(arrayJobId) || arrayJobId < 1) throw new Error(`"${link.describe(argv)}" printed "${r.stdout.trim()}", not a job id`)
      const seen = await this.observe(link, profile, { cluster: clusterText ?? null, arrayJobId, taskId: 0, submitTime: null }, false)
      db.transaction(() => {
        for (const [i, runId] of runIds.entries()) {
          saveSubmittedJob(db, { runId, profile, cluster: seen?.cluster ?? clusterText ?? null, arrayJobId, taskId: i, submitTime: seen?.submitTime ?? null, runDir: runDirs[i]!, script, logFile: join(batchDir, `slurm-${arrayJobId}_${i}.out`) })
          setRunStatus(db, runId, 'queued')
        }
      })()
      this.deps.log.info('slurm', `submitted run(s) ${runIds.join(', ')} as job array ${arrayJobId} (profile "${profile.name}", ${link.describe(argv)})`)
      for (const id of runIds) this.announce(id)
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err)
      for (const id of runIds) {
        setRunStatus(db, id, 'failed', `could not submit to Slurm: ${message}`)
        this.announce(id)
      }
      throw err instanceof ContractError ? err : new ContractError('unavailable', `could not submit to Slurm (profile "${profile.name}"): ${message}`)
    }
  }

  private writeMirrorSpec(runId: number, spec: string): void {
    const dir = join(runsDir(this.deps.dataDir), String(runId))
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, this.deps.worker.specFile), spec)
  }

  private announce(runId: number): void {
    const run = getRunSummary(this.deps.db, runId)
    this.deps.bus.emit('runs.changed', run)
    this.deps.bus.emit('run.state', { runId, status: run.status, error: run.error })
  }

  /** The job's current attempt: sacct where accounting works (checked against squeue once it says the job ended), else squeue; null when neither knows it. */
  private async observe(link: ClusterLink, profile: ClusterProfile, key: JobKey, useAccounting = true): Promise<JobObservation | null> {
    let accounted: JobObservation | null = null
    if (useAccounting && this.accounting.get(profile.name) !== false) {
      const r = await link.run(['sacct', '--json', '-j', String(key.arrayJobId)])
      if (r.code === 0) {
        this.accounting.set(profile.name, true)
        accounted = fromSacct(JSON.parse(r.stdout), key)
        if (accounted && !ENDED_STATES.has(accounted.state)) return accounted
      } else if (/accounting storage is disabled|accounting_storage\/none/i.test(r.stderr + r.stdout)) {
        this.accounting.set(profile.name, false)
      }
    }
    const q = await link.run(['squeue', '--json', '-t', 'all', '-j', String(key.arrayJobId)])
    return currentAttempt(accounted, q.code === 0 ? fromSqueue(JSON.parse(q.stdout), key) : null)
  }

  /** Copies what is new of a remote record (complete lines only) into the run's local folder. */
  private async mirrorRecord(link: ClusterLink, job: SlurmJobRecord): Promise<void> {
    const local = join(this.importDir(job), this.deps.worker.recordFile)
    mkdirSync(this.importDir(job), { recursive: true })
    const have = existsSync(local) ? statSync(local).size : 0
    const fresh = await link.readFrom(join(job.runDir, this.deps.worker.recordFile), have)
    const end = fresh.lastIndexOf(10)
    if (end >= 0) appendFileSync(local, fresh.subarray(0, end + 1))
  }

  /** Progress and log lines of freshly imported records, live to the faces. */
  private forward(runId: number, records: RunRecord[]): void {
    for (const r of records) {
      if (r.type === 'progress') {
        const { seq: _s, runKey: _k, at: _a, type: _t, ...p } = r
        this.deps.bus.emit('run.progress', { runId, ...p })
      } else if (r.type === 'log') this.deps.log[r.level](`run ${runId}`, r.message)
    }
  }

  private async tail(link: ClusterLink, path: string, lines: number): Promise<string> {
    const r = await link.run(['tail', '-n', String(lines), path])
    return r.code === 0 ? r.stdout : ''
  }

  private async signalsReceived(link: ClusterLink, job: SlurmJobRecord): Promise<number> {
    const r = await link.run(['cat', join(job.runDir, EVENTS_FILE)])
    return r.code === 0 ? r.stdout.split('\n').filter((l) => l.endsWith(' signal USR1')).length : job.preemptions
  }

  /**
   * One look at one job: imports its record (the worker's word on the run comes first), then asks
   * the scheduler for the job's state, node, pending reason and requeues. A run the record has not
   * ended takes its status from the job's state (never "done").
   */
  private async followOne(job: SlurmJobRecord): Promise<void> {
    const { db } = this.deps
    const link = clusterLink(job.profile)
    if (job.profile.ssh) await this.mirrorRecord(link, job)
    const statusBeforeImport = getRunSummary(db, job.runId).status
    this.forward(job.runId, this.deps.worker.importRecord(job.runId, this.importDir(job)))
    const before = getRunSummary(db, job.runId)
    // A worker ends "cancelled" on SIGTERM. Unless this app cancelled the run (cancel() marks it first), Slurm sent
    // it: time limit, node failure, pre-emption past its grace. Then the job's state says what became of the run
    // (failed with TIMEOUT, or queued again when Slurm requeued it), not the worker's end.
    const stoppedBySlurm = before.status === 'cancelled' && statusBeforeImport !== 'cancelled'
    const recordEnded = !stoppedBySlurm && before.status !== 'queued' && before.status !== 'running'
    const seen = await this.observe(link, job.profile, { cluster: job.cluster, arrayJobId: job.arrayJobId, taskId: job.taskId, submitTime: job.submitTime })
    const preemptions = await this.signalsReceived(link, job)
    const lastLines = await this.tail(link, join(job.runDir, WORKER_LOG), 20)
    // Resubmitted (resume) while this look waited on the scheduler: what it saw is the old job's; the next pass follows the new one.
    const current = getSlurmJob(db, job.runId)
    if (!current || current.arrayJobId !== job.arrayJobId || current.submitTime !== job.submitTime) return
    const found = seen ? { node: seen.node, pendingReason: seen.pendingReason, requeues: seen.requeues, cluster: seen.cluster ?? job.cluster } : {}
    if (seen && seen.requeues > job.requeues) this.deps.log.info('slurm', `run ${job.runId}: Slurm requeued job ${jobIdOf(job)} (requeue ${seen.requeues}, now ${seen.state}); the worker resumes from its checkpoint when the job starts again`)
    if (recordEnded) {
      updateSlurmJob(db, job.runId, { state: seen?.state ?? 'UNKNOWN', ...found, preemptions, resumable: before.status !== 'done' })
      this.announce(job.runId)
      return
    }
    const jobId = jobIdOf(job)
    const verdict = verdictFor(seen, jobId, () => lastLines)
    if (verdict.status === 'failed' && seen?.state === 'COMPLETED' && !this.endedWithoutRecord.has(job.runId)) {
      // Give the record one more look before calling a COMPLETED job without an end a failure.
      this.endedWithoutRecord.add(job.runId)
      verdict.status = null
    }
    updateSlurmJob(db, job.runId, { state: seen?.state ?? 'UNKNOWN', ...found, preemptions, resumable: verdict.resumable })
    if (verdict.status && verdict.status !== before.status) {
      setRunStatus(db, job.runId, verdict.status, verdict.error)
      if (verdict.error) this.deps.log.warn('slurm', `run ${job.runId}: ${verdict.error}`)
    }
    this.announce(job.runId)
  }

  /** One pass over every run still queued or running on Slurm. Errors are logged per run; the pass goes on. */
  poll(): Promise<void> {
    if (this.polling) return this.polling
    this.polling = (async () => {
      for (const job of followedSlurmJobs(this.deps.db)) {
        try {
          await this.followOne(job)
        } catch (err) {
          this.deps.log.warn('slurm', `run ${job.runId} (job ${jobIdOf(job)}): ${err instanceof Error ? err.message : String(err)}`)
        }
      }
    })().finally(() => {
      this.polling = null
    })
    return this.polling
  }

  /** Follows the submitted jobs in the background, where this engine does so (`followEveryMs`). */
  followInBackground(): void {
    const every = this.deps.followEveryMs
    if (this.timer || every === null) return
    this.timer = setInterval(() => void this.poll(), every)
    this.timer.unref()
    void this.poll()
  }

  stopFollowing(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  /** Polls until none of `runIds` is queued or running (or `stop` resolves). */
  async followUntilDone(runIds: number[], everyMs: number, stop: Promise<void>): Promise<void> {
    let stopped = false
    void stop.then(() => (stopped = true))
    for (;;) {
      await this.poll()
      const open = runIds.filter((id) => ['queued', 'running'].includes(getRunSummary(this.deps.db, id).status))
      if (open.length === 0 || stopped) return
      await new Promise((r) => setTimeout(r, everyMs))
    }
  }

  private requireJob(runId: number): SlurmJobRecord {
    const job = getSlurmJob(this.deps.db, runId)
    if (!job) throw new ContractError('not_found', `run ${runId} was not submitted to Slurm`)
    return job
  }

  /** `scancel` of the run's own array task; the run is cancelled at once (resume continues it). */
  async cancel(runId: number): Promise<RunSummary> {
    const job = this.requireJob(runId)
    const run = getRunSummary(this.deps.db, runId)
    if (run.status !== 'queued' && run.status !== 'running') throw new ContractError('conflict', `run ${runId} is ${run.status}; only queued or running runs can be cancelled`)
    const link = clusterLink(job.profile)
    const argv = ['scancel', jobIdOf(job)]
    const r = await link.run(argv)
    if (r.code !== 0) throw new ContractError('unavailable', failure(link, argv, r))
    setRunStatus(this.deps.db, runId, 'cancelled')
    updateSlurmJob(this.deps.db, runId, { state: 'CANCELLED', resumable: true })
    this.deps.log.info('slurm', `cancelled run ${runId} (scancel ${jobIdOf(job)}); "stdd resume ${runId}" continues it`)
    this.announce(runId)
    return getRunSummary(this.deps.db, runId)
  }

  /** Submits a failed or cancelled run again, with its profile, on its own run folder: it resumes from its last checkpoint. */
  async resume(runId: number): Promise<RunSummary> {
    const job = this.requireJob(runId)
    const run = getRunSummary(this.deps.db, runId)
    if (run.status === 'done') throw new ContractError('conflict', `run ${runId} is done; nothing to resume`)
    if (run.status === 'queued' || run.status === 'running') throw new ContractError('conflict', `run ${runId} is ${run.status} on Slurm (job ${jobIdOf(job)})`)
    // What the ended attempt recorded last (its `end`, written as scancel or the failure stopped it) is imported
    // now: imported after the resubmission, that old end would end the resumed run.
    if (job.profile.ssh) await this.mirrorRecord(clusterLink(job.profile), job)
    this.forward(runId, this.deps.worker.importRecord(runId, this.importDir(job)))
    setRunStatus(this.deps.db, runId, 'queued')
    this.endedWithoutRecord.delete(runId)
    await this.submit([runId], job.profile, `${run.experimentName}-resume`, new Map([[runId, job.runDir]]))
    return getRunSummary(this.deps.db, runId)
  }

  /**
   * For a run whose folder is on a cluster reached over ssh (no shared file system): copies the
   * checkpoints that evaluating its `choice` weights reads into its local folder, where "evaluate
   * again" (and the maps it keeps) loads them, checked against their SHA-256. Nothing for other runs.
   */
  async fetchCheckpoints(runId: number, choice: string): Promise<void> {
    const job = getSlurmJob(this.deps.db, runId)
    if (!job?.profile.ssh) return
    const { train } = getRun(this.deps.db, runId).config as ExperimentConfig
    const req = { runId, remoteRunDir: job.runDir, localRunDir: this.importDir(job), choice, train }
    try {
      await fetchCheckpoints(clusterLink(job.profile), req, (line) => this.deps.log.info('slurm', line))
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err)
      throw new ContractError(err instanceof ClusterFileError ? ({ unreachable: 'unavailable', missing: 'not_found', failed: 'unavailable' } as const)[err.reason] : 'invalid_input', message)
    }
  }

  /** The run's job, its sbatch script and the tail of its logs (the job script's notes, the worker's output, Slurm's own); null for a local run. */
  async jobDetail(runId: number, logLines: number): Promise<{ job: SlurmJobInfo; script: string; logTail: string } | null> {
    const job = getSlurmJob(this.deps.db, runId)
    if (!job) return null
    const link = clusterLink(job.profile)
    const parts: string[] = []
    for (const file of [join(job.runDir, EVENTS_FILE), join(job.runDir, WORKER_LOG), job.logFile]) {
      const text = await this.tail(link, file, logLines)
      if (text) parts.push(`== ${file}\n${text}`)
    }
    return { job: jobInfo(job), script: job.script, logTail: parts.join('\n') }
  }
}

/** `sinfo` through the profile's link: whether the cluster answers, and what it said. */
export async function testConnection(profile: ClusterProfile): Promise<{ ok: boolean; command: string; output: string }> {
  const link = clusterLink(profile)
  const argv = ['sinfo', '--summarize']
  const r = await link.run(argv)
  return { ok: r.code === 0, command: link.describe(argv), output: (r.stdout + r.stderr).trim() }
}
