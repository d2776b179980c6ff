import { RunsTableView, type RunsTableView as RunsTableViewData } from '../../../contract'
import type { EngineContext } from '../engine'
import { buildPivot } from '../export/pivot'
import { seedGroups } from '../export/seed-groups'
import { listConfigKeys } from '../store/config-values'
import { listMetricKeys } from '../store/metrics'
import { getRunSummary } from '../store/runs'
import { compareConfigs, runsPage } from '../store/runs-page'
import { readViewSettings, writeViewSettings } from '../store/views-settings'
import type { Handlers } from './index'

/** The layout a fresh runs table opens with: no config columns, newest first, ungrouped. */
export const DEFAULT_RUNS_TABLE_VIEW: RunsTableViewData = { columns: [], metrics: [], sort: { key: 'id', dir: 'desc' }, groupBy: null }

type RunsTableCommand = 'runs.page' | 'runs.configKeys' | 'runs.metricKeys' | 'runs.compare' | 'views.runsTable.get' | 'views.runsTable.set' | 'export.pivot'

/** Handlers of the runs table, the N-way compare and the ablation view. */
export function runsTableHandlers(ctx: EngineContext): Pick<Handlers, RunsTableCommand> {
  return {
    'runs.page': (input) => runsPage(ctx.db, input),
    'runs.configKeys': ({ search, limit }) => listConfigKeys(ctx.db, search, limit),
    'runs.metricKeys': ({ search }) => listMetricKeys(ctx.db, search),
    'runs.compare': ({ ids }) => {
      const runs = ids.map((id) => getRunSummary(ctx.db, id))
      return { runs, keys: compareConfigs(ctx.db, ids), seedGroups: seedGroups(ctx.db, runs) }
    },
    'views.runsTable.get': () => readViewSettings(ctx.db, 'runsTable', RunsTableView, DEFAULT_RUNS_TABLE_VIEW),
    'views.runsTable.set': (view) => writeViewSettings(ctx.db, 'runsTable', view),
    'export.pivot': ({ experiments, baseline }) => buildPivot(ctx.db, experiments, baseline),
  }
}
