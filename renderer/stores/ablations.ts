import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { ExperimentFileEntry, ExportFormat, PivotTableData } from '../../contract/api-runtime'
import { invoke, onEvent } from '../api/bridge'
import { useRunsStore } from './runs'

export type { ExportFormat }

/** A table the picker offers: an experiment in the store, a suite file (the paper's tables), or both. */
export interface AblationSource {
  name: string
  description: string
  /** The suite file that launches it, if one is known. */
  file: string | null
  fileLabel: string | null
  /** Runs stored for it (0: not run yet). */
  runs: number
}

/**
 * The ablation view: the results table `stdd export` prints, as data (rows = configurations with
 * seeds pooled, columns = data set/protocol, per cell mean ± std (n), a 95 % interval and the paired
 * difference from the baseline row, with the run ids), and its export as text.
 */
export const useAblationsStore = defineStore('ablations', () => {
  const runsStore = useRunsStore()
  const files = ref<ExperimentFileEntry[]>([])
  const pivot = shallowRef<PivotTableData | null>(null)
  const error = ref<string | null>(null)
  const busy = ref(false)
  const exported = ref<{ format: ExportFormat; text: string } | null>(null)
  /** Why the baseline asked for is not the one shown. */
  const baselineNotice = ref<string | null>(null)
  let loading = 0

  const sources = computed<AblationSource[]>(() => {
    const byName = new Map<string, AblationSource>()
    for (const f of files.value) {
      if (f.name === null) continue
      byName.set(f.name, { name: f.name, description: f.description, file: f.file, fileLabel: f.label, runs: 0 })
    }
    for (const e of runsStore.experiments) {
      const known = byName.get(e.name)
      byName.set(e.name, { name: e.name, description: known?.description || e.description, file: known?.file ?? null, fileLabel: known?.fileLabel ?? null, runs: e.runCount })
    }
    return [...byName.values()].sort((a, b) => Number(b.runs > 0) - Number(a.runs > 0) || a.name.localeCompare(b.name))
  })

  async function loadFiles(): Promise<void> {
    try {
      files.value = await invoke('experiments.files', {})
    } catch (err) {
      error.value = (err as Error).message
    }
  }

  /** The experiments of the open table and the row asked for as the baseline (undefined: the engine's default). */
  let current: readonly string[] = []
  let currentBaseline: string | undefined

  async function open(experiments: readonly string[], baseline?: string, keepExport = false): Promise<void> {
    const call = ++loading
    current = experiments
    currentBaseline = baseline
    if (!keepExport) exported.value = null
    if (experiments.length === 0) {
      pivot.value = null
      error.value = null
      return
    }
    busy.value = true
    try {
      let table: PivotTableData
      try {
        table = await invoke('export.pivot', { experiments: [...experiments], ...(baseline ? { baseline } : {}) })
        baselineNotice.value = null
      } catch (err) {
        // A baseline row that is not in the table (a stale link): the default baseline, and say so.
        if (!baseline) throw err
        table = await invoke('export.pivot', { experiments: [...experiments] })
        currentBaseline = undefined
        baselineNotice.value = `${(err as Error).message}; showing differences from ${table.baseline ?? 'no row'} instead`
      }
      if (call !== loading) return
      pivot.value = table
      error.value = null
    } catch (err) {
      if (call !== loading) return
      pivot.value = null
      error.value = (err as Error).message
    } finally {
      if (call === loading) busy.value = false
    }
  }

  /** The open table as CSV, Markdown, LaTeX (booktabs) or JSON, formatted by the engine like `stdd export`. */
  async function exportAs(format: ExportFormat): Promise<void> {
    try {
      const { text } = await invoke('export.table', { experiments: [...current], format, ...(currentBaseline ? { baseline: currentBaseline } : {}) })
      exported.value = { format, text }
    } catch (err) {
      error.value = (err as Error).message
    }
  }

  const launch = (file: string) => invoke('runs.launch', { file })

  // A run that finishes may add to the open table.
  onEvent('run.state', (s) => {
    if (s.status === 'done' && current.length) void open(current, currentBaseline, true)
  })

  return { files, pivot, error, busy, exported, baselineNotice, sources, loadFiles, open, exportAs, launch }
})
