import type { CommandName } from '../../../contract'
import type { EngineContext } from '../engine'
import { getGraphSummary } from '../store/knowledge-graphs'
import { runsUsingGraph } from '../store/prompt-sets'
import { diffVersions, saveClassEdit } from '../text/graphs/edit'
import { GraphJobs } from '../text/graphs/jobs'
import { getGraphVersion, listGraphVersions } from '../text/graphs/library'
import { previewPrompts } from '../text/graphs/preview'
import { ensureBuiltinSynthGraph } from '../text/synth-graph'
import type { Handlers } from './index'

type GraphCommand = Extract<CommandName, `graphs.${string}` | 'prompts.preview'>

/** The knowledge-graph editor's commands (one generation-job list per engine). */
export function createGraphHandlers(ctx: EngineContext): Pick<Handlers, GraphCommand> {
  const jobs = new GraphJobs({
    db: ctx.db,
    dataDir: ctx.dataDir,
    onJob: (job) => ctx.bus.emit('graphs.job', job),
    onGraphChanged: (g) => ctx.bus.emit('graphs.changed', g),
    log: (level, message) => ctx.log[level]('askg', message),
  })
  return {
    'graphs.list': ({ dataset }) => {
      ensureBuiltinSynthGraph(ctx.db) // the built-in graph is always there to edit
      return listGraphVersions(ctx.db, dataset !== undefined ? { dataset } : {})
    },
    'graphs.get': ({ id }) => getGraphVersion(ctx.db, id),
    'graphs.saveClass': (input) => {
      const v = saveClassEdit(ctx.db, input)
      const { classes: _classes, ...summary } = v
      ctx.log.info('askg', `saved ${v.name}@${v.version} (parent #${v.parentId})`)
      ctx.bus.emit('graphs.changed', summary)
      return summary
    },
    'graphs.diff': ({ fromId, toId }) => diffVersions(ctx.db, fromId, toId),
    'graphs.runs': ({ id }) => runsUsingGraph(ctx.db, getGraphSummary(ctx.db, id)),
    'graphs.generate': ({ target, endpoint, model, graphTemperature, clauseTemperature }) => jobs.start(target, { endpoint, model, graphTemperature, clauseTemperature }),
    'graphs.cancelJob': ({ jobId }) => jobs.cancel(jobId),
    'graphs.jobs': () => jobs.list(),
    'prompts.preview': (input) => previewPrompts(ctx.db, input),
  }
}
