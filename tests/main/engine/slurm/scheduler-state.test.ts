import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { verdictFor } from '../../../../main/engine/slurm/job-status'
import { currentAttempt, fromSacct, fromSqueue, taskInList } from '../../../../main/engine/slurm/scheduler-state'

// Recorded from Slurm 22.05.8 (tests/helpers/slurm): job array 1 with tasks 0 and 1, both pre-empted
// by job 3 of the high partition, requeued by their own script, then completed.
const sample = (name: string): unknown => JSON.parse(readFileSync(join(__dirname, 'samples', name), 'utf8'))
const CLUSTER = 'stdd98be37'
const FIRST_SUBMIT = 1796529854

describe('reading squeue --json and sacct --json', () => {
  it('finds one task of an array while it runs, with its node', () => {
    const seen = fromSqueue(sample('squeue-running.json'), { cluster: CLUSTER, arrayJobId: 1, taskId: 1, submitTime: FIRST_SUBMIT })
    expect(seen).toMatchObject({ state: 'RUNNING', node: 'vm', requeues: 0, pendingReason: null, cluster: CLUSTER })
  })

  it('after a requeue: pending with its reason and one restart', () => {
    const seen = fromSqueue(sample('squeue-requeued.json'), { cluster: CLUSTER, arrayJobId: 1, taskId: 0, submitTime: FIRST_SUBMIT })
    expect(seen).toMatchObject({ state: 'PENDING', pendingReason: 'BeginTime', requeues: 1, node: null })
  })

  it('sacct: the newest attempt is the state, the earlier ones count as requeues', () => {
    const seen = fromSacct(sample('sacct-requeued.json'), { cluster: CLUSTER, arrayJobId: 1, taskId: 0, submitTime: FIRST_SUBMIT })
    expect(seen).toMatchObject({ source: 'sacct', state: 'COMPLETED', requeues: 1, node: 'vm' })
  })

  it('a job of the same id on another cluster, or submitted before ours, is not ours (job ids restart)', () => {
    expect(fromSacct(sample('sacct-requeued.json'), { cluster: 'other', arrayJobId: 1, taskId: 0, submitTime: null })).toBeNull()
    expect(fromSqueue(sample('squeue-running.json'), { cluster: CLUSTER, arrayJobId: 1, taskId: 0, submitTime: FIRST_SUBMIT + 100 })).toBeNull()
    expect(fromSqueue(sample('squeue-running.json'), { cluster: CLUSTER, arrayJobId: 1, taskId: 5, submitTime: null })).toBeNull()
  })

  it('a pending array not yet split into tasks covers its task list', () => {
    const pending = { jobs: [{ job_id: 7, array_job_id: 7, array_task_id: null, array_task_string: '0-2%1', job_state: 'PENDING', state_reason: 'JobArrayTaskLimit', restart_cnt: 0, submit_time: 10, nodes: '', cluster: 'c' }] }
    expect(fromSqueue(pending, { cluster: 'c', arrayJobId: 7, taskId: 2, submitTime: 10 })).toMatchObject({ state: 'PENDING', pendingReason: 'JobArrayTaskLimit' })
    expect(fromSqueue(pending, { cluster: 'c', arrayJobId: 7, taskId: 3, submitTime: 10 })).toBeNull()
    expect([taskInList('1,3-5', 4), taskInList('1,3-5', 2), taskInList('0', 0)]).toEqual([true, false, true])
  })
})

describe('sacct checked against squeue', () => {
  const seen = (source: 'sacct' | 'squeue', state: string, requeues: number, submitTime: number) => ({ source, state, node: null, pendingReason: state === 'PENDING' ? 'BeginTime' : null, requeues, cluster: 'c', submitTime })

  it('a job Slurm requeued after its node failed: accounting still holds only the NODE_FAIL attempt, the queue has it pending again', () => {
    // As Slurm 22.05.8 reported it 2 s after "scontrol update state=down" (tests/helpers/slurm): sacct one NODE_FAIL row; squeue PENDING, restart 1.
    expect(currentAttempt(seen('sacct', 'NODE_FAIL', 0, 10), seen('squeue', 'PENDING', 1, 14))).toMatchObject({ source: 'squeue', state: 'PENDING', pendingReason: 'BeginTime', requeues: 1 })
    expect(currentAttempt(seen('sacct', 'FAILED', 0, 10), seen('squeue', 'RUNNING', 0, 14))).toMatchObject({ state: 'RUNNING', requeues: 1 })
  })

  it('otherwise accounting’s word counts: an ended job, or one the queue no longer knows', () => {
    expect(currentAttempt(seen('sacct', 'TIMEOUT', 0, 10), seen('squeue', 'TIMEOUT', 0, 10))).toMatchObject({ source: 'sacct', state: 'TIMEOUT' })
    expect(currentAttempt(seen('sacct', 'COMPLETED', 1, 14), null)).toMatchObject({ source: 'sacct', state: 'COMPLETED', requeues: 1 })
    expect(currentAttempt(null, seen('squeue', 'RUNNING', 0, 10))).toMatchObject({ source: 'squeue', state: 'RUNNING' })
    expect(currentAttempt(null, null)).toBeNull()
  })
})

describe('the run status a job state gives', () => {
  const obs = (state: string) => ({ source: 'squeue' as const, state, node: null, pendingReason: null, requeues: 0, cluster: null, submitTime: null })
  const tail = () => 'Error: out of memory'

  it('never done from the scheduler alone; unknown changes nothing', () => {
    expect(verdictFor(null, '1_0', tail)).toEqual({ status: null, error: null, resumable: false })
    expect(verdictFor(obs('COMPLETED'), '1_0', tail)).toMatchObject({ status: 'failed', resumable: true })
    expect(verdictFor(obs('COMPLETED'), '1_0', tail).error).toContain('Error: out of memory')
  })

  it('TIMEOUT and NODE_FAIL fail with resume offered; running and waiting states map through', () => {
    expect(verdictFor(obs('TIMEOUT'), '4_2', tail)).toEqual({
      status: 'failed',
      error: "Slurm ended job 4_2 with TIMEOUT: it reached its time limit before the worker could checkpoint and requeue it (raise the profile's timeLimit, or its signalGraceSeconds when one step takes longer than that); resume continues from its last checkpoint",
      resumable: true,
    })
    expect(verdictFor(obs('NODE_FAIL'), '4_2', tail)).toEqual({ status: 'failed', error: 'Slurm ended job 4_2 with NODE_FAIL: its node failed or was taken down; resume continues from its last checkpoint', resumable: true })
    expect(verdictFor(obs('DEADLINE'), '4_2', tail).error).toBe('Slurm ended job 4_2 with DEADLINE: the job stopped; resume continues from its last checkpoint')
    expect(verdictFor(obs('RUNNING'), '1_0', tail).status).toBe('running')
    expect(verdictFor(obs('REQUEUED'), '1_0', tail).status).toBe('queued')
    expect(verdictFor(obs('CANCELLED'), '1_0', tail)).toMatchObject({ status: 'cancelled', resumable: true })
  })
})
