import { describe, expect, it } from 'vitest'
import { debiasedEma } from '../../renderer/charts/smoothing'

describe('debiased EMA smoothing', () => {
  it('matches hand-computed values', () => {
    // w = 0.5 on [1, 2, 3]:
    //   t=1: last = 0.5,  debias 1 − 0.5   = 0.5   → 1
    //   t=2: last = 1.25, debias 1 − 0.25  = 0.75  → 5/3
    //   t=3: last = 2.125, debias 1 − 0.125 = 0.875 → 17/7
    const s = debiasedEma([1, 2, 3], 0.5)
    expect(s[0]).toBeCloseTo(1, 12)
    expect(s[1]).toBeCloseTo(5 / 3, 12)
    expect(s[2]).toBeCloseTo(17 / 7, 12)
  })

  it('keeps a constant series constant (the bias correction at work) and is the identity at w = 0', () => {
    for (const v of debiasedEma([4, 4, 4, 4, 4], 0.9)) expect(v).toBeCloseTo(4, 12)
    expect(debiasedEma([3, -1, 7], 0)).toEqual([3, -1, 7])
  })

  it('passes non-finite values through without advancing the average', () => {
    // w = 0.5 on [2, NaN, 4]: t=1 → 2; NaN stays; t=2: last = 0.5·1 + 0.5·4 = 2.5, / 0.75 → 10/3.
    const s = debiasedEma([2, Number.NaN, 4], 0.5)
    expect(s[0]).toBeCloseTo(2, 12)
    expect(s[1]).toBeNaN()
    expect(s[2]).toBeCloseTo(10 / 3, 12)
  })

  it('refuses a weight outside [0, 1)', () => {
    expect(() => debiasedEma([1], 1)).toThrow(/\[0, 1\)/)
    expect(() => debiasedEma([1], -0.1)).toThrow(/weight/)
  })
})

describe('merging live points', () => {
  it('appends new steps and replaces a re-written step', async () => {
    const { mergePoints } = await import('../../renderer/stores/compare')
    const p = (step: number, value: number) => ({ runId: 1, step, epoch: null, name: 'train/loss', value, time: null })
    expect(mergePoints([p(1, 3), p(2, 2)], [p(2, 1.5), p(3, 1)])).toEqual([p(1, 3), p(2, 1.5), p(3, 1)])
  })
})
