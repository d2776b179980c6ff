import { ContractError } from '../../../contract'
import type { Db } from '../store/db'
import { meanStd } from '../eval/metrics'
import { variantName } from './variant'

/**
 * A results table: rows are groups of runs that differ only in their seed, columns are evaluation
 * targets (data set / protocol), cells are mean ± std (n) of top-1. Evaluation writes, per run and
 * target, the metrics `eval/<dataset>/<protocol>/top1` (mean over the protocol's subsets or splits),
 * `…/top1_std` and `…/n`.
 */
export interface Cell {
  mean: number
  std: number | null
  n: number
  /** What the std is over: the seeds of the group's runs, or the subsets/splits of the one run. */
  over: 'seeds' | 'subsets'
  best: boolean
  /** The runs the cell pools (the row's runs that were evaluated on the column's target). */
  runIds: number[]
}

export interface PivotTable {
  title: string
  /** The config keys that tell the rows apart (seed excluded). */
  rowKeys: string[]
  rows: { label: string; runIds: number[]; values: Record<string, unknown>; cells: Record<string, Cell | null> }[]
  columns: string[]
  /** Prompt sets the runs used: hash → experiments/runs citing it. */
  promptSets: { hash: string; kind: string; runs: number[] }[]
}

interface RunRow {
  id: number
  name: string
  config_diff_json: string
  prompt_set_id: number | null
}

const EVAL_METRIC = /^eval\/([^/]+\/[^/]+)\/top1$/

function formatValue(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v)
}

/** Builds the pivot over the finished runs of the named experiments (names or ids). */
export function buildPivot(db: Db, experiments: string[]): PivotTable {
  const runs: RunRow[] = []
  for (const key of experiments) {
    const exp = db.prepare('SELECT id, name FROM experiments WHERE name = ? OR CAST(id AS TEXT) = ?').get(key, key) as { id: number; name: string } | undefined
    if (!exp) throw new ContractError('not_found', `no experiment "${key}"; "stdd runs list" shows the experiments`)
    runs.push(...(db.prepare("SELECT id, name, config_diff_json, prompt_set_id FROM runs WHERE experiment_id = ? AND status = 'done' ORDER BY id").all(exp.id) as RunRow[]))
  }
  if (runs.length === 0) throw new ContractError('not_found', `the experiment(s) ${experiments.join(', ')} have no finished runs yet`)

  const diffs = runs.map((r) => {
    const d = JSON.parse(r.config_diff_json) as Record<string, unknown>
    delete d.seed
    return d
  })
  const allKeys = [...new Set(diffs.flatMap((d) => Object.keys(d)))].sort()
  // Only keys whose value differs between runs tell rows apart.
  const rowKeys = allKeys.filter((k) => new Set(diffs.map((d) => formatValue(d[k] ?? '(default)'))).size > 1)

  const groups = new Map<string, { runIds: number[]; values: Record<string, unknown> }>()
  runs.forEach((r, i) => {
    const values = Object.fromEntries(rowKeys.map((k) => [k, diffs[i]![k] ?? '(default)']))
    const label = variantName(r.name) ?? (rowKeys.map((k) => `${k}=${formatValue(values[k])}`).join(', ') || 'all runs')
    const g = groups.get(label) ?? { runIds: [], values }
    g.runIds.push(r.id)
    groups.set(label, g)
  })

  const metric = db.prepare('SELECT name, value FROM metrics WHERE run_id = ? AND name LIKE ? AND step = (SELECT MAX(step) FROM metrics m2 WHERE m2.run_id = metrics.run_id AND m2.name = metrics.name)')
  const perRun = new Map<number, Record<string, { top1: number; std: number | null; n: number }>>()
  const columns = new Set<string>()
  for (const r of runs) {
    const rows = metric.all(r.id, 'eval/%') as { name: string; value: number }[]
    const byName = Object.fromEntries(rows.map((x) => [x.name, x.value]))
    const targets: Record<string, { top1: number; std: number | null; n: number }> = {}
    for (const name of Object.keys(byName)) {
      const m = EVAL_METRIC.exec(name)
      if (!m) continue
      const target = m[1]!
      columns.add(target)
      targets[target] = { top1: byName[name]!, std: byName[`eval/${target}/top1_std`] ?? null, n: byName[`eval/${target}/n`] ?? 1 }
    }
    perRun.set(r.id, targets)
  }

  const cols = [...columns].sort()
  const rows = [...groups.entries()].map(([label, g]) => {
    const cells: Record<string, Cell | null> = {}
    for (const c of cols) {
      const runIds = g.runIds.filter((id) => perRun.get(id)?.[c] !== undefined)
      const vals = runIds.map((id) => perRun.get(id)![c]!)
      if (vals.length === 0) cells[c] = null
      else if (vals.length === 1) cells[c] = { mean: vals[0]!.top1, std: vals[0]!.std, n: vals[0]!.n, over: 'subsets', best: false, runIds }
      else cells[c] = { ...meanStd(vals.map((v) => v.top1)), over: 'seeds', best: false, runIds }
    }
    return { label, runIds: g.runIds, values: g.values, cells }
  })
  for (const c of cols) {
    const best = Math.max(...rows.map((r) => r.cells[c]?.mean ?? -Infinity))
    for (const r of rows) if (r.cells[c] && r.cells[c]!.mean === best) r.cells[c]!.best = true
  }

  const ps = db.prepare('SELECT hash, kind FROM prompt_sets WHERE id = ?')
  const promptSets = new Map<string, { hash: string; kind: string; runs: number[] }>()
  for (const r of runs) {
    if (r.prompt_set_id === null) continue
    const p = ps.get(r.prompt_set_id) as { hash: string; kind: string }
    const entry = promptSets.get(p.hash) ?? { ...p, runs: [] }
    entry.runs.push(r.id)
    promptSets.set(p.hash, entry)
  }
  return { title: experiments.join(' + '), rowKeys, rows, columns: cols, promptSets: [...promptSets.values()] }
}
