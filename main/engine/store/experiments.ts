import type { Experiment } from '../../../contract'
import { ContractError } from '../../../contract'
import { nowIso, type Db } from './db'

interface ExperimentRow {
  id: number
  name: string
  description: string
  file_path: string | null
  created_at: string
  run_count: number
}

const SELECT = `
  SELECT e.id, e.name, e.description, e.file_path, e.created_at,
         (SELECT COUNT(*) FROM runs r WHERE r.experiment_id = e.id) AS run_count
  FROM experiments e`

function toExperiment(r: ExperimentRow): Experiment {
  return { id: r.id, name: r.name, description: r.description, filePath: r.file_path, createdAt: r.created_at, runCount: r.run_count }
}

export function listExperiments(db: Db): Experiment[] {
  return (db.prepare(`${SELECT} ORDER BY e.created_at DESC, e.id DESC`).all() as ExperimentRow[]).map(toExperiment)
}

/** The id of the experiment of that name, or null. */
export function experimentIdByName(db: Db, name: string): number | null {
  return (db.prepare('SELECT id FROM experiments WHERE name = ?').get(name) as { id: number } | undefined)?.id ?? null
}

/** The experiment of that name, or of that id (`"3"`), or null. */
export function findExperiment(db: Db, nameOrId: string): Experiment | null {
  const row = db.prepare(`${SELECT} WHERE e.name = ? OR CAST(e.id AS TEXT) = ?`).get(nameOrId, nameOrId) as ExperimentRow | undefined
  return row ? toExperiment(row) : null
}

export function getExperiment(db: Db, id: number): Experiment {
  const row = db.prepare(`${SELECT} WHERE e.id = ?`).get(id) as ExperimentRow | undefined
  if (!row) throw new ContractError('not_found', `experiment ${id} does not exist; list them with "stdd runs list" or experiments.list`)
  return toExperiment(row)
}

export interface NewExperiment {
  name: string
  description?: string
  filePath?: string | null
  config?: unknown
}

export function createExperiment(db: Db, e: NewExperiment): Experiment {
  const exists = db.prepare('SELECT id FROM experiments WHERE name = ?').get(e.name)
  if (exists) throw new ContractError('conflict', `an experiment named "${e.name}" already exists; choose another name`)
  const info = db
    .prepare('INSERT INTO experiments (name, description, file_path, config_json, created_at) VALUES (?, ?, ?, ?, ?)')
    .run(e.name, e.description ?? '', e.filePath ?? null, e.config === undefined ? null : JSON.stringify(e.config), nowIso())
  return getExperiment(db, Number(info.lastInsertRowid))
}
