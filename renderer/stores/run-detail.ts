import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { CommandInput, MetricPoint, RunDetail } from '../../contract/api-runtime'
import { invoke, onEvent, onReconnect } from '../api/bridge'
import { mergePoints } from './compare'
import { useRunsStore } from './runs'

/**
 * The open run of the detail panel: its frozen config and training curves. Its live state (status,
 * error, progress, latest metrics) is the one run map's, so the panel and the table never disagree.
 */
export const useRunDetailStore = defineStore('runDetail', () => {
  const runs = useRunsStore()
  const runId = ref<number | null>(null)
  const detail = shallowRef<RunDetail | null>(null)
  const points = shallowRef<MetricPoint[]>([])
  const error = ref<string | null>(null)
  /** The run's own log, once asked for. */
  const log = shallowRef<{ text: string; truncated: boolean; bytes: number } | null>(null)
  let loading = 0

  /** The detail with the run map's live fields over it. */
  const run = computed<RunDetail | null>(() => {
    if (!detail.value) return null
    const live = runs.byId[detail.value.id]
    return live ? { ...detail.value, ...live } : detail.value
  })
  const progress = computed(() => (runId.value === null || run.value?.status !== 'running' ? null : (runs.progress[runId.value] ?? null)))
  /** A failed run can be resumed unless it failed on its config (it would fail again). */
  const canResume = computed(() => run.value !== null && (run.value.status === 'cancelled' || (run.value.status === 'failed' && run.value.errorKind !== 'config')))
  const canCancel = computed(() => run.value !== null && (run.value.status === 'queued' || run.value.status === 'running'))

  async function open(id: number | null): Promise<void> {
    const call = ++loading
    runId.value = id
    log.value = null
    if (id === null) {
      detail.value = null
      points.value = []
      return
    }
    try {
      const [d, p] = await Promise.all([invoke('runs.get', { id }), invoke('runs.metrics', { runId: id })])
      if (call !== loading) return
      detail.value = d
      points.value = p
      error.value = null
    } catch (err) {
      if (call === loading) error.value = (err as Error).message
    }
  }

  /** Runs an action on the open run; resolves to whether it worked (the message is in `error`). */
  async function act(f: (id: number) => Promise<unknown>): Promise<boolean> {
    if (runId.value === null) return false
    try {
      await f(runId.value)
      error.value = null
      return true
    } catch (err) {
      error.value = (err as Error).message
      return false
    }
  }

  async function loadLog(): Promise<void> {
    const id = runId.value
    if (id === null) return
    try {
      const text = await invoke('runs.log', { id })
      if (id === runId.value) log.value = text
    } catch (err) {
      error.value = (err as Error).message
    }
  }

  /** Renames, tags, notes or (un)archives the open run; the change comes back through `runs.changed`. */
  const update = (patch: Omit<CommandInput<'runs.update'>, 'id'>) => act((id) => runs.update({ id, ...patch }))
  /** Deletes the open run with its files (the view asks for confirmation first). */
  const remove = () => act((id) => runs.remove([id]))

  onEvent('run.metrics', (e) => {
    if (e.runId === runId.value) points.value = mergePoints(points.value, e.points)
  })
  onReconnect(() => void open(runId.value))


  return { runId, run, points, progress, error, log, canResume, canCancel, open, loadLog, update, remove, cancel: () => act(runs.cancel), resume: () => act(runs.resume) }
})
