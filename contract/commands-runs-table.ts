import { z } from 'zod'
import { MetricPoint, RunStatus, RunSummary } from './entities'
import { PivotTableData } from './pivot'

/** Commands of the runs table, the N-way compare and the ablation view. Spread into `commandSchemas`. */

const id = z.number().int().positive()
/** A dotted config key as the runs table shows it: `model.adaptation.mode`, `eval.0.dataset`. */
const configKey = z.string().trim().min(1, 'must not be empty').max(300, 'must be at most 300 characters')

/** One leaf of a frozen config. */
export const ConfigValue = z.union([z.string(), z.number(), z.boolean(), z.null()])
export type ConfigValue = z.infer<typeof ConfigValue>

export const SORT_FIELDS = ['id', 'name', 'experiment', 'status', 'seed', 'createdAt', 'startedAt', 'finishedAt'] as const
/** A built-in column, a config key (`config:model.adaptation.mode`), a metric's latest value (`metric:train/loss`) or its best (`best:eval/ucf101/ep1/top1`). */
export const SortKey = z.union([z.enum(SORT_FIELDS), z.string().regex(/^(config|metric|best):.+$/, 'a column, config:<dotted key>, metric:<name> or best:<name>')])
export const RunsSort = z.object({ key: SortKey, dir: z.enum(['asc', 'desc']) }).strict()
export type RunsSort = z.infer<typeof RunsSort>

export const CONDITION_OPS = ['=', '!=', '>', '>=', '<', '<='] as const
export const ConfigCondition = z.object({ key: configKey, op: z.enum(CONDITION_OPS), value: ConfigValue }).strict()
export type ConfigCondition = z.infer<typeof ConfigCondition>

export const RunsFilter = z
  .object({
    status: z.array(RunStatus).optional(),
    experimentIds: z.array(id).optional(),
    runIds: z.array(id).max(10_000).optional(),
    /** Matches the run's name, its experiment's name or its id. */
    text: z.string().max(500).optional(),
    /** Config conditions, all of which must hold (`model.adaptation.mode=full`, `train.lr>0.001`). */
    conditions: z.array(ConfigCondition).max(50).optional(),
    /** Runs carrying every one of these tags. */
    tags: z.array(z.string().min(1).max(40)).max(20).optional(),
    /** Archived runs: left out (the default), shown with the rest, or shown alone. */
    archived: z.enum(['hide', 'include', 'only']).optional(),
  })
  .strict()
export type RunsFilter = z.infer<typeof RunsFilter>

export const GROUP_BY = ['experiment', 'variant'] as const
export const RunsGroupBy = z.enum(GROUP_BY).nullable()
export type RunsGroupBy = z.infer<typeof RunsGroupBy>

export const RunsPageRow = RunSummary.extend({
  /** The requested config columns (a key the run's config lacks is absent). */
  config: z.record(z.string(), ConfigValue),
  /** The group the row belongs to when grouped. */
  group: z.string().nullable(),
  /** The best value over all steps of each requested metric column (the lowest for losses and error counts, else the highest). */
  best: z.record(z.string(), z.number()),
})
export type RunsPageRow = z.infer<typeof RunsPageRow>

/** The runs table's saved layout: config columns, metric columns (each shows its final and best value), sort, grouping. */
export const RunsTableView = z
  .object({ columns: z.array(configKey).max(200), metrics: z.array(configKey).max(50).default([]), sort: RunsSort, groupBy: RunsGroupBy })
  .strict()
export type RunsTableView = z.infer<typeof RunsTableView>

/** One config key across the compared runs: a value per run (null where the run lacks the key). */
export const CompareKey = z.object({ key: z.string(), values: z.array(ConfigValue), differs: z.boolean() })
export type CompareKey = z.infer<typeof CompareKey>

/** Compared runs that differ only in their seed (pooled as a results-table row), labelled as that row. */
export const SeedGroup = z.object({ label: z.string(), runIds: z.array(z.number().int()) })
export type SeedGroup = z.infer<typeof SeedGroup>

export const runsTableCommandSchemas = {
  'runs.page': {
    input: z
      .object({
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(500).default(100),
        sort: RunsSort.default({ key: 'id', dir: 'desc' }),
        filter: RunsFilter.default({}),
        groupBy: RunsGroupBy.default(null),
        /** Config keys whose values each row carries. */
        columns: z.array(configKey).max(200).default([]),
        /** Metrics whose best value each row carries (the final values are in `lastMetrics`). */
        metrics: z.array(configKey).max(50).default([]),
      })
      .strict(),
    output: z.object({
      rows: z.array(RunsPageRow),
      /** Runs matching the filter, over all pages. */
      total: z.number().int(),
      /** Runs matching the filter apart from its status part, by status (for the status chips). */
      statusCounts: z.record(z.string(), z.number().int()),
      /** When grouped: every group in table order with its number of runs. */
      groups: z.array(z.object({ label: z.string(), count: z.number().int() })),
    }),
  },
  'runs.configKeys': {
    input: z.object({ search: z.string().max(300).optional(), limit: z.number().int().min(1).max(5000).default(1000) }).strict(),
    /** Every dotted key of the stored configs, with how many runs have it. */
    output: z.array(z.object({ key: z.string(), runs: z.number().int() })),
  },
  'runs.metricKeys': {
    input: z.object({ search: z.string().max(300).optional() }).strict(),
    /** Every metric name stored, with how many runs have it. */
    output: z.array(z.object({ key: z.string(), runs: z.number().int() })),
  },
  'runs.compare': {
    input: z.object({ ids: z.array(id).min(1).max(50) }).strict(),
    /** The runs in the order asked, every config key with one value per run, and the runs grouped by configuration (seeds pooled). */
    output: z.object({ runs: z.array(RunSummary), keys: z.array(CompareKey), seedGroups: z.array(SeedGroup) }),
  },
  'views.runsTable.get': { input: z.object({}).strict(), output: RunsTableView },
  'views.runsTable.set': { input: RunsTableView, output: RunsTableView },
  'export.pivot': {
    /** `baseline`: the label of the row differences are against (default: the frozen CLIP's row, else the first). */
    input: z.object({ experiments: z.array(z.string().min(1)).min(1), baseline: z.string().min(1).optional() }).strict(),
    output: PivotTableData,
  },
} as const

/** `run.metrics`: points a run has just stored (training steps, evaluation results). */
export const RunMetricsEvent = z.object({ runId: z.number().int(), points: z.array(MetricPoint) })
export type RunMetricsEvent = z.infer<typeof RunMetricsEvent>
