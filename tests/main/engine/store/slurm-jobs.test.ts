import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ClusterProfile } from '../../../../contract'
import { openDatabase, type Db } from '../../../../main/engine/store/db'
import { createExperiment } from '../../../../main/engine/store/experiments'
import { runningRuns } from '../../../../main/engine/store/run-liveness'
import { createRun, getRunSummary, setRunStatus } from '../../../../main/engine/store/runs'
import { followedSlurmJobs, getSlurmJob, saveSubmittedJob, updateSlurmJob } from '../../../../main/engine/store/slurm-jobs'
import { tempDir } from '../../../helpers/temp-dir'

let dir: ReturnType<typeof tempDir>
let db: Db
let local: number
let remote: number
const profile = ClusterProfile.parse({ name: 'a100', partition: 'gpu' })

beforeEach(() => {
  dir = tempDir()
  db = openDatabase({ path: `${dir.path}/stdd.sqlite` })
  const experiment = createExperiment(db, { name: 'e' })
  ;[local, remote] = ['here', 'there'].map((name) => createRun(db, { experimentId: experiment.id, name, config: {}, configDiff: {}, seed: 0 }).id) as [number, number]
  saveSubmittedJob(db, { runId: remote, profile, cluster: 'hpc', arrayJobId: 41, taskId: 2, submitTime: 1000, runDir: '/scratch/run-x', script: '#!/bin/bash', logFile: '/scratch/b/slurm-41_2.out' })
})
afterEach(() => {
  db.close()
  dir.remove()
})

describe('the Slurm jobs of runs (store/slurm-jobs.ts)', () => {
  it('gives a run summary its executor and job', () => {
    updateSlurmJob(db, remote, { state: 'PENDING', pendingReason: 'Priority', requeues: 1, preemptions: 1 })
    expect(getRunSummary(db, local)).toMatchObject({ executor: 'local' })
    expect(getRunSummary(db, local).job).toBeUndefined()
    expect(getRunSummary(db, remote)).toMatchObject({ executor: 'slurm', job: { jobId: '41_2', cluster: 'hpc', state: 'PENDING', node: null, pendingReason: 'Priority', preemptions: 1, requeues: 1 } })
    expect(getSlurmJob(db, remote)?.profile).toEqual(profile)
  })

  it('a resubmission replaces the job but keeps its pre-emption and requeue counts', () => {
    updateSlurmJob(db, remote, { state: 'CANCELLED', preemptions: 2, requeues: 3, resumable: true })
    saveSubmittedJob(db, { runId: remote, profile, cluster: 'hpc', arrayJobId: 57, taskId: 0, submitTime: 2000, runDir: '/scratch/run-x', script: 's', logFile: 'l' })
    expect(getSlurmJob(db, remote)).toMatchObject({ arrayJobId: 57, taskId: 0, state: 'PENDING', preemptions: 2, requeues: 3, resumable: false })
  })

  it('follows runs not yet ended, and ended ones whose job is still on the cluster', () => {
    expect(followedSlurmJobs(db).map((j) => j.runId)).toEqual([remote])
    setRunStatus(db, remote, 'done')
    updateSlurmJob(db, remote, { state: 'RUNNING' })
    expect(followedSlurmJobs(db).map((j) => j.runId)).toEqual([remote])
    updateSlurmJob(db, remote, { state: 'COMPLETED' })
    expect(followedSlurmJobs(db)).toEqual([])
  })

  it('leaves a running Slurm run out of the runs whose engine pid is checked (it has no engine here)', () => {
    setRunStatus(db, local, 'running')
    setRunStatus(db, remote, 'running')
    expect(runningRuns(db).map((r) => r.id)).toEqual([local])
  })
})
