import { ContractError, type RunSummary } from '../../../contract'
import { nowIso, type Db } from './db'
import { getExperiment } from './experiments'
import { getRunSummary } from './runs'
import { placeholders } from './sql'

/** A name not yet taken in the experiment: `name`, else `name #2`, `name #3`, … */
export function freeRunName(db: Db, experimentId: number, name: string, except: number | null = null): string {
  const taken = new Set((db.prepare('SELECT name FROM runs WHERE experiment_id = ? AND id IS NOT ?').all(experimentId, except) as { name: string }[]).map((r) => r.name))
  let free = name
  for (let i = 2; taken.has(free); i++) free = `${name} #${i}`
  return free
}

/** Moves runs to another experiment in one transaction; returns the source experiments' ids (their run counts changed). */
export function moveRuns(db: Db, ids: readonly number[], experimentId: number): { runs: RunSummary[]; from: number[] } {
  getExperiment(db, experimentId) // not_found names the fix
  return db.transaction(() => {
    const from = new Set<number>()
    for (const id of ids) {
      const run = getRunSummary(db, id)
      if (run.experimentId === experimentId) continue
      from.add(run.experimentId)
      db.prepare('UPDATE runs SET experiment_id = ?, name = ? WHERE id = ?').run(experimentId, freeRunName(db, experimentId, run.name), id)
    }
    return { runs: ids.map((id) => getRunSummary(db, id)), from: [...from] }
  })()
}

export interface RunPatch {
  name?: string | undefined
  tags?: string[] | undefined
  note?: string | undefined
  archived?: boolean | undefined
}

export function updateRun(db: Db, id: number, patch: RunPatch): RunSummary {
  const run = getRunSummary(db, id)
  if (patch.name !== undefined && patch.name !== run.name) {
    const clash = db.prepare('SELECT id FROM runs WHERE experiment_id = ? AND name = ? AND id <> ?').get(run.experimentId, patch.name, id)
    if (clash) throw new ContractError('conflict', `experiment "${run.experimentName}" already has a run named "${patch.name}"; choose another name`)
  }
  const sets: string[] = []
  const params: unknown[] = []
  const set = (sql: string, ...values: unknown[]) => {
    sets.push(sql)
    params.push(...values)
  }
  if (patch.name !== undefined) set('name = ?', patch.name)
  if (patch.tags !== undefined) set('tags_json = ?', JSON.stringify([...new Set(patch.tags)].sort()))
  if (patch.note !== undefined) set('note = ?', patch.note)
  // Archiving again keeps the first archive time.
  if (patch.archived !== undefined) set('archived_at = CASE WHEN ? THEN COALESCE(archived_at, ?) ELSE NULL END', patch.archived ? 1 : 0, nowIso())
  if (sets.length) db.prepare(`UPDATE runs SET ${sets.join(', ')} WHERE id = ?`).run(...params, id)
  return getRunSummary(db, id)
}

/**
 * Deletes runs and, by cascade, everything stored of them (an evaluation-only run of their weights
 * keeps its results; its link to them becomes null). Refuses queued or running runs: cancel them
 * first. Returns the deleted runs' experiments (their counts changed).
 */
export function deleteRunRows(db: Db, ids: readonly number[]): { experimentIds: number[] } {
  return db.transaction(() => {
    const runs = ids.map((id) => getRunSummary(db, id))
    const busy = runs.filter((r) => r.status === 'queued' || r.status === 'running')
    if (busy.length) throw new ContractError('conflict', `run(s) ${busy.map((r) => `${r.id} (${r.status})`).join(', ')} cannot be deleted while queued or running; cancel them first`)
    db.prepare(`DELETE FROM run_queue WHERE run_id IN (${placeholders(ids)})`).run(...ids)
    db.prepare(`DELETE FROM runs WHERE id IN (${placeholders(ids)})`).run(...ids)
    return { experimentIds: [...new Set(runs.map((r) => r.experimentId))] }
  })()
}
