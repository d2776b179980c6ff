import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import { ContractError, type AppSettings, type SettingsState } from '../../contract/api-runtime'
import { invoke } from '../api/bridge'

/** The engine's settings the Settings view edits; a refused save keeps the engine's message per field. */
export const useSettingsStore = defineStore('settings', () => {
  const state = shallowRef<SettingsState | null>(null)
  const error = ref<string | null>(null)
  /** The engine's message for each refused field (`dataWorkers`, `llmEndpoints.0.url`, …). */
  const fieldErrors = ref<Record<string, string>>({})
  const saved = ref(false)

  async function load(): Promise<void> {
    try {
      state.value = await invoke('settings.get', {})
      error.value = null
    } catch (err) {
      error.value = (err as Error).message
    }
  }

  async function save(patch: Partial<AppSettings>): Promise<boolean> {
    saved.value = false
    try {
      state.value = await invoke('settings.set', patch)
      error.value = null
      fieldErrors.value = {}
      saved.value = true
      return true
    } catch (err) {
      error.value = (err as Error).message
      fieldErrors.value = err instanceof ContractError ? Object.fromEntries((err.issues ?? []).map((i) => [i.path, i.message])) : {}
      return false
    }
  }

  return { state, error, fieldErrors, saved, load, save }
})
