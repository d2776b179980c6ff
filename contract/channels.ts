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
] as const

export const EVENTS = ['log', 'backend.ready', 'experiments.changed', 'runs.changed', 'run.progress', 'run.state'] as const

export type CommandName = (typeof COMMANDS)[number]
export type EventName = (typeof EVENTS)[number]

export function isCommandName(value: unknown): value is CommandName {
  return typeof value === 'string' && (COMMANDS as readonly string[]).includes(value)
}

export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && (EVENTS as readonly string[]).includes(value)
}
