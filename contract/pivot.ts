import { z } from 'zod'
import { RUN_STATUSES } from './entities'

/**
 * The results table of the ablation view and `stdd export` (engine: main/engine/export/pivot.ts).
 * Per cell and metric: mean, std over seeds, n (distinct seeds), a 95 % interval (over seeds where
 * n ≥ 3, else over test videos), and the paired difference from the baseline row.
 */

export const PIVOT_METRICS = ['top1', 'top5', 'pair_acc'] as const
export const PivotMetric = z.enum(PIVOT_METRICS)
export type PivotMetric = z.infer<typeof PivotMetric>

export const ROW_STATUSES = [...RUN_STATUSES, 'missing'] as const
export const RowStatus = z.enum(ROW_STATUSES)
export type RowStatus = z.infer<typeof RowStatus>

const interval = z.tuple([z.number(), z.number()]).nullable()

export const MetricStat = z.object({
  mean: z.number(),
  std: z.number().nullable(),
  n: z.number().int(),
  ci95: interval,
  /** What the interval is over: the row's seeds (n ≥ 3, Student t) or the test videos (bootstrap); null where neither is available. */
  ciOver: z.enum(['seeds', 'videos']).nullable(),
  /** Test videos the value is over (the fewest of the row's runs). */
  videos: z.number().int().nullable(),
  best: z.boolean(),
})
export type MetricStat = z.infer<typeof MetricStat>

export const PAIRED_TESTS = ['McNemar exact', 'paired bootstrap over videos'] as const
export const MetricDelta = z.object({
  mean: z.number(),
  std: z.number().nullable(),
  /** Seeds paired. */
  n: z.number().int(),
  ci95: interval,
  p: z.number().nullable(),
  test: z.enum(PAIRED_TESTS).nullable(),
  significant: z.boolean(),
})
export type MetricDelta = z.infer<typeof MetricDelta>

export const PivotCell = z.object({
  metrics: z.partialRecord(PivotMetric, MetricStat),
  /** Against the baseline row; null for the baseline itself or where the baseline has no result. */
  delta: z.partialRecord(PivotMetric, MetricDelta).nullable(),
  /** The runs the cell pools. */
  runIds: z.array(z.number().int()),
  seeds: z.array(z.number().int()),
  /** Runs beyond one per seed: pooled into the seed's value, never counted as seeds. */
  repeats: z.number().int(),
})
export type PivotCell = z.infer<typeof PivotCell>

export const PivotRow = z.object({
  label: z.string(),
  status: RowStatus,
  baseline: z.boolean(),
  /** Every differing key's value; absent where unknown. */
  values: z.record(z.string(), z.unknown()),
  runIds: z.array(z.number().int()),
  seeds: z.array(z.number().int()),
  repeats: z.number().int(),
  /** Runs of the row that are not done, and variants of the suite file never run. */
  others: z.array(z.object({ status: RowStatus, runIds: z.array(z.number().int()), names: z.array(z.string()) })),
  cells: z.record(z.string(), PivotCell.nullable()),
})
export type PivotRow = z.infer<typeof PivotRow>

export const PivotColumn = z.object({
  key: z.string(),
  metrics: z.array(PivotMetric),
  /** Points one test video moves a cell by, per metric, where that is ≥ 1. */
  oneVideoMoves: z.partialRecord(PivotMetric, z.number()),
})
export type PivotColumn = z.infer<typeof PivotColumn>

export const PivotTableData = z.object({
  title: z.string(),
  baseline: z.string().nullable(),
  /**
   * Keys of the test videos (`synthmotion.worldSeed`…) on which rows differ: a row on other test videos
   * is compared with the row that has the baseline's config on its own videos, marked as a baseline too.
   */
  baselineWithin: z.array(z.string()),
  /** Dotted config keys (and `promptSetHash.<target>`) that differ between rows. */
  rowKeys: z.array(z.string()),
  /** Those shown as factor columns, with short headers. */
  factors: z.array(z.object({ key: z.string(), header: z.string() })),
  columns: z.array(PivotColumn),
  rows: z.array(PivotRow),
  promptSets: z.array(z.object({ hash: z.string(), kind: z.string(), runs: z.array(z.number().int()) })),
  notes: z.array(z.string()),
})
export type PivotTableData = z.infer<typeof PivotTableData>

export const EXPORT_FORMATS = ['csv', 'md', 'latex', 'json'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]
