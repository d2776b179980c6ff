import type { ParseArgsConfig } from 'node:util'

export interface CliIo {
  out(text: string): void
  err(text: string): void
}

export interface CliContext {
  io: CliIo
  /** The built UI (`out/renderer`). */
  rendererDir: string
  /** How to start an engine process: the built `out/main/engine-host.js`, or the TS source under tsx. */
  engineHost: { hostPath: string; execArgv: string[] }
  /** Resolves when the user asks to stop (Ctrl-C); long-running commands wait on it. */
  stopSignal: Promise<void>
}

export type CliOptions = NonNullable<ParseArgsConfig['options']>

/** One `stdd` sub-command. `name` may have several words: `runs list`. */
export interface CliCommand {
  name: string
  summary: string
  /** Usage line after `stdd <name>`, e.g. `[--json] [--status S,...]`. */
  usage: string
  /** Extra help lines (options, examples). */
  details?: string[]
  options: CliOptions
  /** Whether positional arguments are allowed. */
  positionals?: boolean
  run(args: { values: Record<string, unknown>; positionals: string[] }, ctx: CliContext): Promise<number>
}

export class CliUsageError extends Error {}
