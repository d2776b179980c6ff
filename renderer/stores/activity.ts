import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { LogEntry } from '../../contract/api-runtime'
import { invoke, onEvent, onReconnect } from '../api/bridge'

const KEEP = 300

/** The engine's live log: what it is doing right now, newest last; `unseen` counts what arrived while the panel was hidden. */
export const useActivityStore = defineStore('activity', () => {
  const entries = ref<LogEntry[]>([])
  const unseen = ref(0)

  function add(list: readonly LogEntry[], live: boolean): void {
    const known = new Set(entries.value.map((e) => e.seq))
    const fresh = list.filter((e) => !known.has(e.seq))
    if (!fresh.length) return
    entries.value = [...entries.value, ...fresh].sort((a, b) => a.seq - b.seq).slice(-KEEP)
    if (live) unseen.value += fresh.length
  }

  async function load(): Promise<void> {
    add(await invoke('logs.recent', { limit: 100 }), false)
  }

  onEvent('log', (e) => add([e], true))
  // Messages logged while the link was down come back with the recent log.
  onReconnect(() => void load())

  return { entries, unseen, load, markSeen: () => (unseen.value = 0) }
})
