import type { RowStatus } from '../../../contract'
import { describeValues, shownFactors } from './factors'
import { variantName } from './variant'

/**
 * The rows of a results table. A row is one configuration: runs pool in a row only when every config
 * value (the knowledge-graph version and the prompt-set hash each target used included) is the same
 * but the seed. A seed run twice is a repeat: it pools into the seed's value and is not counted as a
 * seed. Runs that are not done (queued, running, failed, cancelled) and variants of the experiment
 * file never run ("missing") join the done row they match, or make a row of their own, so nothing the
 * suite asks for is silently dropped.
 */

/** A run, or a variant of the suite file that has no run, as the table sees it. */
export interface TableRun {
  /** null for a missing variant. */
  id: number | null
  name: string
  status: RowStatus
  seed: number
  /** Dotted config key → value; the seed, name and description left out. Absent keys are unknown (a variant never run has no prompt-set hash). */
  values: Record<string, unknown>
}

export interface TableRow {
  label: string
  status: RowStatus
  values: Record<string, unknown>
  /** Done runs by seed (several per seed: repeats). */
  seeds: Map<number, number[]>
  /** Runs of the row that are not done, and missing variants, by status. */
  others: { status: RowStatus; runIds: number[]; names: string[] }[]
}

/** A run's flattened config as a row compares it: every leaf but the seed, name and description. */
export function configurationOf(values: Record<string, unknown>): Record<string, unknown> {
  const { seed: _seed, name: _name, description: _description, ...rest } = values
  return rest
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b)

/** Whether two value sets agree on every key both know. */
function compatible(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  return Object.keys(a).every((k) => !(k in b) || same(a[k], b[k]))
}

function identity(values: Record<string, unknown>): string {
  return JSON.stringify(Object.keys(values).sort().map((k) => [k, values[k]]))
}

/** Keys whose known values differ between the rows. */
export function differingKeys(rows: readonly { values: Record<string, unknown> }[]): string[] {
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r.values)))].sort()
  return keys.filter((k) => new Set(rows.filter((r) => k in r.values).map((r) => JSON.stringify(r.values[k]))).size > 1)
}

/** Status of a row without done runs: what is still to come first, then what went wrong. */
const STATUS_ORDER: RowStatus[] = ['running', 'queued', 'failed', 'cancelled', 'missing', 'done']

function addOther(row: TableRow, run: TableRun): void {
  const entry = row.others.find((o) => o.status === run.status) ?? { status: run.status, runIds: [], names: [] }
  if (!row.others.includes(entry)) row.others.push(entry)
  if (run.id !== null) entry.runIds.push(run.id)
  else entry.names.push(run.name)
}

export function groupRows(runs: readonly TableRun[]): TableRow[] {
  const rows: TableRow[] = []
  const byIdentity = new Map<string, TableRow>()
  const newRow = (run: TableRun): TableRow => ({ label: '', status: run.status, values: run.values, seeds: new Map(), others: [] })
  for (const run of runs.filter((r) => r.status === 'done')) {
    const key = identity(run.values)
    let row = byIdentity.get(key)
    if (!row) {
      row = newRow(run)
      byIdentity.set(key, row)
      rows.push(row)
    }
    row.seeds.set(run.seed, [...(row.seeds.get(run.seed) ?? []), run.id!])
  }
  const pending: TableRow[] = []
  for (const run of runs.filter((r) => r.status !== 'done')) {
    const row = rows.find((r) => compatible(r.values, run.values)) ?? pending.find((r) => compatible(r.values, run.values))
    if (row) addOther(row, run)
    else {
      const fresh = newRow(run)
      addOther(fresh, run)
      pending.push(fresh)
    }
  }
  for (const row of pending) row.status = STATUS_ORDER.find((s) => row.others.some((o) => o.status === s))!
  const all = [...rows, ...pending]
  label(all, runs)
  return all
}

/** A row's label: its variant's name (seed and re-launch suffixes dropped), made unique by the values that tell same-named rows apart. */
function label(rows: TableRow[], runs: readonly TableRun[]): void {
  const keys = shownFactors(differingKeys(rows), rows)
  const nameOf = new Map(runs.map((r) => [r.id ?? r.name, r.name]))
  for (const row of rows) {
    const first = row.seeds.values().next().value?.[0] ?? row.others[0]!.runIds[0] ?? row.others[0]!.names[0]!
    row.label = variantName(nameOf.get(first)!) ?? (describeValues(row.values, keys) || 'all runs')
  }
  for (const text of new Set(rows.map((r) => r.label))) {
    const same = rows.filter((r) => r.label === text)
    if (same.length < 2) continue
    const apart = shownFactors(differingKeys(same), same)
    // Rows told apart only by a key some runs lack (configs from before the key existed): by their runs.
    for (const row of same) row.label = `${row.label} (${apart.length ? describeValues(row.values, apart) : `runs ${[...row.seeds.values()].flat().join(', ')}`})`
  }
}
