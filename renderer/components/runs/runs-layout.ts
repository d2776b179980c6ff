/**
 * The runs table's rows as a flat list of fixed-height items: the runs, and when grouped a header
 * before each group. Maps an item's position to what it shows without having every row loaded.
 */
export type LayoutItem = { kind: 'group'; label: string; count: number } | { kind: 'run'; rowIndex: number }

export interface RunsLayout {
  itemCount: number
  itemAt(position: number): LayoutItem
}

export function runsLayout(total: number, groups: readonly { label: string; count: number }[]): RunsLayout {
  if (groups.length === 0) return { itemCount: total, itemAt: (position) => ({ kind: 'run', rowIndex: position }) }
  // starts[g] = position of group g's header; the group's runs follow it.
  const starts: number[] = []
  let position = 0
  for (const g of groups) {
    starts.push(position)
    position += g.count + 1
  }
  return {
    itemCount: position,
    itemAt(p) {
      let lo = 0
      let hi = starts.length - 1
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1
        if (starts[mid]! <= p) lo = mid
        else hi = mid - 1
      }
      const offset = p - starts[lo]!
      if (offset === 0) return { kind: 'group', label: groups[lo]!.label, count: groups[lo]!.count }
      return { kind: 'run', rowIndex: starts[lo]! - lo + offset - 1 }
    },
  }
}

/** The item positions a viewport shows, with `overscan` items either side. */
export function visibleRange(scrollTop: number, viewportHeight: number, rowHeight: number, itemCount: number, overscan = 8): { first: number; last: number } {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan)
  const last = Math.min(itemCount - 1, Math.ceil((scrollTop + viewportHeight) / rowHeight) + overscan)
  return { first, last }
}
