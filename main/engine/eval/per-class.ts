import type { ClassCell, ConfusionMatrix, PerClassTable } from '../../../contract'
import type { StoredClassResult } from '../store/class-queries'

/** The per-class view's tables, built from the stored per-class results of one evaluation key. */

export interface RunColumn {
  id: number
  name: string
  experimentName: string
}

const accuracyOf = (r: Pick<StoredClassResult, 'correct' | 'total'>): number => (r.total ? (100 * r.correct) / r.total : 0)

/**
 * Class × run top-1 accuracy; with a baseline run, each other cell's delta is its accuracy minus the
 * baseline's for the same class (points). A run's column accuracy is over all its videos of the key.
 */
export function perClassTable(evalKey: string, runs: readonly RunColumn[], rows: readonly StoredClassResult[], baselineRunId: number | null): PerClassTable {
  const withResults = runs.filter((r) => rows.some((x) => x.runId === r.id))
  const byClass = new Map<number, { name: string; byRun: Map<number, StoredClassResult> }>()
  for (const row of rows) {
    const entry = byClass.get(row.classIndex) ?? { name: row.className, byRun: new Map() }
    entry.byRun.set(row.runId, row)
    byClass.set(row.classIndex, entry)
  }
  const baseline = baselineRunId !== null && withResults.some((r) => r.id === baselineRunId) ? baselineRunId : null
  const classes = [...byClass.entries()]
    .sort(([a], [b]) => a - b)
    .map(([index, { name, byRun }]) => {
      const base = baseline === null ? undefined : byRun.get(baseline)
      const cells = withResults.map((run): ClassCell | null => {
        const r = byRun.get(run.id)
        if (!r) return null
        const accuracy = accuracyOf(r)
        const delta = base && run.id !== baseline ? accuracy - accuracyOf(base) : null
        return { correct: r.correct, total: r.total, accuracy, delta }
      })
      return { index, name, cells }
    })
  const columnAccuracy = (runId: number): number => {
    const mine = rows.filter((x) => x.runId === runId)
    return accuracyOf({ correct: mine.reduce((n, x) => n + x.correct, 0), total: mine.reduce((n, x) => n + x.total, 0) })
  }
  return {
    evalKey,
    baselineRunId: baseline,
    runs: withResults.map((r) => ({ ...r, accuracy: columnAccuracy(r.id) })),
    missingRunIds: runs.filter((r) => !withResults.includes(r)).map((r) => r.id),
    classes,
  }
}

/** counts[true][predicted] over the classes of one run's results (sparse stored counts made dense). */
export function confusionMatrix(runId: number, evalKey: string, rows: readonly StoredClassResult[]): ConfusionMatrix {
  const mine = rows.filter((r) => r.runId === runId)
  const size = mine.reduce((n, r) => Math.max(n, r.classIndex + 1), 0)
  const classes = Array.from({ length: size }, (_, i) => mine.find((r) => r.classIndex === i)?.className ?? `class ${i}`)
  const counts = Array.from({ length: size }, () => new Array<number>(size).fill(0))
  for (const r of mine)
    for (const [predicted, count] of Object.entries(r.confusion)) {
      const p = Number(predicted)
      if (p >= 0 && p < size) counts[r.classIndex]![p] = count
    }
  return { runId, evalKey, classes, counts }
}
