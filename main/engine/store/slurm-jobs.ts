import { ClusterProfile, type RunSummary, type SlurmJobInfo } from '../../../contract'
import { nowIso, type Db } from './db'

/** The Slurm job of a run submitted by the Slurm executor (table slurm_jobs). */
export interface SlurmJobRecord {
  runId: number
  profile: ClusterProfile
  cluster: string | null
  arrayJobId: number
  taskId: number
  /** Unix seconds, from the scheduler: with the cluster and the job id it names the job (job ids restart). */
  submitTime: number | null
  runDir: string
  script: string
  logFile: string
  state: string
  node: string | null
  pendingReason: string | null
  preemptions: number
  requeues: number
  resumable: boolean
  updatedAt: string
}

interface Row {
  run_id: number
  profile: string
  profile_json: string
  cluster: string | null
  array_job_id: number
  task_id: number
  submit_time: number | null
  run_dir: string
  script: string
  log_file: string
  state: string
  node: string | null
  pending_reason: string | null
  preemptions: number
  requeues: number
  resumable: number
  updated_at: string
}

function fromRow(r: Row): SlurmJobRecord {
  return {
    runId: r.run_id,
    profile: ClusterProfile.parse(JSON.parse(r.profile_json)),
    cluster: r.cluster,
    arrayJobId: r.array_job_id,
    taskId: r.task_id,
    submitTime: r.submit_time,
    runDir: r.run_dir,
    script: r.script,
    logFile: r.log_file,
    state: r.state,
    node: r.node,
    pendingReason: r.pending_reason,
    preemptions: r.preemptions,
    requeues: r.requeues,
    resumable: Boolean(r.resumable),
    updatedAt: r.updated_at,
  }
}

export function jobIdOf(job: Pick<SlurmJobRecord, 'arrayJobId' | 'taskId'>): string {
  return `${job.arrayJobId}_${job.taskId}`
}

export type NewSlurmJob = Pick<SlurmJobRecord, 'runId' | 'profile' | 'cluster' | 'arrayJobId' | 'taskId' | 'submitTime' | 'runDir' | 'script' | 'logFile'>

/** Records a submitted job; a resubmission (resume) replaces the run's earlier job but keeps its counts. */
export function saveSubmittedJob(db: Db, j: NewSlurmJob): void {
  db.prepare(
    `INSERT INTO slurm_jobs (run_id, profile, profile_json, cluster, array_job_id, task_id, submit_time, run_dir, script, log_file, state, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'PENDING', ?)
     ON CONFLICT (run_id) DO UPDATE SET profile = excluded.profile, profile_json = excluded.profile_json, cluster = excluded.cluster,
       array_job_id = excluded.array_job_id, task_id = excluded.task_id, submit_time = excluded.submit_time, run_dir = excluded.run_dir,
       script = excluded.script, log_file = excluded.log_file, state = 'PENDING', node = NULL, pending_reason = NULL, resumable = 0,
       updated_at = excluded.updated_at`,
  ).run(j.runId, j.profile.name, JSON.stringify(j.profile), j.cluster, j.arrayJobId, j.taskId, j.submitTime, j.runDir, j.script, j.logFile, nowIso())
}

export type JobUpdate = Partial<Pick<SlurmJobRecord, 'cluster' | 'submitTime' | 'state' | 'node' | 'pendingReason' | 'preemptions' | 'requeues' | 'resumable'>>

export function updateSlurmJob(db: Db, runId: number, u: JobUpdate): void {
  const columns: Record<keyof JobUpdate, string> = {
    cluster: 'cluster',
    submitTime: 'submit_time',
    state: 'state',
    node: 'node',
    pendingReason: 'pending_reason',
    preemptions: 'preemptions',
    requeues: 'requeues',
    resumable: 'resumable',
  }
  const keys = (Object.keys(u) as (keyof JobUpdate)[]).filter((k) => u[k] !== undefined)
  const values = keys.map((k) => (typeof u[k] === 'boolean' ? Number(u[k]) : u[k]))
  db.prepare(`UPDATE slurm_jobs SET ${[...keys.map((k) => `${columns[k]} = ?`), 'updated_at = ?'].join(', ')} WHERE run_id = ?`).run(...values, nowIso(), runId)
}

export function getSlurmJob(db: Db, runId: number): SlurmJobRecord | null {
  const row = db.prepare('SELECT * FROM slurm_jobs WHERE run_id = ?').get(runId) as Row | undefined
  return row ? fromRow(row) : null
}

/**
 * The jobs the executor still follows: of runs not yet ended, and of runs that ended while their job
 * was still seen on the cluster (until it has left, for its final state).
 */
export function followedSlurmJobs(db: Db): SlurmJobRecord[] {
  const rows = db
    .prepare(
      `SELECT j.* FROM slurm_jobs j JOIN runs r ON r.id = j.run_id
       WHERE r.status IN ('queued', 'running') OR j.state IN ('PENDING', 'RUNNING', 'COMPLETING', 'CONFIGURING', 'REQUEUED', 'SUSPENDED')
       ORDER BY j.run_id`,
    )
    .all() as Row[]
  return rows.map(fromRow)
}

export function jobInfo(j: SlurmJobRecord): SlurmJobInfo {
  return {
    profile: j.profile.name,
    cluster: j.cluster,
    jobId: jobIdOf(j),
    submitTime: j.submitTime,
    state: j.state,
    node: j.node,
    pendingReason: j.pendingReason,
    preemptions: j.preemptions,
    requeues: j.requeues,
    runDir: j.runDir,
    resumable: j.resumable,
    updatedAt: j.updatedAt,
  }
}

/** The executor fields of a run's summary (`stdd runs list --json`, every view). */
export function executorFields(db: Db, runId: number): Pick<RunSummary, 'executor' | 'job'> {
  const j = getSlurmJob(db, runId)
  if (!j) return { executor: 'local' }
  return {
    executor: 'slurm',
    job: { jobId: jobIdOf(j), cluster: j.cluster, state: j.state, node: j.node, pendingReason: j.pendingReason, preemptions: j.preemptions, requeues: j.requeues },
  }
}
