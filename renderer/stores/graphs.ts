import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { ClassDiffData, ClassGraphData, CommandInput, GraphJob, GraphVersionDetail, GraphVersionInfo, PromptPreviewData, PromptSetKind, RunSummary, RunUsingGraphData } from '../../contract/api-runtime'
import { useAction } from '../composables/useCommand'
import { invoke, onEvent } from '../api/bridge'

/** Graph name → its versions, oldest first. */
export function groupVersions(versions: readonly GraphVersionInfo[]): { name: string; dataset: string; versions: GraphVersionInfo[] }[] {
  const out = new Map<string, { name: string; dataset: string; versions: GraphVersionInfo[] }>()
  for (const v of versions) {
    if (!out.has(v.name)) out.set(v.name, { name: v.name, dataset: v.dataset, versions: [] })
    out.get(v.name)!.versions.push(v)
  }
  for (const g of out.values()) g.versions.sort((a, b) => a.version - b.version)
  return [...out.values()]
}

/**
 * The knowledge-graph editor's state: the versions (refreshed by `graphs.changed`), the open version,
 * and what the panels show for its selected class. Generation jobs follow the `graphs.job` events.
 */
export const useGraphsStore = defineStore('graphs', () => {
  const versions = ref<GraphVersionInfo[]>([])
  const open = shallowRef<GraphVersionDetail | null>(null)
  const preview = shallowRef<PromptPreviewData | null>(null)
  /** The open class as being edited, while it differs from the stored one (null: no unsaved edit). */
  const draft = shallowRef<{ classIndex: number; graph: ClassGraphData } | null>(null)
  const diff = shallowRef<ClassDiffData[] | null>(null)
  const runs = ref<RunUsingGraphData[]>([])
  const jobs = ref<GraphJob[]>([])
  const error = ref<string | null>(null)
  const loaded = ref(false)
  const graphs = computed(() => groupVersions(versions.value))
  /** Finished runs whose weights "evaluate with this graph" can take, newest first. */
  const checkpoints = ref<RunSummary[]>([])
  const evaluation = useAction((runId: number, graphVersionId: number, promptSet: PromptSetKind) => invoke('runs.evaluate', { runId, text: { graphVersionId, promptSet } }))

  async function loadCheckpoints(): Promise<void> {
    checkpoints.value = (await attempt(() => invoke('runs.list', { status: ['done'], limit: 200 }))) ?? []
  }

  async function attempt<T>(f: () => Promise<T>): Promise<T | null> {
    try {
      const v = await f()
      error.value = null
      return v
    } catch (err) {
      error.value = (err as Error).message
      return null
    }
  }

  async function loadList(): Promise<void> {
    const [list, running] = await Promise.all([attempt(() => invoke('graphs.list', {})), attempt(() => invoke('graphs.jobs', {}))])
    if (list) versions.value = list
    if (running) jobs.value = running
    loaded.value = true
  }

  function find(name: string, version: number): GraphVersionInfo | undefined {
    return versions.value.find((v) => v.name === name && v.version === version)
  }

  async function openVersion(id: number): Promise<void> {
    if (open.value?.id === id) return
    const [detail, used] = await Promise.all([attempt(() => invoke('graphs.get', { id })), attempt(() => invoke('graphs.runs', { id }))])
    if (detail) open.value = detail
    runs.value = used ?? []
  }

  /** The class's prompts, from its unsaved edit when there is one (what a save would give). */
  async function loadPreview(graphId: number, classIndex: number, style: 'dataset' | 'hard'): Promise<void> {
    const edit = draft.value?.classIndex === classIndex ? draft.value.graph : undefined
    const p = await attempt(() => invoke('prompts.preview', { graphId, classIndex, style, ...(edit ? { graph: edit } : {}) }))
    if (p) preview.value = p
  }

  async function loadDiff(fromId: number | null, toId: number): Promise<void> {
    diff.value = fromId === null ? null : await attempt(() => invoke('graphs.diff', { fromId, toId }))
  }

  async function refreshRuns(): Promise<void> {
    if (open.value) runs.value = (await attempt(() => invoke('graphs.runs', { id: open.value!.id }))) ?? runs.value
  }

  /** Saves the class as a new version (its parent: the open one); resolves to the new version. */
  async function saveClass(index: number, graph: ClassGraphData, note: string): Promise<GraphVersionInfo | null> {
    if (!open.value) return null
    const saved = await attempt(() => invoke('graphs.saveClass', { parentId: open.value!.id, index, graph, ...(note.trim() ? { note: note.trim() } : {}) }))
    if (!saved) return null
    draft.value = null
    await loadList()
    return find(saved.name, saved.version) ?? null
  }

  async function generate(input: CommandInput<'graphs.generate'>): Promise<GraphJob | null> {
    const job = await attempt(() => invoke('graphs.generate', input))
    if (job) upsertJob(job)
    return job
  }

  async function cancelJob(jobId: number): Promise<void> {
    const job = await attempt(() => invoke('graphs.cancelJob', { jobId }))
    if (job) upsertJob(job)
  }

  function upsertJob(job: GraphJob): void {
    jobs.value = [job, ...jobs.value.filter((j) => j.jobId !== job.jobId)].sort((a, b) => b.jobId - a.jobId)
  }

  onEvent('graphs.changed', () => void loadList())
  onEvent('graphs.job', upsertJob)
  onEvent('runs.changed', () => void refreshRuns())

  return { versions, graphs, checkpoints, evaluation, loadCheckpoints, open, preview, draft, diff, runs, jobs, error, loaded, loadList, find, openVersion, loadPreview, loadDiff, refreshRuns, saveClass, generate, cancelJob }
})
