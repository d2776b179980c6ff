/**
 * The percentile interval of bootstrap draws: the (1 − level)/2 and (1 + level)/2 quantiles, each
 * interpolated linearly between order statistics (Hyndman & Fan type 7, as R's and NumPy's default).
 */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) throw new Error('quantile: no values')
  const h = (sorted.length - 1) * q
  const lo = Math.floor(h)
  const hi = Math.min(lo + 1, sorted.length - 1)
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!)
}

export function percentileInterval(draws: ArrayLike<number>, level = 0.95): [number, number] {
  const sorted = Float64Array.from(draws).sort()
  return [quantile(sorted, (1 - level) / 2), quantile(sorted, (1 + level) / 2)]
}
