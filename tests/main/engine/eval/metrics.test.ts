import { describe, expect, it } from 'vitest'
import { classify, meanStd } from '../../../../main/engine/eval/metrics'

describe('classification metrics', () => {
  it('count top-1, top-5, per-class accuracy and confusion', () => {
    // 7 classes, 3 videos.
    const scores = [
      [9, 1, 2, 3, 4, 5, 0], // label 0: rank 0
      [1, 2, 9, 8, 7, 6, 5], // label 1: five classes score higher → not in the top 5; predicted 2
      [0, 5, 4, 3, 2, 1, 0], // label 3: rank 2 → top-5 only; predicted 1
    ]
    const r = classify(scores, [0, 1, 3], 7)
    expect(r.top1).toBeCloseTo(100 / 3, 10)
    expect(r.top5).toBeCloseTo(200 / 3, 10)
    expect(r.perClass[0]).toEqual({ classIndex: 0, correct: 1, top5Correct: 1, total: 1 })
    expect(r.perClass[1]).toEqual({ classIndex: 1, correct: 0, top5Correct: 0, total: 1 })
    expect(r.perClass[3]).toEqual({ classIndex: 3, correct: 0, top5Correct: 1, total: 1 })
    expect(r.confusion).toEqual({ 0: { 0: 1 }, 1: { 2: 1 }, 3: { 1: 1 } })
  })

  it('count a tie against the true class', () => {
    expect(classify([[1, 1]], [1], 2).top1).toBe(0)
  })

  it('give mean and sample std over subsets', () => {
    expect(meanStd([60, 64])).toEqual({ mean: 62, std: Math.SQRT2 * 2, n: 2 })
    expect(meanStd([5])).toEqual({ mean: 5, std: null, n: 1 })
  })
})
