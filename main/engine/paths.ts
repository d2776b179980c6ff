import { homedir } from 'node:os'
import { join, resolve } from 'node:path'

/**
 * Where the user's data lives: Electron passes its `userData` folder; headless, `STDD_HOME`
 * or `~/.stdd`. The database, checkpoints and artifacts all live below it.
 */
export function resolveDataDir(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit) return resolve(explicit)
  if (env.STDD_HOME) return resolve(env.STDD_HOME)
  return join(homedir(), '.stdd')
}

export function databasePath(dataDir: string): string {
  return join(dataDir, 'stdd.sqlite')
}

export function runsDir(dataDir: string): string {
  return join(dataDir, 'runs')
}
