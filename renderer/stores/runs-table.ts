import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import type { RunsFilter, RunsPageRow, RunsTableView, RunStatus, RunSummary } from '../../contract/api-runtime'
import { invoke, onEvent, onReconnect } from '../api/bridge'
import { parseFilterQuery } from '../components/runs/filter-query'
import { useCommand } from '../composables/useCommand'
import { useRunsStore } from './runs'

/** Rows fetched per request; the table asks only for the pages it shows. */
export const PAGE_SIZE = 50

export const DEFAULT_VIEW: RunsTableView = { columns: [], metrics: [], sort: { key: 'id', dir: 'desc' }, groupBy: null }

/**
 * The runs table for many runs: its saved layout (config columns, sort, grouping), its filter, and
 * the pages of rows fetched so far. The engine filters, sorts and pages; rows arrive a page at a time.
 */
export const useRunsTableStore = defineStore('runsTable', () => {
  const runsStore = useRunsStore()
  const view = ref<RunsTableView>(DEFAULT_VIEW)
  const query = ref('')
  const status = ref<RunStatus[]>([])
  /** Only these runs (e.g. the runs of an ablation cell), or null for all. */
  const onlyRunIds = ref<number[] | null>(null)
  /** Archived runs: hidden (default), shown with the rest, or alone. */
  const archived = ref<'hide' | 'include' | 'only'>('hide')
  const pages = shallowRef(new Map<number, RunsPageRow[]>())
  const total = ref(0)
  const groups = ref<{ label: string; count: number }[]>([])
  const statusCounts = ref<Record<string, number>>({})
  const loaded = ref(false)
  const error = ref<string | null>(null)
  /** Bumped each time a fresh first page has arrived (the table marks its paint then). */
  const freshRows = ref(0)
  let generation = 0
  const pending = new Set<string>()

  const filter = computed<RunsFilter>(() => {
    const { text, conditions, tags } = parseFilterQuery(query.value)
    return {
      ...(archived.value !== 'hide' ? { archived: archived.value } : {}),
      ...(tags.length ? { tags } : {}),
      ...(status.value.length ? { status: status.value } : {}),
      ...(runsStore.selectedExperimentId !== null ? { experimentIds: [runsStore.selectedExperimentId] } : {}),
      ...(onlyRunIds.value ? { runIds: onlyRunIds.value } : {}),
      ...(text ? { text } : {}),
      ...(conditions.length ? { conditions } : {}),
    }
  })

  /** The generation the fetched pages belong to; older pages stay on screen until the new first page lands. */
  let pagesGeneration = 0

  async function fetchPage(index: number, gen = generation): Promise<void> {
    const key = `${gen}:${index}`
    if (pending.has(key) || (pagesGeneration === gen && pages.value.has(index))) return
    pending.add(key)
    try {
      const page = await invoke('runs.page', { offset: index * PAGE_SIZE, limit: PAGE_SIZE, sort: view.value.sort, filter: filter.value, groupBy: view.value.groupBy, columns: view.value.columns, metrics: view.value.metrics })
      if (gen !== generation) return
      pages.value = pagesGeneration === gen ? new Map(pages.value).set(index, page.rows) : new Map([[index, page.rows]])
      pagesGeneration = gen
      runsStore.remember(page.rows)
      setCounts(page)
      error.value = null
      if (index === 0) freshRows.value++
    } catch (err) {
      if (gen === generation) error.value = (err as Error).message
    } finally {
      pending.delete(key)
      loaded.value = true
    }
  }

  function setCounts(page: { total: number; groups: { label: string; count: number }[]; statusCounts: Record<string, number> }): void {
    total.value = page.total
    groups.value = page.groups
    statusCounts.value = page.statusCounts
  }

  /** The totals and status chips again (after a run changed state), without refetching the rows on screen. */
  async function refreshCounts(): Promise<void> {
    const gen = generation
    try {
      const page = await invoke('runs.page', { offset: 0, limit: 1, sort: view.value.sort, filter: filter.value, groupBy: view.value.groupBy, columns: [] })
      if (gen === generation) setCounts(page)
    } catch (err) {
      error.value = (err as Error).message
    }
  }

  /** Fetches the first page again for the current sort, filter and columns; the table then asks for the pages it shows. */
  function reload(): Promise<void> {
    if (typeof performance !== 'undefined') performance.mark('runs-table:request')
    return fetchPage(0, ++generation)
  }

  /** The row at `index` of the table, its live state (status, progress, metrics) read from the one run map. */
  function rowAt(index: number): RunsPageRow | undefined {
    const row = pages.value.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE]
    const live = row && runsStore.byId[row.id]
    return row && live ? { ...row, ...live } : row
  }

  async function loadView(): Promise<void> {
    try {
      view.value = await invoke('views.runsTable.get', {})
    } catch (err) {
      error.value = (err as Error).message
    }
  }

  /** Changes the layout, saves it in the engine's settings and refetches. */
  function setView(patch: Partial<RunsTableView>): void {
    view.value = { ...view.value, ...patch }
    invoke('views.runsTable.set', view.value).catch((err: unknown) => (error.value = `could not save the table layout: ${(err as Error).message}`))
    void reload()
  }

  function sortBy(key: string): void {
    const same = view.value.sort.key === key
    setView({ sort: { key, dir: same && view.value.sort.dir === 'desc' ? 'asc' : 'desc' } })
  }

  /** Every dotted config key of the stored configs (the column picker searches them). */
  const configKeys = useCommand('runs.configKeys')
  /** Every metric name stored (the column picker offers them as final/best columns). */
  const metricKeys = useCommand('runs.metricKeys')

  const toggled = (list: readonly string[], key: string) => (list.includes(key) ? list.filter((k) => k !== key) : [...list, key])
  const toggleColumn = (key: string) => setView({ columns: toggled(view.value.columns, key) })
  const toggleMetric = (name: string) => setView({ metrics: toggled(view.value.metrics, name) })

  // A filter change refetches; typing in the filter box waits for a pause.
  let typing: ReturnType<typeof setTimeout> | undefined
  watch(query, () => {
    clearTimeout(typing)
    typing = setTimeout(() => void reload(), 200)
  })
  watch([status, onlyRunIds, archived, () => runsStore.selectedExperimentId], () => void reload(), { deep: true })

  function onSomePage(id: number): boolean {
    for (const rows of pages.value.values()) if (rows.some((r) => r.id === id)) return true
    return false
  }
  /**
   * A run the table has not seen: in the default order (newest first, ungrouped, no filter but the
   * experiment) it belongs on top, so it shows at once; a refetch, once events settle, places it
   * in any other order and fills in its config columns.
   */
  let settling: ReturnType<typeof setTimeout> | undefined
  function showNewRun(r: RunSummary): void {
    const { text, conditions, tags, status: s, runIds, experimentIds } = filter.value
    const newestFirst = view.value.sort.key === 'id' && view.value.sort.dir === 'desc' && view.value.groupBy === null
    const unfiltered = !text && !conditions && !tags && !s && !runIds && (!experimentIds || experimentIds.includes(r.experimentId))
    if (newestFirst && unfiltered && pages.value.has(0)) {
      pages.value = new Map(pages.value).set(0, [{ ...r, config: {}, group: null, best: {} }, ...pages.value.get(0)!])
      total.value++
    }
    clearTimeout(settling)
    settling = setTimeout(() => void reload(), 250)
  }
  let counting: ReturnType<typeof setTimeout> | undefined
  const recount = () => {
    clearTimeout(counting)
    counting = setTimeout(() => void refreshCounts(), 150)
  }
  onEvent('runs.changed', (r: RunSummary) => {
    if (!onSomePage(r.id)) showNewRun(r)
  })
  // A state change moves a run between the status chips (and in or out of a status filter's total).
  onEvent('run.state', recount)
  onEvent('runs.deleted', ({ runId }) => onSomePage(runId) && void reload())
  // Events were missed while the link was down: refetch what the table shows.
  onReconnect(() => void reload())

  return { view, query, status, onlyRunIds, archived, pages, total, groups, statusCounts, loaded, error, freshRows, filter, fetchPage, reload, refreshCounts, rowAt, loadView, setView, sortBy, toggleColumn, toggleMetric, configKeys, metricKeys }
})
