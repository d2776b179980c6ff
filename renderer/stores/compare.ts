import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { CompareKey, MetricPoint, RunSummary, SeedGroup } from '../../contract/api-runtime'
import { invoke, onEvent } from '../api/bridge'

/** Merges new points into a run's series: a point of the same metric and step replaces the old one. */
export function mergePoints(series: readonly MetricPoint[], added: readonly MetricPoint[]): MetricPoint[] {
  const key = (p: MetricPoint) => `${p.name}@${p.step}`
  const replaced = new Set(added.map(key))
  return [...series.filter((p) => !replaced.has(key(p))), ...added]
}

/**
 * The N-way compare: the selected runs, their config key by key, their seed groups, and every metric series of each.
 * Series grow live from the engine's `run.metrics` events while a run trains (no polling).
 */
export const useCompareStore = defineStore('compare', () => {
  const runs = ref<RunSummary[]>([])
  const keys = shallowRef<CompareKey[]>([])
  /** The runs grouped by configuration (alike in all but the seed), as the engine pools them in results tables. */
  const seedGroups = shallowRef<SeedGroup[]>([])
  const series = shallowRef(new Map<number, MetricPoint[]>())
  const error = ref<string | null>(null)
  const busy = ref(false)
  let loading = 0

  /** Metric names with a curve (more than one point) in any compared run, training metrics first. */
  const metricNames = computed(() => {
    const counts = new Map<string, number>()
    for (const points of series.value.values()) for (const p of points) counts.set(p.name, (counts.get(p.name) ?? 0) + 1)
    return [...counts.entries()].filter(([, n]) => n > 1).map(([name]) => name).sort((a, b) => Number(a.startsWith('eval/')) - Number(b.startsWith('eval/')) || a.localeCompare(b))
  })

  async function load(ids: readonly number[]): Promise<void> {
    const call = ++loading
    if (ids.length === 0) {
      runs.value = []
      keys.value = []
      seedGroups.value = []
      series.value = new Map()
      return
    }
    busy.value = true
    try {
      const [compared, ...metrics] = await Promise.all([invoke('runs.compare', { ids: [...ids] }), ...ids.map((runId) => invoke('runs.metrics', { runId }))])
      if (call !== loading) return
      runs.value = compared.runs
      keys.value = compared.keys
      seedGroups.value = compared.seedGroups
      series.value = new Map(ids.map((id, i) => [id, metrics[i]!]))
      error.value = null
    } catch (err) {
      if (call === loading) error.value = (err as Error).message
    } finally {
      if (call === loading) busy.value = false
    }
  }

  onEvent('run.metrics', ({ runId, points }) => {
    const current = series.value.get(runId)
    if (current) series.value = new Map(series.value).set(runId, mergePoints(current, points))
  })
  onEvent('runs.changed', (r) => {
    if (runs.value.some((x) => x.id === r.id)) runs.value = runs.value.map((x) => (x.id === r.id ? r : x))
  })

  return { runs, keys, seedGroups, series, error, busy, metricNames, load }
})
