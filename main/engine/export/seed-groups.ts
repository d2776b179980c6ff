import type { RunSummary, SeedGroup } from '../../../contract'
import { configValuesOf } from '../store/config-values'
import type { Db } from '../store/db'
import { promptSetHashes } from '../store/run-prompt-sets'
import { configurationOf, groupRows } from './rows'

/**
 * The given runs in groups that differ only in their seed, exactly as the results table pools them
 * into rows (rows.ts), each labelled as its row: what Compare draws a mean and a band over.
 */
export function seedGroups(db: Db, runs: readonly RunSummary[]): SeedGroup[] {
  const values = configValuesOf(db, runs.map((r) => r.id))
  const prompts = promptSetHashes(db, runs.filter((r) => r.status === 'done').map((r) => r.id))
  const tableRuns = runs.map((r) => ({ id: r.id, name: r.name, status: r.status, seed: r.seed, values: { ...configurationOf(values.get(r.id)!), ...prompts.get(r.id) } }))
  return groupRows(tableRuns).map((row) => ({ label: row.label, runIds: [...[...row.seeds.values()].flat(), ...row.others.flatMap((o) => o.runIds)] }))
}
