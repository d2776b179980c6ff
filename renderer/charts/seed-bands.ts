import { tInterval } from '../../contract/api-runtime'

/** What the band around a seed group's mean spans: nothing, the seeds' min to max, or the 95 % Student-t interval of the mean. */
export const COMPARE_BANDS = ['none', 'minmax', 'ci95'] as const
export type CompareBand = (typeof COMPARE_BANDS)[number]

export const BAND_NAMES: Record<Exclude<CompareBand, 'none'>, string> = { minmax: 'min–max', ci95: '95 % interval' }

/** One seed's curve: [x, y] per step, keyed by the step so that seeds line up step by step. */
export type SeedCurve = ReadonlyMap<number, readonly [number, number]>

/** The mean over seeds at one step, at the seeds' mean x, with the band around it. */
export interface BandPoint {
  x: number
  mean: number
  low: number
  high: number
  /** Seeds that have this step. */
  n: number
}

/**
 * The mean of several seeds' curves step by step, with its band: min–max over the seeds, or the 95 %
 * t interval of the mean (contract/t-interval.ts, the one the results tables use); a step only one seed
 * reached has no spread (low = high = its value).
 */
export function seedBand(curves: readonly SeedCurve[], band: Exclude<CompareBand, 'none'>): BandPoint[] {
  const steps = [...new Set(curves.flatMap((c) => [...c.keys()]))].sort((a, b) => a - b)
  return steps.map((step) => {
    const at = curves.flatMap((c) => (c.has(step) ? [c.get(step)!] : []))
    const ys = at.map(([, y]) => y)
    const x = at.reduce((s, [v]) => s + v, 0) / at.length
    if (ys.length < 2) return { x, mean: ys[0]!, low: ys[0]!, high: ys[0]!, n: ys.length }
    if (band === 'minmax') return { x, mean: ys.reduce((a, b) => a + b, 0) / ys.length, low: Math.min(...ys), high: Math.max(...ys), n: ys.length }
    const { mean, ci95 } = tInterval(ys)
    return { x, mean, low: ci95[0], high: ci95[1], n: ys.length }
  })
}
