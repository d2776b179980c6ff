import { z } from 'zod'

/** What names one run's job: cluster + array job id + task + submit time (job ids restart with a fresh slurmctld). */
export interface JobKey {
  cluster: string | null
  arrayJobId: number
  taskId: number
  /** Unix seconds of the first submission; attempts of this job were submitted at or after it. */
  submitTime: number | null
}

/** The job's current attempt as the scheduler reports it. */
export interface JobObservation {
  source: 'sacct' | 'squeue'
  state: string
  node: string | null
  pendingReason: string | null
  /** Attempts before the current one (requeues, whatever their cause). */
  requeues: number
  cluster: string | null
  submitTime: number | null
}

/** Whether `task` is in a Slurm array task list such as "0-2", "1,3-5" or "0-7%2". */
export function taskInList(list: string, task: number): boolean {
  return list
    .split('%')[0]!
    .split(',')
    .some((part) => {
      const [lo, hi] = part.split('-').map(Number)
      return hi === undefined ? lo === task : lo! <= task && task <= hi
    })
}

const nullableNumber = z.number().nullable().optional()

const SqueueJob = z.looseObject({
  job_id: z.number(),
  array_job_id: nullableNumber,
  array_task_id: nullableNumber,
  array_task_string: z.string().nullable().optional(),
  job_state: z.string(),
  state_reason: z.string().nullable().optional(),
  restart_cnt: nullableNumber,
  submit_time: nullableNumber,
  nodes: z.string().nullable().optional(),
  batch_host: z.string().nullable().optional(),
  cluster: z.string().nullable().optional(),
})
const SqueueReply = z.looseObject({ jobs: z.array(SqueueJob) })

const SacctJob = z.looseObject({
  job_id: z.number(),
  array: z.looseObject({ job_id: nullableNumber, task_id: nullableNumber, task: z.string().nullable().optional() }).optional(),
  state: z.looseObject({ current: z.string(), reason: z.string().nullable().optional() }),
  time: z.looseObject({ submission: nullableNumber }).optional(),
  nodes: z.string().nullable().optional(),
  cluster: z.string().nullable().optional(),
})
const SacctReply = z.looseObject({ jobs: z.array(SacctJob) })

function isOurs(key: JobKey, e: { arrayJobId: number | null | undefined; taskId: number | null | undefined; taskList: string | null | undefined; jobId: number; cluster: string | null | undefined; submit: number | null | undefined }): boolean {
  if (key.cluster && e.cluster && e.cluster !== key.cluster) return false
  if (key.submitTime !== null && typeof e.submit === 'number' && e.submit > 0 && e.submit < key.submitTime) return false
  const arrayId = e.arrayJobId || e.jobId
  if (arrayId !== key.arrayJobId) return false
  if (typeof e.taskId === 'number') return e.taskId === key.taskId
  return e.taskList ? taskInList(e.taskList, key.taskId) : key.taskId === 0
}

const noneIfEmpty = (s: string | null | undefined): string | null => (s && s !== 'None' && s !== '(null)' ? s : null)

/** Our job in `squeue --json -t all` output (also while it still waits inside its array), or null. */
export function fromSqueue(json: unknown, key: JobKey): JobObservation | null {
  const reply = SqueueReply.parse(json)
  const mine = reply.jobs.filter((j) =>
    isOurs(key, { arrayJobId: j.array_job_id, taskId: j.array_task_id, taskList: j.array_task_string, jobId: j.job_id, cluster: j.cluster, submit: j.submit_time }),
  )
  const j = mine.sort((a, b) => (b.submit_time ?? 0) - (a.submit_time ?? 0))[0]
  if (!j) return null
  return {
    source: 'squeue',
    state: j.job_state,
    node: noneIfEmpty(j.batch_host) ?? noneIfEmpty(j.nodes),
    pendingReason: j.job_state === 'PENDING' ? noneIfEmpty(j.state_reason) : null,
    requeues: j.restart_cnt ?? 0,
    cluster: j.cluster ?? null,
    submitTime: j.submit_time ?? null,
  }
}

/** Our job's attempts in `sacct --json` output (with slurmdbd): the newest is its state, the others its requeues. */
export function fromSacct(json: unknown, key: JobKey): JobObservation | null {
  const reply = SacctReply.parse(json)
  const attempts = reply.jobs
    .filter((j) => isOurs(key, { arrayJobId: j.array?.job_id, taskId: j.array?.task_id, taskList: j.array?.task, jobId: j.job_id, cluster: j.cluster, submit: j.time?.submission }))
    .sort((a, b) => (a.time?.submission ?? 0) - (b.time?.submission ?? 0))
  const last = attempts.at(-1)
  if (!last) return null
  return {
    source: 'sacct',
    state: last.state.current,
    node: noneIfEmpty(last.nodes === 'None assigned' ? null : last.nodes),
    pendingReason: last.state.current === 'PENDING' ? noneIfEmpty(last.state.reason) : null,
    requeues: attempts.length - 1,
    cluster: last.cluster ?? null,
    submitTime: last.time?.submission ?? null,
  }
}

/**
 * The job's state from accounting (sacct) checked against the queue (squeue): right after Slurm requeues a
 * job itself (its node failed: NODE_FAIL), accounting holds only the attempt that ended for a few seconds,
 * while the queue already shows the job pending again. Then the queue's word counts, with the requeues
 * either one saw.
 */
export function currentAttempt(accounting: JobObservation | null, queue: JobObservation | null): JobObservation | null {
  if (!accounting || !queue) return accounting ?? queue
  if (ENDED_STATES.has(accounting.state) && !ENDED_STATES.has(queue.state)) return { ...queue, requeues: Math.max(accounting.requeues + 1, queue.requeues) }
  return accounting
}

/** Slurm states after which the job runs no more (unless requeued by hand). */
export const ENDED_STATES = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'NODE_FAIL', 'OUT_OF_MEMORY', 'BOOT_FAIL', 'DEADLINE', 'SPECIAL_EXIT'])
/** Ended states after which the run continues from its checkpoint when submitted again. */
export const RESUMABLE_STATES = new Set(['TIMEOUT', 'NODE_FAIL', 'BOOT_FAIL', 'DEADLINE', 'PREEMPTED', 'OUT_OF_MEMORY'])
