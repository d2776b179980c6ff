import type { MetricDelta, MetricStat, PivotCell, PivotRow, PivotTableData } from '../../../contract'
import { BOOTSTRAP_REPLICATES } from '../stats/bootstrap'
import { factorText } from './factors'
import { METRIC_NAMES } from './pivot'
import type { Metric } from './outcomes'

/** The words every text export shares: a cell, a difference, a row's status, the statistics note. */

export const f1 = (x: number): string => x.toFixed(1)

export function statText(s: MetricStat | undefined, o: { ci: boolean } = { ci: true }): string {
  if (!s) return '–'
  const std = s.std === null ? '' : ` ± ${f1(s.std)}`
  const ci = o.ci && s.ci95 ? ` [${f1(s.ci95[0])}, ${f1(s.ci95[1])}]` : ''
  return `${f1(s.mean)}${std}${ci} (n=${s.n})`
}

/** `+5.6*`: the paired difference, marked where p < 0.05. */
export function deltaText(d: MetricDelta | undefined): string {
  if (!d) return '–'
  return `${d.mean >= 0 ? '+' : '−'}${f1(Math.abs(d.mean))}${d.significant ? '*' : ''}`
}

/** The metric columns of a target: top-1, and the order-only pairs where the target has them. */
export function shownMetrics(metrics: readonly Metric[]): Metric[] {
  return metrics.filter((m) => m !== 'top5')
}

export function deltaOf(row: PivotRow, cell: PivotCell | null, m: Metric): string {
  if (row.baseline) return 'baseline'
  return deltaText(cell?.delta?.[m])
}

/** `done`, `failed (runs 4, 5)`, `missing`, `done; 1 failed`, `done; repeats: 1`. */
export function statusText(row: PivotRow): string {
  const others = row.others.map((o) => `${o.status}${o.runIds.length ? ` (run${o.runIds.length > 1 ? 's' : ''} ${o.runIds.join(', ')})` : ''}`)
  if (row.status !== 'done') return others.join('; ')
  return ['done', ...(row.repeats ? [`repeats: ${row.repeats}`] : []), ...others].join('; ')
}

export function factorCells(t: PivotTableData, row: PivotRow): string[] {
  return t.factors.length ? t.factors.map((f) => factorText(f.key, row.values[f.key])) : [row.label]
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
    `The interval is a Student-t interval over seeds where n ≥ 3, else a percentile bootstrap over the test videos (${BOOTSTRAP_REPLICATES} replicates, videos resampled within each evaluation set).`,
  ]
  if (t.baseline !== null)
    parts.push(`Δ: difference from the baseline row "${t.baseline}", paired seed by seed on the same test videos; * p < 0.05 (paired bootstrap over videos; McNemar's exact test for one run against one).`)
  parts.push(...t.notes)
  parts.push(t.promptSets.length ? `Prompt sets: ${t.promptSets.map((p) => `${p.kind} ${p.hash.slice(0, 12)} (runs ${p.runs.join(', ')})`).join('; ')}.` : 'Prompt sets: none recorded.')
  return parts.join(' ')
}
