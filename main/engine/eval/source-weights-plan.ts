/** What an evaluation-only run loads from its source run's checkpoints (docs/worker.md, `source`). */
export type SourceWeightsPlan =
  | { kind: 'as-built' }
  | { kind: 'average'; from: number; to: number }
  | { kind: 'epoch'; epoch: number }

/** The parts of the source run's train config the choice depends on. */
export interface SourceTrain {
  epochs: number
  averaging: { from: number; to: number } | null
}

/**
 * Which weights a checkpoint choice (`final`, `averaged` or an epoch number as text) means for a run
 * with checkpoints of `epochs`: its final weights (the average over its averaging range when its
 * config averages, else its last epoch; the model as built when it trained nothing), the average over
 * that range (all epochs when it has none), or one epoch. Throws, naming the fix, when they are missing.
 */
export function sourceWeightsPlan(runId: number, choice: string, train: SourceTrain, epochs: number[], where: string): SourceWeightsPlan {
  if (epochs.length === 0 && choice === 'final') return { kind: 'as-built' }
  if (epochs.length === 0) throw new Error(`run ${runId} has no checkpoints in ${where}; its folder was removed or it never finished an epoch`)
  if (choice === 'averaged' || (choice === 'final' && train.averaging)) {
    const [from, to] = train.averaging ? [train.averaging.from, Math.min(train.averaging.to, train.epochs)] : [epochs[0]!, epochs[epochs.length - 1]!]
    return { kind: 'average', from, to }
  }
  const epoch = choice === 'final' ? epochs[epochs.length - 1]! : Number(choice)
  if (!epochs.includes(epoch)) throw new Error(`run ${runId} has no checkpoint of epoch ${epoch} in ${where} (it has ${epochs.join(', ')})`)
  return { kind: 'epoch', epoch }
}

/** The epoch checkpoints a plan reads (of those that exist). */
export function epochsRead(plan: SourceWeightsPlan, epochs: number[]): number[] {
  if (plan.kind === 'as-built') return []
  if (plan.kind === 'epoch') return [plan.epoch]
  return epochs.filter((e) => e >= plan.from && e <= plan.to)
}
