import { askgBuiltinCommand } from './commands/askg-builtin'
import { askgExportCommand } from './commands/askg-export'
import { askgGenerateCommand } from './commands/askg-generate'
import { askgImportCommand } from './commands/askg-import'
import { askgListCommand } from './commands/askg-list'
import { askgShowCommand } from './commands/askg-show'
import { benchCommand } from './commands/bench'
import { cancelCommand } from './commands/cancel'
import { clipEncodeCommand } from './commands/clip-encode'
import { exportCommand } from './commands/export'
import { resumeCommand } from './commands/resume'
import { runCommand } from './commands/run'
import { dataInspectCommand } from './commands/data-inspect'
import { dbBackupsCommand, dbRestoreCommand } from './commands/db'
import { infoCommand } from './commands/info'
import { promptsShowCommand } from './commands/prompts-show'
import { protocolSubsetsCommand } from './commands/protocol-subsets'
import { runsListCommand } from './commands/runs-list'
import { serveCommand } from './commands/serve'
import { synthMakeCommand } from './commands/synth-make'
import { synthPretrainClipCommand } from './commands/synth-pretrain-clip'
import { workerCommand } from './commands/worker'
import type { CliCommand } from './types'

/** Every `stdd` sub-command. Add a command: write `commands/<name>.ts` and list it here. */
export const COMMANDS: readonly CliCommand[] = [
  infoCommand,
  runsListCommand,
  runCommand,
  resumeCommand,
  cancelCommand,
  exportCommand,
  serveCommand,
  benchCommand,
  askgImportCommand,
  askgExportCommand,
  askgGenerateCommand,
  askgShowCommand,
  askgListCommand,
  askgBuiltinCommand,
  promptsShowCommand,
  protocolSubsetsCommand,
  synthMakeCommand,
  synthPretrainClipCommand,
  dataInspectCommand,
  clipEncodeCommand,
  dbBackupsCommand,
  dbRestoreCommand,
  workerCommand,
]
