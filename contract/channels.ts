/**
 * The names of every command (request → response) and event (engine → faces) of the one contract
 * between the engine and its three faces (Electron, CLI, headless server). Kept free of runtime
 * dependencies so the sandboxed preload and the browser client can import it.
 */
export const COMMANDS = [
  'app.info',
  'experiments.list',
  'experiments.create',
  'runs.list',
  'runs.get',
  'runs.metrics',
  'logs.recent',
  'experiments.files',
  'runs.launch',
  'runs.cancel',
  'runs.resume',
  'export.table',
  'runs.page',
  'runs.configKeys',
  'runs.metricKeys',
  'runs.compare',
  'views.runsTable.get',
  'views.runsTable.set',
  'export.pivot',
  'analysis.evalKeys',
  'analysis.perClass',
  'analysis.confusion',
  'analysis.videos',
  'maps.videos',
  'maps.get',
  'artifacts.read',
  'runs.evaluate',
  'graphs.list',
  'graphs.get',
  'graphs.saveClass',
  'graphs.diff',
  'graphs.runs',
  'graphs.generate',
  'graphs.cancelJob',
  'graphs.jobs',
  'prompts.preview',
  'runs.move',
  'runs.update',
  'runs.delete',
  'runs.log',
  'settings.get',
  'settings.set',
  'clusters.list',
  'clusters.save',
  'clusters.delete',
  'clusters.test',
  'runs.job',
  'experiments.read',
  'experiments.validate',
  'experiments.save',
] as const

export const EVENTS = ['log', 'backend.ready', 'experiments.changed', 'runs.changed', 'run.progress', 'run.state', 'run.metrics', 'graphs.changed', 'graphs.job', 'runs.deleted', 'engine.restarted'] as const

export type CommandName = (typeof COMMANDS)[number]
export type EventName = (typeof EVENTS)[number]

export function isCommandName(value: unknown): value is CommandName {
  return typeof value === 'string' && (COMMANDS as readonly string[]).includes(value)
}

export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && (EVENTS as readonly string[]).includes(value)
}
