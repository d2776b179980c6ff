import { computed } from 'vue'
import { useRoute, useRouter, type LocationQuery } from 'vue-router'

/** Parses `?runs=3,5,8` into run ids (invalid entries are dropped, order and first occurrence kept). */
export function parseRunIds(value: LocationQuery[string] | undefined): number[] {
  const text = Array.isArray(value) ? value.join(',') : (value ?? '')
  const ids: number[] = []
  for (const part of text.split(',')) {
    const id = Number(part)
    if (Number.isInteger(id) && id > 0 && !ids.includes(id)) ids.push(id)
  }
  return ids
}

/**
 * The selected runs, shared by every view. The URL is the source of truth (`?runs=…`), so a view and
 * its selection can be linked, bookmarked and restored with the back button.
 */
export function useRunSelection() {
  const route = useRoute()
  const router = useRouter()
  const ids = computed(() => parseRunIds(route.query.runs))

  function set(next: readonly number[]): Promise<unknown> {
    const runs = next.length ? next.join(',') : undefined
    return router.replace({ query: { ...route.query, runs } })
  }
  const toggle = (id: number) => set(ids.value.includes(id) ? ids.value.filter((x) => x !== id) : [...ids.value, id])
  const has = (id: number) => ids.value.includes(id)
  /** A link to another view that keeps the selection. */
  const linkTo = (name: string, query: Record<string, string> = {}) => ({ name, query: { ...(ids.value.length ? { runs: ids.value.join(',') } : {}), ...query } })

  return { ids, set, toggle, has, linkTo }
}
