import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { ClusterProfile, CommandOutput } from '../../contract/api-runtime'
import { invoke, onEvent } from '../api/bridge'

export type ConnectionTest = CommandOutput<'clusters.test'>
export type SlurmJobDetail = NonNullable<CommandOutput<'runs.job'>>

/** Slurm cluster profiles (Settings, the launch panel) and the job of the run shown in the run detail. */
export const useClustersStore = defineStore('clusters', () => {
  const profiles = ref<ClusterProfile[]>([])
  const file = ref('')
  const error = ref<string | null>(null)
  const tests = ref<Record<string, ConnectionTest | 'testing'>>({})
  /** The Slurm side of the run the detail shows (null: a local run, or none open). */
  const job = ref<SlurmJobDetail | null>(null)
  const jobError = ref<string | null>(null)
  let jobRunId: number | null = null

  async function attempt<T>(f: () => Promise<T>): Promise<T | undefined> {
    try {
      const value = await f()
      error.value = null
      return value
    } catch (err) {
      error.value = (err as Error).message
      return undefined
    }
  }

  async function load(): Promise<void> {
    const r = await attempt(() => invoke('clusters.list', {}))
    if (r) {
      profiles.value = r.profiles
      file.value = r.file
    }
  }

  /** Adds or replaces a profile; resolves true once saved (else `error` says why). */
  async function save(profile: ClusterProfile): Promise<boolean> {
    const r = await attempt(() => invoke('clusters.save', { profile }))
    if (r) profiles.value = r
    return r !== undefined
  }

  async function remove(name: string): Promise<void> {
    const r = await attempt(() => invoke('clusters.delete', { name }))
    if (r) profiles.value = r
  }

  async function test(name: string): Promise<void> {
    tests.value = { ...tests.value, [name]: 'testing' }
    const r = await invoke('clusters.test', { name }).catch((err: Error) => ({ ok: false, command: '', output: err.message }))
    tests.value = { ...tests.value, [name]: r }
  }

  async function openJob(runId: number): Promise<void> {
    jobRunId = runId
    try {
      const r = await invoke('runs.job', { id: runId, logLines: 60 })
      if (jobRunId === runId) {
        job.value = r
        jobError.value = null
      }
    } catch (err) {
      jobError.value = (err as Error).message
    }
  }

  function closeJob(): void {
    jobRunId = null
    job.value = null
  }

  // The job's state, node and log tail move with the run: refetch when the open run changes.
  onEvent('runs.changed', (r) => {
    if (r.id === jobRunId) void openJob(r.id)
  })

  return { profiles, file, error, tests, job, jobError, load, save, remove, test, openJob, closeJob }
})
