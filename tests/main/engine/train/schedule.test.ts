import { describe, expect, it } from 'vitest'
import { learningRate } from '../../../../main/engine/train/schedule'

// The released recipe: 3.33e-6 base, 3.33e-8 end, 2 warm-up epochs, 22 epochs.
const recipe = { lr: 3.33e-6, endLr: 3.33e-8, warmupEpochs: 2, epochs: 22 }

describe('learning-rate schedule', () => {
  it('warms up linearly from the end LR to the base LR', () => {
    expect(learningRate(0, recipe)).toBeCloseTo(3.33e-8, 15)
    expect(learningRate(1, recipe)).toBeCloseTo((3.33e-8 + 3.33e-6) / 2, 15)
  })

  it('follows end + (base − end)(1 + cos(π(e − 2)/20))/2 after the warm-up', () => {
    expect(learningRate(2, recipe)).toBeCloseTo(3.33e-6, 15)
    expect(learningRate(12, recipe)).toBeCloseTo(3.33e-8 + (3.33e-6 - 3.33e-8) / 2, 15) // cos(π/2) = 0
    expect(learningRate(7, recipe)).toBeCloseTo(3.33e-8 + ((3.33e-6 - 3.33e-8) * (1 + Math.cos(Math.PI / 4))) / 2, 15)
    expect(learningRate(22, recipe)).toBeCloseTo(3.33e-8, 15)
    expect(learningRate(30, recipe)).toBeCloseTo(3.33e-8, 15)
  })

  it('has no warm-up when warmupEpochs is 0', () => {
    expect(learningRate(0, { lr: 1, endLr: 0, warmupEpochs: 0, epochs: 4 })).toBe(1)
    expect(learningRate(2, { lr: 1, endLr: 0, warmupEpochs: 0, epochs: 4 })).toBeCloseTo(0.5, 12)
  })
})
