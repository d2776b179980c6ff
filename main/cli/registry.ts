import { benchCommand } from './commands/bench'
import { infoCommand } from './commands/info'
import { runsListCommand } from './commands/runs-list'
import { serveCommand } from './commands/serve'
import type { CliCommand } from './types'

/** Every `stdd` sub-command. Add a command: write `commands/<name>.ts` and list it here. */
export const COMMANDS: readonly CliCommand[] = [infoCommand, runsListCommand, serveCommand, benchCommand]
