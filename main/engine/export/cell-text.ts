import { deltaText, factorText, intervalText, meanStdText, METRIC_NAMES, othersText, type MetricStat, type PivotCell, type PivotRow, type PivotTableData, type PivotMetric as Metric } from '../../../contract'
import { BOOTSTRAP_REPLICATES } from '../stats/bootstrap'

/** The words every text export shares: a cell, a difference, a row's status, the statistics note. */

/** `62.0 ± 2.8 [58.1, 65.9] (n=3)`: n says what the interval is over (seeds where n ≥ 3, else videos). */
export function statText(s: MetricStat | undefined): string {
  if (!s) return '–'
  return `${[meanStdText(s), intervalText(s.ci95)].filter(Boolean).join(' ')} (n=${s.n})`
}

/** The metric columns of a target: top-1, and the order-only pairs where the target has them. */
export function shownMetrics(metrics: readonly Metric[]): Metric[] {
  return metrics.filter((m) => m !== 'top5')
}

export function deltaOf(row: PivotRow, cell: PivotCell | null, m: Metric): string {
  if (row.baseline) return 'baseline'
  const d = cell?.delta?.[m]
  return d ? deltaText(d) : '–'
}

/** `done`, `failed (runs 4, 5)`, `missing`, `done; 1 failed`, `done; repeats: 1`. */
export function statusText(row: PivotRow): string {
  if (row.status !== 'done') return othersText(row)
  return ['done', ...(row.repeats ? [`repeats: ${row.repeats}`] : []), ...(row.others.length ? [othersText(row)] : [])].join('; ')
}

export function factorCells(t: PivotTableData, row: PivotRow): string[] {
  return t.factors.length ? t.factors.map((f) => factorText(f.key, row.values)) : [row.label]
}

export function factorHeaders(t: PivotTableData): string[] {
  return t.factors.length ? t.factors.map((f) => f.header) : ['Row']
}

export const needsStatus = (t: PivotTableData): boolean => t.rows.some((r) => r.status !== 'done' || r.others.length > 0 || r.repeats > 0)

/** What the numbers are: metric, mean ± std over seeds, the interval, the paired test, the baseline, one-video notes, prompt sets. */
export function statsNote(t: PivotTableData): string {
  const metrics = [...new Set(t.columns.flatMap((c) => shownMetrics(c.metrics)))].map((m) => METRIC_NAMES[m])
  const parts = [
    `${metrics.join(' and ') || 'Accuracy'} (%): mean ± sample std over the distinct seeds of a row [95 % interval] (n = seeds; repeats of a seed are averaged into it, not counted).`,
    `The interval is a Student-t interval over seeds where n ≥ 3 (clipped to 0–100), else a percentile bootstrap over the test videos (${BOOTSTRAP_REPLICATES} replicates, videos resampled within each evaluation set).`,
  ]
  if (t.baseline !== null)
    parts.push(
      `Δ: difference from the baseline row "${t.baseline}"${t.baselineWithin.length ? ` or, on other test videos (${t.baselineWithin.join(', ')}), from the row with its config on those videos` : ''}, paired seed by seed on the same test videos; * p < 0.05 (paired bootstrap over videos; McNemar's exact test for one run against one).`,
    )
  parts.push(...t.notes)
  parts.push(t.promptSets.length ? `Prompt sets: ${t.promptSets.map((p) => `${p.kind} ${p.hash.slice(0, 12)} (runs ${p.runs.join(', ')})`).join('; ')}.` : 'Prompt sets: none recorded.')
  return parts.join(' ')
}
