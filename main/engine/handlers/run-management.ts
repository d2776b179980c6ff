import { rmSync } from 'node:fs'
import { join } from 'node:path'
import type { EngineContext } from '../engine'
import { getExperiment } from '../store/experiments'
import { getRunSummary } from '../store/runs'
import { deleteRunRows, moveRuns, updateRun } from '../store/run-management'
import { runsDir } from '../paths'
import { readRunLog } from '../runs/run-log'
import { folderBytes } from '../io/folder-bytes'
import type { Handlers } from './index'

/** The largest part of a run's log one call returns (its end, when the log is longer). */
export const RUN_LOG_MAX_BYTES = 4 * 1024 * 1024

type RunManagementCommand = 'runs.move' | 'runs.update' | 'runs.delete' | 'runs.log'

/** Moving, renaming, tagging, noting, archiving and deleting runs; every change reaches the faces as events. */
export function runManagementHandlers(ctx: EngineContext): Pick<Handlers, RunManagementCommand> {
  const announceExperiments = (ids: Iterable<number>) => {
    for (const id of ids) ctx.bus.emit('experiments.changed', getExperiment(ctx.db, id))
  }
  return {
    'runs.move': ({ ids, experimentId }) => {
      const { runs, from } = moveRuns(ctx.db, ids, experimentId)
      for (const r of runs) ctx.bus.emit('runs.changed', r)
      announceExperiments([...from, experimentId])
      ctx.log.info('runs', `moved ${runs.length} run(s) to experiment "${runs[0]?.experimentName}"`)
      return runs
    },
    'runs.update': ({ id, ...patch }) => {
      const run = updateRun(ctx.db, id, patch)
      ctx.bus.emit('runs.changed', run)
      return run
    },
    'runs.delete': ({ ids }) => {
      const folders = ids.map((id) => join(runsDir(ctx.dataDir), String(id)))
      const freedBytes = folders.reduce((n, f) => n + folderBytes(f), 0)
      const { experimentIds } = deleteRunRows(ctx.db, ids)
      // The rows are gone first: a folder left behind by a failed removal is only disk space, never a half-deleted run.
      for (const f of folders) rmSync(f, { recursive: true, force: true })
      for (const id of ids) ctx.bus.emit('runs.deleted', { runId: id })
      announceExperiments(experimentIds)
      ctx.log.info('runs', `deleted run(s) ${ids.join(', ')} with their files`)
      return { deleted: [...ids], freedBytes }
    },
    'runs.log': ({ id }) => {
      getRunSummary(ctx.db, id) // not_found for an unknown run
      return readRunLog(join(runsDir(ctx.dataDir), String(id)), RUN_LOG_MAX_BYTES)
    },
  }
}
