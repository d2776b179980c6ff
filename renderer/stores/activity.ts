import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { LogEntry } from '../../contract/api-runtime'
import { invoke, onEvent } from '../api/bridge'

const KEEP = 300

/** The engine's live log: what it is doing right now, newest last. */
export const useActivityStore = defineStore('activity', () => {
  const entries = ref<LogEntry[]>([])
  const unseen = ref(0)

  function add(entry: LogEntry): void {
    if (entries.value.some((e) => e.seq === entry.seq)) return
    entries.value = [...entries.value, entry].slice(-KEEP)
    unseen.value++
  }

  async function load(): Promise<void> {
    const recent = await invoke('logs.recent', { limit: 100 })
    for (const e of recent) add(e)
  }

  onEvent('log', add)

  return { entries, unseen, load, markSeen: () => (unseen.value = 0) }
})
