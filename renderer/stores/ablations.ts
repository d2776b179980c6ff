import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { ExperimentFileEntry, PivotTableData } from '../../contract/api-runtime'
import { invoke, onEvent } from '../api/bridge'
import { useRunsStore } from './runs'

export type ExportFormat = 'csv' | 'md' | 'latex'

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
 * The ablation view: the pivot `export.table` prints, as data (rows = variants with seeds pooled,
 * columns = data set/protocol, cells mean ± std (n) with their run ids), and its export as text.
 */
export const useAblationsStore = defineStore('ablations', () => {
  const runsStore = useRunsStore()
  const files = ref<ExperimentFileEntry[]>([])
  const pivot = shallowRef<PivotTableData | null>(null)
  const error = ref<string | null>(null)
  const busy = ref(false)
  const exported = ref<{ format: ExportFormat; text: string } | null>(null)
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

  /** The experiments of the open table. */
  let current: readonly string[] = []

  async function open(experiments: readonly string[], keepExport = false): Promise<void> {
    const call = ++loading
    current = experiments
    if (!keepExport) exported.value = null
    if (experiments.length === 0) {
      pivot.value = null
      error.value = null
      return
    }
    busy.value = true
    try {
      const table = await invoke('export.pivot', { experiments: [...experiments] })
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

  /** The table as CSV, Markdown or LaTeX (booktabs), formatted by the engine like `stdd export`. */
  async function exportAs(experiments: readonly string[], format: ExportFormat): Promise<void> {
    try {
      const { text } = await invoke('export.table', { experiments: [...experiments], format })
      exported.value = { format, text }
    } catch (err) {
      error.value = (err as Error).message
    }
  }

  const launch = (file: string) => invoke('runs.launch', { file })

  // A run that finishes may add to the open table.
  onEvent('run.state', (s) => {
    if (s.status === 'done' && current.length) void open(current, true)
  })

  return { files, pivot, error, busy, exported, sources, loadFiles, open, exportAs, launch }
})
