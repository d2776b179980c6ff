import { percentileInterval } from './percentile'
import { seededUniform, type Uniform } from './rng'

/**
 * Bootstrap over test videos. A result is the mean over an evaluation target's sets (subsets or
 * splits; SynthMotion has one) of each set's mean per-video value (1/0 for correct/wrong, or a
 * difference of two such values for a paired comparison). One replicate draws, within each set, as
 * many videos as it has, with replacement, and recomputes that mean; sets are resampled apart
 * (stratified), so every replicate keeps the target's structure.
 */

/** Replicates per interval: the percentile ends move by well under 0.1 point between seeds at 2000. */
export const BOOTSTRAP_REPLICATES = 2000
/** The fixed seed of every interval the product shows, so an export is reproducible. */
export const BOOTSTRAP_SEED = 20250218

const mean = (xs: ArrayLike<number>): number => {
  let s = 0
  for (let i = 0; i < xs.length; i++) s += xs[i]!
  return s / xs.length
}

/** The statistic itself: mean over sets of the set's mean value. */
export function meanOfSetMeans(sets: readonly ArrayLike<number>[]): number {
  return sets.reduce((a, s) => a + mean(s), 0) / sets.length
}

/** `replicates` bootstrap values of {@link meanOfSetMeans}, drawing indices as ⌊u·n⌋ from `uniform`. */
export function bootstrapDraws(sets: readonly ArrayLike<number>[], replicates: number, uniform: Uniform): Float64Array {
  if (sets.length === 0 || sets.some((s) => s.length === 0)) throw new Error('bootstrap: every set needs at least one video')
  const draws = new Float64Array(replicates)
  for (let b = 0; b < replicates; b++) {
    let total = 0
    for (const s of sets) {
      let sum = 0
      for (let i = 0; i < s.length; i++) sum += s[Math.floor(uniform() * s.length)]!
      total += sum / s.length
    }
    draws[b] = total / sets.length
  }
  return draws
}

export interface BootstrapResult {
  estimate: number
  ci95: [number, number]
  /** Two-sided: twice the smaller share of replicates at or beyond 0 on either side, at most 1 (for differences). */
  p: number
}

/** Estimate, 95 % percentile interval and bootstrap p-value of {@link meanOfSetMeans} (fixed seed unless given). */
export function bootstrapSetMeans(sets: readonly ArrayLike<number>[], o: { replicates?: number; uniform?: Uniform } = {}): BootstrapResult {
  const draws = bootstrapDraws(sets, o.replicates ?? BOOTSTRAP_REPLICATES, o.uniform ?? seededUniform(BOOTSTRAP_SEED))
  let below = 0
  let above = 0
  for (const d of draws) {
    if (d <= 0) below++
    if (d >= 0) above++
  }
  return { estimate: meanOfSetMeans(sets), ci95: percentileInterval(draws), p: Math.min(1, (2 * Math.min(below, above)) / draws.length) }
}
