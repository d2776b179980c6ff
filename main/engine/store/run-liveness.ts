import { nowIso, type Db } from './db'

/**
 * Who runs a run and whether it is still alive: the engine process's pid and host, and a heartbeat
 * it writes while the run executes. A second engine on the same database reads them to tell a live
 * run from one whose engine died (even when the pid was since reused by another process).
 */

export interface RunningRunRow {
  id: number
  pid: number | null
  host: string | null
  heartbeatAt: string | null
}

/** Runs this machine's engines run (Slurm runs are followed through their jobs instead). */
export function runningRuns(db: Db): RunningRunRow[] {
  return (db.prepare("SELECT id, pid, host, heartbeat_at FROM runs WHERE status = 'running' AND id NOT IN (SELECT run_id FROM slurm_jobs)").all() as { id: number; pid: number | null; host: string | null; heartbeat_at: string | null }[]).map(
    (r) => ({ id: r.id, pid: r.pid, host: r.host, heartbeatAt: r.heartbeat_at }),
  )
}

/** Records that this process now runs the run, and clears any earlier cancel request. */
export function markRunOwner(db: Db, runId: number, pid: number): void {
  db.prepare('UPDATE runs SET pid = ?, heartbeat_at = ?, cancel_requested = 0 WHERE id = ?').run(pid, nowIso(), runId)
}

/**
 * The heartbeat of a running run; also records the backend it computes on once that is known (a run
 * is queued before the backend has started). Returns whether another process asked to cancel it.
 */
export function touchRun(db: Db, runId: number, backend: string | null): { cancelRequested: boolean } {
  const row = db.prepare('UPDATE runs SET heartbeat_at = ?, backend = COALESCE(?, backend) WHERE id = ? RETURNING cancel_requested').get(nowIso(), backend, runId) as
    | { cancel_requested: number }
    | undefined
  return { cancelRequested: Boolean(row?.cancel_requested) }
}

/** Leaves a cancel request for the process that runs the run; it reads it at its next step. */
export function requestCancel(db: Db, runId: number): void {
  db.prepare('UPDATE runs SET cancel_requested = 1 WHERE id = ?').run(runId)
}
