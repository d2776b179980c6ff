/**
 * The learning rate at a fractional epoch (docs/method.md §2): linear warm-up from `endLr` to `lr` over
 * `warmupEpochs`, then cosine from `lr` down to `endLr` at `epochs`; updated every iteration.
 */
export interface ScheduleOptions {
  lr: number
  endLr: number
  warmupEpochs: number
  epochs: number
}

export function learningRate(epoch: number, o: ScheduleOptions): number {
  if (o.warmupEpochs > 0 && epoch < o.warmupEpochs) return o.endLr + (o.lr - o.endLr) * (epoch / o.warmupEpochs)
  const span = o.epochs - o.warmupEpochs
  if (span <= 0) return o.lr
  const progress = Math.min(1, Math.max(0, (epoch - o.warmupEpochs) / span))
  return o.endLr + ((o.lr - o.endLr) * (1 + Math.cos(Math.PI * progress))) / 2
}
