import { describe, expect, it } from 'vitest'
import { bootstrapDraws, bootstrapSetMeans, meanOfSetMeans } from '../../../../main/engine/stats/bootstrap'
import { discordant, mcnemarExact } from '../../../../main/engine/stats/mcnemar'
import { percentileInterval, quantile } from '../../../../main/engine/stats/percentile'
import { seededUniform } from '../../../../main/engine/stats/rng'
import { t975, tInterval } from '../../../../contract/t-interval'

/** A uniform stream that replays the given values (a bootstrap whose draws can be followed by hand). */
const scripted = (values: number[]) => {
  let i = 0
  return () => values[i++]!
}

describe('seeded uniform (mulberry32)', () => {
  it('reproduces the reference stream (computed independently in Python)', () => {
    const u = seededUniform(1)
    expect([u(), u(), u()]).toEqual([0.6270739405881613, 0.002735721180215478, 0.5274470399599522])
  })
})

describe('percentile interval', () => {
  it('interpolates between order statistics (type 7)', () => {
    expect(quantile([1, 2, 3, 4, 5], 0.25)).toBe(2)
    const [lo, hi] = percentileInterval([40, 0, 30, 10, 20]) // h = 0.1 and 3.9
    expect(lo).toBeCloseTo(1, 12)
    expect(hi).toBeCloseTo(39, 12)
  })
})

describe('bootstrap over videos', () => {
  it('draws videos within each set as ⌊u·n⌋ and averages the set means', () => {
    // One set [1,0,0,1]: indices 0,1,2,3 → 0.5; then 0,0,3,2 → 3/4.
    expect(Array.from(bootstrapDraws([[1, 0, 0, 1]], 2, scripted([0.1, 0.3, 0.55, 0.8, 0, 0, 0.99, 0.6])))).toEqual([0.5, 0.75])
    // Two sets: [1,0] draws 1,0 → 0.5; [0,0,1] draws 0,1,2 → 1/3; mean of the sets (0.5 + 1/3) / 2.
    expect(bootstrapDraws([[1, 0], [0, 0, 1]], 1, scripted([0.6, 0.4, 0.2, 0.5, 0.9]))[0]).toBeCloseTo(5 / 12, 12)
    expect(meanOfSetMeans([[1, 0], [0, 0, 1]])).toBeCloseTo(5 / 12, 12)
  })

  it('gives the binomial interval for a proportion (p = 0.3, n = 100: ± 1.96·√(pq/n) = ± 0.0898)', () => {
    const videos = Array.from({ length: 100 }, (_, i) => (i < 30 ? 1 : 0))
    const r = bootstrapSetMeans([videos])
    expect(r.estimate).toBe(0.3)
    expect(r.ci95[0]).toBeCloseTo(0.3 - 0.0898, 1)
    expect(r.ci95[1]).toBeCloseTo(0.3 + 0.0898, 1)
    expect(Math.abs(r.ci95[1] - r.ci95[0] - 0.1796)).toBeLessThan(0.03)
    expect(bootstrapSetMeans([videos])).toEqual(r) // the fixed seed: the same interval every time
  })

  it('gives p ≈ 0 for a difference always above zero and p = 1 for none', () => {
    expect(bootstrapSetMeans([[1, 0.5, 1, 2]], { replicates: 200 }).p).toBe(0)
    // [1, −1]: a replicate is ≤ 0 with probability 3/4 and ≥ 0 with 3/4 (both for [1,−1] and [−1,1]), so p = 1.
    expect(bootstrapSetMeans([[1, -1]], { replicates: 400 }).p).toBe(1)
    expect(bootstrapSetMeans([[0, 0, 0]], { replicates: 200 }).p).toBe(1)
    expect(() => bootstrapSetMeans([[]])).toThrow(/at least one video/)
  })
})

describe('McNemar exact', () => {
  it('matches the binomial tail by hand', () => {
    expect(mcnemarExact(1, 9)).toBeCloseTo(22 / 1024, 12) // 2·(C(10,0)+C(10,1))/2^10
    expect(mcnemarExact(8, 2)).toBeCloseTo(112 / 1024, 12) // 2·(1+10+45)/1024
    expect(mcnemarExact(5, 5)).toBe(1)
    expect(mcnemarExact(0, 0)).toBe(1)
    expect(mcnemarExact(0, 600) / 2 ** -599).toBeCloseTo(1, 10) // no overflow for large n
    expect(() => mcnemarExact(-1, 2)).toThrow(/whole numbers/)
  })

  it('counts the discordant videos of a 2×2 table', () => {
    expect(discordant([1, 1, 0, 0, 1, 0], [1, 0, 1, 0, 0, 0])).toEqual({ b: 2, c: 1 })
  })
})

describe('t interval over seeds', () => {
  it('is mean ± t(0.975, n−1)·s/√n', () => {
    const r = tInterval([1, 2, 3])
    expect(r.mean).toBe(2)
    expect(r.std).toBe(1)
    expect(r.ci95[0]).toBeCloseTo(2 - 4.303 / Math.sqrt(3), 10)
    expect(r.ci95[1]).toBeCloseTo(2 + 4.303 / Math.sqrt(3), 10)
  })

  it('uses the table to 30 and the expansion beyond it', () => {
    expect(t975(2)).toBe(4.303)
    expect(t975(31)).toBeCloseTo(2.0395, 3)
    expect(t975(120)).toBeCloseTo(1.9799, 3)
    expect(() => t975(0)).toThrow(/degrees of freedom/)
  })
})
