/** The smallest and largest value of one colour scale. */
export interface ValueRange {
  min: number
  max: number
}

/** One range over several value lists (several runs' maps share a colour scale); null when there are no values. */
export function sharedRange(lists: Iterable<ArrayLike<number>>): ValueRange | null {
  let min = Infinity
  let max = -Infinity
  for (const list of lists)
    for (let i = 0; i < list.length; i++) {
      const v = list[i]!
      if (Number.isFinite(v)) {
        min = Math.min(min, v)
        max = Math.max(max, v)
      }
    }
  return min <= max ? { min, max } : null
}
