import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { AppInfo, BackendReport, EngineRestarted } from '../../contract/api-runtime'
import { invoke, linkState, onEvent, transport } from '../api/bridge'

/** The engine's identity (backend, versions, data folder, ffmpeg) and the link to it (desktop IPC or the server's socket, and its state). */
export const useAppStore = defineStore('app', () => {
  const info = ref<AppInfo | null>(null)
  const backend = ref<BackendReport | null>(null)
  const error = ref<string | null>(null)
  /** The engine process died and a new one serves (shown until dismissed). */
  const restarted = ref<EngineRestarted | null>(null)

  async function load(): Promise<void> {
    try {
      info.value = await invoke('app.info', {})
      backend.value = info.value.backend ?? backend.value
      error.value = null
    } catch (err) {
      error.value = (err as Error).message
    }
  }

  onEvent('backend.ready', (report) => {
    backend.value = report
  })

  onEvent('engine.restarted', (e) => {
    restarted.value = e
    void load()
  })

  return { info, backend, error, restarted, load, transport, linkState, dismissRestart: () => (restarted.value = null) }
})
