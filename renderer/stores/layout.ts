import { defineStore } from 'pinia'
import { ref, watch } from 'vue'

const ACTIVITY_KEY = 'stdd.activityOpen'
/** Below this window width an open Activity panel floats over the content instead of taking a column. */
export const ACTIVITY_COLUMN_MIN_WIDTH = 1100
/** A first visit opens the Activity panel only where it leaves the views room (wider than a laptop). */
const OPEN_BY_DEFAULT_MIN_WIDTH = 1600

function readOpen(): boolean {
  const saved = typeof localStorage === 'undefined' ? null : localStorage.getItem(ACTIVITY_KEY)
  if (saved === 'true' || saved === 'false') return saved === 'true'
  return typeof window !== 'undefined' && window.innerWidth >= OPEN_BY_DEFAULT_MIN_WIDTH
}

/** The shell's layout: whether the Activity panel is open (remembered in this browser). */
export const useLayoutStore = defineStore('layout', () => {
  const activityOpen = ref(readOpen())
  watch(activityOpen, (open) => {
    try {
      localStorage.setItem(ACTIVITY_KEY, String(open))
    } catch {
      // storage may be unavailable (private mode): the choice lasts for this page only
    }
  })
  return { activityOpen, toggleActivity: () => (activityOpen.value = !activityOpen.value) }
})
