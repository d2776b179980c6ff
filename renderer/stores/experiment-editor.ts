import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { ExperimentFileEntry, ExperimentProblem } from '../../contract/api-runtime'
import { invoke } from '../api/bridge'
import { useLaunchStore } from './launch'

/** What a new file starts as: the smallest experiment, with the keys one usually changes first. */
export const NEW_EXPERIMENT_TEXT = `name: my-study
description: ''
train:
  epochs: 2
eval:
  - dataset: synthmotion
sweep:
  grid:
    seed: [0, 1]
`

/** How long typing must pause before the text is checked. */
export const CHECK_DELAY_MS = 300

/**
 * The experiment-file editor: a suite's YAML or a new file, checked by the engine as it is typed
 * (the validator `stdd run` uses: each problem with its line and column, "did you mean" for unknown
 * keys), saved under the data folder's `experiments/` and launched from there.
 */
export const useExperimentEditorStore = defineStore('experiment-editor', () => {
  const launch = useLaunchStore()
  const open = ref(false)
  /** Where it is saved, under `<data folder>/experiments/`. */
  const path = ref('')
  /** The user file it was opened from (saving there replaces it), or null for a new file or a copy of a shipped suite. */
  const openedFrom = ref<string | null>(null)
  const text = ref('')
  const savedText = ref('')
  const problems = ref<ExperimentProblem[]>([])
  const summary = ref<{ name: string | null; runs: number } | null>(null)
  const checking = ref(false)
  const saving = ref(false)
  const error = ref<string | null>(null)
  const dirty = computed(() => text.value !== savedText.value)
  let timer: ReturnType<typeof setTimeout> | undefined
  let checks = 0

  async function check(): Promise<void> {
    clearTimeout(timer)
    const call = ++checks
    checking.value = true
    try {
      const result = await invoke('experiments.validate', { text: text.value, ...(path.value ? { path: path.value } : {}) })
      if (call !== checks) return
      problems.value = result.problems
      summary.value = { name: result.name, runs: result.runs }
      error.value = null
    } catch (err) {
      if (call === checks) error.value = (err as Error).message
    } finally {
      if (call === checks) checking.value = false
    }
  }

  /** The text as typed; checked once typing pauses. */
  function edit(value: string): void {
    text.value = value
    clearTimeout(timer)
    timer = setTimeout(() => void check(), CHECK_DELAY_MS)
  }

  function start(value: string, at: string, from: string | null): Promise<void> {
    text.value = value
    savedText.value = from === null ? '' : value
    path.value = at
    openedFrom.value = from
    problems.value = []
    summary.value = null
    error.value = null
    open.value = true
    return check()
  }

  /** Opens a library file: a user file to save in place, a shipped suite as a copy under the same name in the user's folder. */
  async function openFile(f: ExperimentFileEntry): Promise<void> {
    try {
      const read = await invoke('experiments.read', { file: f.file })
      await start(read.text, read.label, read.source === 'user' ? read.label : null)
    } catch (err) {
      launch.error = (err as Error).message
    }
  }

  const openNew = (): Promise<void> => start(NEW_EXPERIMENT_TEXT, 'my-study.yaml', null)

  function close(): void {
    clearTimeout(timer)
    open.value = false
  }

  /** Saves the text (replacing only the file it was opened from); resolves to the saved file, or null (the message is in `error`). */
  async function save(): Promise<ExperimentFileEntry | null> {
    saving.value = true
    try {
      const saved = await invoke('experiments.save', { path: path.value, text: text.value, overwrite: openedFrom.value === path.value })
      savedText.value = text.value
      openedFrom.value = saved.label
      error.value = null
      await launch.loadFiles()
      return saved
    } catch (err) {
      error.value = (err as Error).message
      return null
    } finally {
      saving.value = false
    }
  }

  /** Saves, then queues the saved file's runs with the launch panel's target, overrides and executor. */
  async function saveAndLaunch(): Promise<boolean> {
    const saved = await save()
    if (!saved) return false
    if (!(await launch.launch(saved.file))) return false
    close()
    launch.panelOpen = false
    return true
  }

  return { open, path, openedFrom, text, problems, summary, checking, saving, error, dirty, edit, check, openFile, openNew, close, save, saveAndLaunch }
})
