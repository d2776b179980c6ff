import type { CommandName, CommandOutput, ParsedCommandInput } from '../../../contract'
import type { EngineContext } from '../engine'
import { appInfo } from './app'
import { createExperiment, listExperiments } from '../store/experiments'
import { getRun, getRunSummary, listRuns } from '../store/runs'
import { listMetrics } from '../store/metrics'

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
  }
}

