import type { RunStatus } from '../../../contract'
import { ENDED_STATES, RESUMABLE_STATES, type JobObservation } from './scheduler-state'

/** What a run becomes from its job's state, when the worker's record has not ended it. */
export interface RunVerdict {
  /** null: leave the run's status as it is (the state is unknown, or it may still change). */
  status: RunStatus | null
  error: string | null
  resumable: boolean
}

const RUNNING = new Set(['RUNNING', 'COMPLETING', 'CONFIGURING', 'STAGE_OUT', 'SIGNALING'])
const WAITING = new Set(['PENDING', 'REQUEUED', 'REQUEUE_HOLD', 'REQUEUE_FED', 'SUSPENDED', 'RESV_DEL_HOLD', 'RESIZING'])

/** What a resumable end state means, and what to change besides resuming. */
const CAUSES: Record<string, string> = {
  TIMEOUT: 'it reached its time limit before the worker could checkpoint and requeue it (raise the profile\'s timeLimit, or its signalGraceSeconds when one step takes longer than that)',
  NODE_FAIL: 'its node failed or was taken down',
  OUT_OF_MEMORY: 'it ran out of memory (raise the profile\'s memory)',
}

/**
 * The run's status from the scheduler alone. Never "done": only the worker's own `end` record says
 * a run is done. A job that ended without that record failed (with "resume" offered where its
 * checkpoint may carry on: time limit, node failure, out of memory, cancel).
 */
export function verdictFor(obs: JobObservation | null, jobId: string, lastLines: () => string): RunVerdict {
  if (!obs) return { status: null, error: null, resumable: false }
  const s = obs.state
  if (RUNNING.has(s)) return { status: 'running', error: null, resumable: false }
  if (WAITING.has(s)) return { status: 'queued', error: null, resumable: false }
  if (s === 'CANCELLED') return { status: 'cancelled', error: null, resumable: true }
  if (RESUMABLE_STATES.has(s)) return { status: 'failed', error: `Slurm ended job ${jobId} with ${s}: ${CAUSES[s] ?? 'the job stopped'}; resume continues from its last checkpoint`, resumable: true }
  if (ENDED_STATES.has(s)) {
    const tail = lastLines().trim()
    const why = s === 'COMPLETED' ? 'ended without the worker recording an end' : `ended with ${s}`
    return { status: 'failed', error: `Slurm job ${jobId} ${why}${tail ? `; its last lines:\n${tail}` : ''}`, resumable: true }
  }
  return { status: null, error: null, resumable: false }
}
