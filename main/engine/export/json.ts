import type { PivotTableData } from '../../../contract'

/**
 * `stdd export --format json`: per row its label, the values of every config key that differs between
 * the rows, its runs, and per `<dataset>/<split>` and metric `{ mean, std, n, ci95 }`, with `delta` of
 * the same shape against the baseline row. Besides: the row's status and seeds, what each interval is
 * over (`ci_over`), and each difference's paired test and p-value (`tests`).
 */

type Stat = { mean: number; std: number | null; n: number; ci95: [number, number] | null }
type ByTarget<T> = Record<string, Record<string, T>>

export interface JsonRow {
  label: string
  status: string
  baseline: boolean
  values: Record<string, unknown>
  runs: number[]
  seeds: number[]
  repeats: number
  cells: ByTarget<Stat>
  delta: ByTarget<Stat>
  ci_over: ByTarget<'seeds' | 'videos' | null>
  tests: ByTarget<{ p: number | null; test: string | null }>
}

export interface JsonTable {
  group: string
  baseline: string | null
  /** Keys of the test videos on which the baseline is matched (a row's Δ is against the baseline's config on its own videos). */
  baseline_within: string[]
  rows: JsonRow[]
  notes: string[]
}

function byTarget<T>(cells: PivotTableData['rows'][number]['cells'], pick: (cell: NonNullable<PivotTableData['rows'][number]['cells'][string]>) => Record<string, T> | null): ByTarget<T> {
  const out: ByTarget<T> = {}
  for (const [target, cell] of Object.entries(cells)) {
    const v = cell ? pick(cell) : null
    if (v && Object.keys(v).length) out[target] = v
  }
  return out
}

const stat = (s: Stat): Stat => ({ mean: s.mean, std: s.std, n: s.n, ci95: s.ci95 })
const mapValues = <A, B>(o: Partial<Record<string, A>>, f: (a: A) => B): Record<string, B> => Object.fromEntries(Object.entries(o).flatMap(([k, v]) => (v === undefined ? [] : [[k, f(v)]])))

export function toJson(t: PivotTableData): JsonTable {
  return {
    group: t.title,
    baseline: t.baseline,
    baseline_within: t.baselineWithin,
    rows: t.rows.map((r) => ({
      label: r.label,
      status: r.status,
      baseline: r.baseline,
      values: r.values,
      runs: r.runIds,
      seeds: r.seeds,
      repeats: r.repeats,
      cells: byTarget(r.cells, (c) => mapValues(c.metrics, stat)),
      delta: byTarget(r.cells, (c) => (c.delta ? mapValues(c.delta, stat) : null)),
      ci_over: byTarget(r.cells, (c) => mapValues(c.metrics, (s) => s.ciOver)),
      tests: byTarget(r.cells, (c) => (c.delta ? mapValues(c.delta, (d) => ({ p: d.p, test: d.test })) : null)),
    })),
    notes: t.notes,
  }
}
