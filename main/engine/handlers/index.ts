import type { CommandName, CommandOutput, ParsedCommandInput } from '../../../contract'
import type { EngineContext } from '../engine'
import { appInfo } from './app'
import { createExperiment, listExperiments } from '../store/experiments'
import { getRun, getRunSummary, listRuns } from '../store/runs'
import { listMetrics } from '../store/metrics'
import { buildPivot } from '../export/pivot'
import { formatPivot } from '../export/formats'
import { readExperiment } from './experiment-input'
import { listExperimentFiles } from '../experiments/library'
import { runsTableHandlers } from './runs-table'
import { analysisHandlers } from './analysis'
import { createGraphHandlers } from './graphs'
import { runManagementHandlers } from './run-management'
import { settingsHandlers } from './settings'
import { clustersHandlers } from './clusters'
import { experimentFilesHandlers } from './experiment-files'
import { launchOnSlurm } from '../slurm/launch'

export type Handlers = {
  [C in CommandName]: (input: ParsedCommandInput<C>) => CommandOutput<C> | Promise<CommandOutput<C>>
}

/** One handler per command: the mapped type makes a missing handler a compile error. */
export function createHandlers(ctx: EngineContext): Handlers {
  return {
    'app.info': () => appInfo(ctx),
    'experiments.list': () => listExperiments(ctx.db),
    'experiments.create': (input) => {
      const experiment = createExperiment(ctx.db, input)
      ctx.log.info('experiments', `created experiment "${experiment.name}"`)
      ctx.bus.emit('experiments.changed', experiment)
      return experiment
    },
    'runs.list': (input) => listRuns(ctx.db, input),
    'runs.get': ({ id }) => getRun(ctx.db, id),
    'runs.metrics': ({ runId, names }) => {
      getRunSummary(ctx.db, runId) // not_found for an unknown run, rather than an empty list
      return listMetrics(ctx.db, runId, names)
    },
    'logs.recent': ({ limit }) => ctx.log.recent(limit),
    'experiments.files': () => listExperimentFiles(ctx.dataDir),
    'runs.launch': (input) => {
      const into = input.experimentId === undefined ? undefined : { experimentId: input.experimentId }
      if (input.executor === 'slurm') return launchOnSlurm(ctx, readExperiment(input, ctx.dataDir), input.profile, into)
      const launched = ctx.runs.launch(readExperiment(input, ctx.dataDir), into)
      ctx.kickQueue()
      return launched
    },
    'runs.cancel': ({ id }) => (ctx.slurm.isSlurmRun(id) ? ctx.slurm.cancel(id) : ctx.runs.cancel(id)),
    'runs.resume': ({ id }) => {
      if (ctx.slurm.isSlurmRun(id)) return ctx.slurm.resume(id)
      const run = ctx.runs.resume(id)
      ctx.kickQueue()
      return run
    },
    'export.table': ({ experiments, format, baseline }) => ({ text: formatPivot(buildPivot(ctx.db, experiments, baseline), format) }),
    ...runsTableHandlers(ctx),
    ...analysisHandlers(ctx),
    ...createGraphHandlers(ctx),
    ...runManagementHandlers(ctx),
    ...experimentFilesHandlers(ctx),
    ...settingsHandlers(ctx),
    ...clustersHandlers(ctx),
  }
}

