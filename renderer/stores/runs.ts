import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { Experiment, RunProgress, RunSummary } from '../../contract/api-runtime'
import { invoke, onEvent } from '../api/bridge'

/** Experiments and their runs, kept current by the engine's events (no polling). */
export const useRunsStore = defineStore('runs', () => {
  const experiments = ref<Experiment[]>([])
  const runs = ref<RunSummary[]>([])
  const progress = ref<Record<number, RunProgress>>({})
  const loaded = ref(false)
  const error = ref<string | null>(null)
  /** The experiment the runs table shows (the sidebar's choice), or null for all. */
  const selectedExperimentId = ref<number | null>(null)

  async function load(): Promise<void> {
    try {
      const [e, r] = await Promise.all([invoke('experiments.list', {}), invoke('runs.list', {})])
      experiments.value = e
      runs.value = r
      error.value = null
    } catch (err) {
      error.value = (err as Error).message
    } finally {
      loaded.value = true
    }
  }

  function upsert<T extends { id: number }>(list: T[], item: T): T[] {
    const i = list.findIndex((x) => x.id === item.id)
    return i === -1 ? [item, ...list] : list.map((x) => (x.id === item.id ? item : x))
  }

  onEvent('experiments.changed', (e) => (experiments.value = upsert(experiments.value, e)))
  onEvent('runs.changed', (r) => (runs.value = upsert(runs.value, r)))
  onEvent('run.progress', (p) => (progress.value = { ...progress.value, [p.runId]: p }))
  onEvent('run.state', (s) => {
    runs.value = runs.value.map((r) => (r.id === s.runId ? { ...r, status: s.status, error: s.error } : r))
  })

  async function launch(file: string): Promise<void> {
    await invoke('runs.launch', { file })
  }

  const cancel = (id: number) => invoke('runs.cancel', { id })
  const resume = (id: number) => invoke('runs.resume', { id })

  return { experiments, runs, progress, loaded, error, selectedExperimentId, load, launch, cancel, resume }
})
