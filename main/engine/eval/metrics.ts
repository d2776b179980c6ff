/**
 * Zero-shot classification metrics from summed view scores (docs/method.md §5.1): top-1 / top-5 as the
 * fraction of videos whose label is among the k highest scores, per-class accuracy, confusion counts.
 */
export interface ClassificationResult {
  videos: number
  top1: number
  top5: number
  perClass: { classIndex: number; correct: number; top5Correct: number; total: number }[]
  /** confusion[true][predicted] = count (sparse: only non-zero entries). */
  confusion: Record<number, Record<number, number>>
}

/** Rank of `label` in `scores` (0 = highest). Ties count against the label (pessimistic). */
function rankOf(scores: ArrayLike<number>, label: number): number {
  const s = scores[label]!
  let rank = 0
  for (let k = 0; k < scores.length; k++) if (k !== label && scores[k]! >= s) rank++
  return rank
}

function argmax(scores: ArrayLike<number>): number {
  let best = 0
  for (let k = 1; k < scores.length; k++) if (scores[k]! > scores[best]!) best = k
  return best
}

/** `scores[v]` holds one score per class for video v; `labels[v]` its true class. Accuracies in %. */
export function classify(scores: ArrayLike<number>[], labels: readonly number[], numClasses: number): ClassificationResult {
  if (scores.length !== labels.length) throw new Error(`classify: ${scores.length} score rows for ${labels.length} labels`)
  const perClass = Array.from({ length: numClasses }, (_, classIndex) => ({ classIndex, correct: 0, top5Correct: 0, total: 0 }))
  const confusion: Record<number, Record<number, number>> = {}
  let top1 = 0
  let top5 = 0
  scores.forEach((row, v) => {
    const label = labels[v]!
    if (row.length !== numClasses) throw new Error(`classify: video ${v} has ${row.length} scores for ${numClasses} classes`)
    const rank = rankOf(row, label)
    const pc = perClass[label]!
    pc.total++
    if (rank === 0) {
      top1++
      pc.correct++
    }
    if (rank < 5) {
      top5++
      pc.top5Correct++
    }
    const predicted = argmax(row)
    confusion[label] ??= {}
    confusion[label][predicted] = (confusion[label][predicted] ?? 0) + 1
  })
  const n = Math.max(1, scores.length)
  return { videos: scores.length, top1: (100 * top1) / n, top5: (100 * top5) / n, perClass, confusion }
}

/** Mean and sample std (n − 1) of the per-subset or per-split accuracies. */
export function meanStd(xs: readonly number[]): { mean: number; std: number | null; n: number } {
  const n = xs.length
  const mean = xs.reduce((a, b) => a + b, 0) / Math.max(1, n)
  const std = n < 2 ? null : Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1))
  return { mean, std, n }
}
