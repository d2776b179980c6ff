import { describe, expect, it } from 'vitest'
import { overBudget } from '../../../main/bench/gpu_budget'

describe('the gpu bench regression guard', () => {
  it('names each count over its budget, and nothing within it', () => {
    const budget = { dispatches: 10, uploads: 2, reads: 1, cpuOutputs: 0 }
    expect(overBudget('step', { dispatches: 10, uploads: 2, reads: 1, cpuOutputs: 0 }, budget)).toEqual([])
    expect(overBudget('step', { dispatches: 11, uploads: 1, reads: 2, cpuOutputs: 0 }, budget)).toEqual(['step: 11 dispatches, over the budget of 10', 'step: 2 reads, over the budget of 1'])
    expect(overBudget('step', { dispatches: 10, uploads: 2, reads: 1, cpuOutputs: 3 }, budget)).toEqual(['step: 3 cpuOutputs, over the budget of 0'])
  })
})
