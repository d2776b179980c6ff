import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { CommandInput, Experiment, RunProgress, RunSummary } from '../../contract/api-runtime'
import { invoke, onEvent, onReconnect } from '../api/bridge'

/**
 * The renderer's one map of runs (by id) and experiments, kept current by the engine's events (no
 * polling) and reloaded whole when the link to the engine comes back. Every view reads a run's live
 * state (status, error, progress, metrics) from here; the runs table keeps only its pages' order
 * and config columns.
 */
export const useRunsStore = defineStore('runs', () => {
  const experiments = ref<Experiment[]>([])
  const byId = ref<Record<number, RunSummary>>({})
  const progress = ref<Record<number, RunProgress>>({})
  const loaded = ref(false)
  const error = ref<string | null>(null)
  /** The experiment the runs table shows (the sidebar's choice), or null for all. */
  const selectedExperimentId = ref<number | null>(null)
  /** Bumped on each reload after a reconnect: views that cache more than the map refetch then. */
  const reloads = ref(0)

  const runs = computed(() => Object.values(byId.value).sort((a, b) => b.id - a.id))

  async function load(): Promise<void> {
    try {
      const [e, r] = await Promise.all([invoke('experiments.list', {}), invoke('runs.list', {})])
      experiments.value = e
      byId.value = Object.fromEntries(r.map((x) => [x.id, x]))
      // Progress is only meaningful for runs still running.
      progress.value = Object.fromEntries(Object.entries(progress.value).filter(([id]) => byId.value[Number(id)]?.status === 'running'))
      error.value = null
    } catch (err) {
      error.value = (err as Error).message
    } finally {
      loaded.value = true
    }
  }

  /**
   * Takes in runs read elsewhere (a page of the runs table) that the map lacks. Runs it has are kept
   * current by events, which are newer than a reply that may have been read before them.
   */
  function remember(list: readonly RunSummary[]): void {
    const missing = list.filter((r) => !byId.value[r.id])
    if (missing.length) byId.value = { ...byId.value, ...Object.fromEntries(missing.map((r) => [r.id, pickSummary(r)])) }
  }

  function setRun(r: RunSummary): void {
    byId.value = { ...byId.value, [r.id]: pickSummary(r) }
    if (r.status !== 'running' && progress.value[r.id]) {
      const { [r.id]: _, ...rest } = progress.value
      progress.value = rest
    }
  }

  onEvent('experiments.changed', (e) => {
    const i = experiments.value.findIndex((x) => x.id === e.id)
    experiments.value = i === -1 ? [e, ...experiments.value] : experiments.value.map((x) => (x.id === e.id ? e : x))
  })
  onEvent('runs.changed', setRun)
  onEvent('run.progress', (p) => (progress.value = { ...progress.value, [p.runId]: p }))
  // A new engine process marked the dead one's runs interrupted before any face listened: read them again.
  onEvent('engine.restarted', () => void load())
  onEvent('run.state', (s) => {
    const r = byId.value[s.runId]
    if (r) setRun({ ...r, status: s.status, error: s.error })
  })
  onReconnect(() => {
    void load().then(() => reloads.value++)
  })

  onEvent('runs.deleted', ({ runId }) => {
    const { [runId]: _, ...rest } = byId.value
    byId.value = rest
  })

  const move = (ids: number[], experimentId: number) => invoke('runs.move', { ids, experimentId })
  const update = (input: CommandInput<'runs.update'>) => invoke('runs.update', input)
  const remove = (ids: number[]) => invoke('runs.delete', { ids })
  const cancel = (id: number) => invoke('runs.cancel', { id })
  const resume = (id: number) => invoke('runs.resume', { id })

  return { experiments, byId, runs, progress, loaded, error, selectedExperimentId, reloads, load, remember, move, update, remove, cancel, resume }
})

/** The summary fields of a run (a page row or a detail carries more). */
function pickSummary(r: RunSummary): RunSummary {
  const { id, experimentId, experimentName, name, status, seed, backend, createdAt, startedAt, finishedAt, error, errorKind, runSeconds, runningSince, tags, note, archived, lastMetrics } = r
  return { id, experimentId, experimentName, name, status, seed, backend, createdAt, startedAt, finishedAt, error, errorKind, runSeconds, runningSince, tags, note, archived, lastMetrics }
}
