/**
 * The zod-free part of the contract that runs in the preload and the browser: channel names, the
 * error type and the api factory. (Schemas stay on the engine's side of the boundary.)
 */
export * from './channels'
export * from './errors'
export * from './api'
export * from './wire'
export type * from './commands'
export type * from './entities'
export type * from './commands-runs-table'
export type * from './pivot'
export type * from './commands-analysis'
export type * from './commands-graphs'
export * from './vocabulary'
export type * from './eval-target'
export type * from './commands-run-management'
export * from './pivot-text'
export * from './t-interval'
export type * from './commands-settings'
export type * from './events-engine'
export type * from './commands-clusters'
export type * from './commands-experiment-files'
export * from './map-encoding'
