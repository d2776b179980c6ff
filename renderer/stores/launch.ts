import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { Executor, ExperimentFileEntry } from '../../contract/api-runtime'
import { invoke } from '../api/bridge'
import { useRunsStore } from './runs'
import { parseOverrides } from '../components/launch-overrides'

/**
 * Launching from the GUI: the experiment files the engine may read, and launching one — into the
 * experiment the file names, or into one the user picked (a "+ New experiment" lands here).
 */
export const useLaunchStore = defineStore('launch', () => {
  const runs = useRunsStore()
  const files = ref<ExperimentFileEntry[] | null>(null)
  const error = ref<string | null>(null)
  /** The file being queued right now. */
  const launching = ref<string | null>(null)
  /** Where launched runs go: an experiment's id, or null for the experiment the file names. */
  const targetExperimentId = ref<number | null>(null)
  /** Where launched runs execute: this engine, or Slurm with a cluster profile (one job array per file). */
  const executor = ref<Executor>('local')
  const profile = ref('default')
  /** Whether the launch panel is open (a new experiment opens it, aimed at itself). */
  const panelOpen = ref(false)
  /** `--set` overrides as typed, one `key=value` per line (`train.epochs=2`, `eval.0.root=/data/ucf101`). */
  const overridesText = ref('')
  const overrides = computed(() => parseOverrides(overridesText.value))

  /** How long a file's runs took before: the mean running time of the finished runs of its experiment, times its runs; null when none finished. */
  function estimateSeconds(f: ExperimentFileEntry): number | null {
    const done = runs.runs.filter((r) => r.status === 'done' && r.experimentName === f.name && r.runSeconds > 0)
    if (!done.length || f.runs === 0) return null
    return (done.reduce((n, r) => n + r.runSeconds, 0) / done.length) * f.runs
  }

  async function loadFiles(): Promise<void> {
    try {
      files.value = await invoke('experiments.files', {})
      error.value = null
    } catch (err) {
      error.value = (err as Error).message
    }
  }

  /** Queues a file's runs; resolves to whether it worked (the message is in `error`). */
  async function launch(file: string): Promise<boolean> {
    launching.value = file
    error.value = null
    try {
      const set = overrides.value
      if ('error' in set) throw new Error(set.error)
      await invoke('runs.launch', {
        file,
        overrides: set.values,
        ...(targetExperimentId.value === null ? {} : { experimentId: targetExperimentId.value }),
        ...(executor.value === 'slurm' ? { executor: 'slurm', profile: profile.value } : {}),
      })
      return true
    } catch (err) {
      error.value = (err as Error).message
      return false
    } finally {
      launching.value = null
    }
  }

  /** Creates an experiment, makes it the launch target and the sidebar's choice. */
  async function createExperiment(name: string, description: string): Promise<boolean> {
    try {
      const e = await invoke('experiments.create', { name, description })
      targetExperimentId.value = e.id
      runs.selectedExperimentId = e.id
      panelOpen.value = true
      error.value = null
      return true
    } catch (err) {
      error.value = (err as Error).message
      return false
    }
  }

  return { files, error, launching, targetExperimentId, executor, profile, panelOpen, overridesText, overrides, estimateSeconds, loadFiles, launch, createExperiment }
})
