import type { TransferCounts } from '../engine/tf/webgpu/counters'

/**
 * The gpu bench's regression guard: what a CLIP block and a training step may move between CPU and
 * GPU. The counts are deterministic (any adapter, lavapipe included), so going over a budget is a
 * regression of the GPU path, not noise; the suite then fails. Lower a budget when a change lowers
 * the counts.
 */

export type CountBudget = Pick<TransferCounts, 'dispatches' | 'uploads' | 'reads' | 'cpuOutputs'>

/** One CLIP block, whatever its shape. No op anywhere runs on the CPU (`cpuOutputs`: a forwarded op). */
export const BLOCK_FORWARD_BUDGET: CountBudget = { dispatches: 20, uploads: 0, reads: 0, cpuOutputs: 0 }
export const BLOCK_FORWARD_BACKWARD_BUDGET: CountBudget = { dispatches: 63, uploads: 1, reads: 0, cpuOutputs: 0 }
/**
 * A full STDD step of the bench's small model (tiny ViT, 4 layers, 8 frames; what runs on a software
 * adapter or with --quick). Before the flat AdamW and the kept constants: 2,761 dispatches, 442 uploads.
 */
export const SMALL_STEP_BUDGET: CountBudget = { dispatches: 2365, uploads: 75, reads: 1, cpuOutputs: 0 }
/** With f16 storage: one more dispatch per trained weight matrix (27), its f16 copy packed again after AdamW. */
export const SMALL_STEP_BUDGET_F16: CountBudget = { ...SMALL_STEP_BUDGET, dispatches: SMALL_STEP_BUDGET.dispatches + 27 }

/** A line per count of `got` over `budget` (none when within it). */
export function overBudget(what: string, got: CountBudget, budget: CountBudget): string[] {
  return (Object.keys(budget) as (keyof CountBudget)[]).filter((k) => got[k] > budget[k]).map((k) => `${what}: ${got[k]} ${k}, over the budget of ${budget[k]}`)
}
