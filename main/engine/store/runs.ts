import { randomUUID } from 'node:crypto'
import type { RunDetail, RunStatus, RunSummary } from '../../../contract'
import { ContractError } from '../../../contract'
import { nowIso, type Db } from './db'
import { placeholders } from './sql'
import { executorFields } from './slurm-jobs'

interface RunRow {
  id: number
  experiment_id: number
  experiment_name: string
  name: string
  status: RunStatus
  seed: number
  backend: string | null
  created_at: string
  started_at: string | null
  finished_at: string | null
  error: string | null
  error_kind: 'config' | 'runtime' | null
  run_seconds: number
  running_since: string | null
  tags_json: string
  note: string
  archived_at: string | null
  config_json: string
  config_diff_json: string
  git_commit: string | null
  gemm: string | null
  host: string | null
}

const SELECT = `
  SELECT r.*, e.name AS experiment_name FROM runs r JOIN experiments e ON e.id = r.experiment_id`

function lastMetrics(db: Db, runId: number): Record<string, number> {
  const rows = db
    .prepare(
      `SELECT m.name, m.value FROM metrics m
       WHERE m.run_id = ? AND m.step = (SELECT MAX(step) FROM metrics WHERE run_id = m.run_id AND name = m.name)`,
    )
    .all(runId) as { name: string; value: number }[]
  return Object.fromEntries(rows.map((r) => [r.name, r.value]))
}

function toSummary(db: Db, r: RunRow): RunSummary {
  return {
    id: r.id,
    experimentId: r.experiment_id,
    experimentName: r.experiment_name,
    name: r.name,
    status: r.status,
    seed: r.seed,
    backend: r.backend,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    error: r.error,
    errorKind: r.error_kind,
    runSeconds: r.run_seconds,
    runningSince: r.running_since,
    tags: JSON.parse(r.tags_json) as string[],
    note: r.note,
    archived: r.archived_at !== null,
    lastMetrics: lastMetrics(db, r.id),
    ...executorFields(db, r.id),
  }
}

export interface RunFilter {
  experimentId?: number
  status?: RunStatus[]
  limit: number
}

export function listRuns(db: Db, f: RunFilter): RunSummary[] {
  const where: string[] = []
  const params: unknown[] = []
  if (f.experimentId !== undefined) {
    where.push('r.experiment_id = ?')
    params.push(f.experimentId)
  }
  if (f.status?.length) {
    where.push(`r.status IN (${placeholders(f.status)})`)
    params.push(...f.status)
  }
  const sql = `${SELECT} ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY r.created_at DESC, r.id DESC LIMIT ?`
  return (db.prepare(sql).all(...params, f.limit) as RunRow[]).map((r) => toSummary(db, r))
}

function getRow(db: Db, id: number): RunRow {
  const row = db.prepare(`${SELECT} WHERE r.id = ?`).get(id) as RunRow | undefined
  if (!row) throw new ContractError('not_found', `run ${id} does not exist; see "stdd runs list" for the run ids`)
  return row
}

export function getRunSummary(db: Db, id: number): RunSummary {
  return toSummary(db, getRow(db, id))
}

export function getRun(db: Db, id: number): RunDetail {
  const r = getRow(db, id)
  return {
    ...toSummary(db, r),
    config: JSON.parse(r.config_json) as unknown,
    configDiff: JSON.parse(r.config_diff_json) as unknown,
    gitCommit: r.git_commit,
    host: r.host,
    gemm: r.gemm,
  }
}

export interface NewRun {
  experimentId: number
  name: string
  config: unknown
  configDiff: unknown
  seed: number
  gitCommit?: string | null
  backend?: string | null
  host?: string | null
  promptSetId?: number | null
}

export function createRun(db: Db, run: NewRun): RunSummary {
  const info = db
    .prepare(
      `INSERT INTO runs (experiment_id, name, status, config_json, config_diff_json, seed, git_commit, backend, host, prompt_set_id, run_key, created_at)
       VALUES (?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      run.experimentId,
      run.name,
      JSON.stringify(run.config),
      JSON.stringify(run.configDiff),
      run.seed,
      run.gitCommit ?? null,
      run.backend ?? null,
      run.host ?? null,
      run.promptSetId ?? null,
      randomUUID(),
      nowIso(),
    )
  return getRunSummary(db, Number(info.lastInsertRowid))
}

export type RunErrorKind = 'config' | 'runtime'

/**
 * Moves a run to a new state, stamping the start or end time. Leaving `running` adds the stretch
 * since `running_since` to the run's running time (ended at `endedAt`, default now).
 */
export function setRunStatus(db: Db, id: number, status: RunStatus, error: string | null = null, opts: { errorKind?: RunErrorKind; endedAt?: string } = {}): void {
  const now = nowIso()
  const stamp = status === 'running' ? ', started_at = COALESCE(started_at, ?), running_since = ?' : status === 'queued' ? '' : ', finished_at = ?'
  const params: unknown[] = [status, error, error === null ? null : (opts.errorKind ?? 'runtime'), opts.endedAt ?? now]
  if (status === 'running') params.push(now, now)
  else if (stamp) params.push(now)
  db.prepare(
    `UPDATE runs SET status = ?, error = ?, error_kind = ?,
       run_seconds = run_seconds + CASE WHEN running_since IS NULL THEN 0 ELSE MAX(0, (julianday(?) - julianday(running_since)) * 86400) END,
       running_since = NULL${stamp} WHERE id = ?`,
  ).run(...params, id)
}

/** An experiment's runs (every status) with their frozen configs, oldest first. */
export function experimentRunConfigs(db: Db, experimentId: number): { id: number; name: string; status: RunStatus; seed: number; config: unknown }[] {
  const rows = db.prepare('SELECT id, name, status, seed, config_json FROM runs WHERE experiment_id = ? ORDER BY id').all(experimentId) as { id: number; name: string; status: RunStatus; seed: number; config_json: string }[]
  return rows.map((r) => ({ id: r.id, name: r.name, status: r.status, seed: r.seed, config: JSON.parse(r.config_json) as unknown }))
}
