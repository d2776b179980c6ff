import { listDataBackups, restoreDataBackup } from '../../engine/data-backups'
import { formatTable } from '../format'
import { CliUsageError, type CliCommand } from '../types'

const DATA_DIR_OPTION = { 'data-dir': { type: 'string' } } as const
const DATA_DIR_HELP = '--data-dir DIR   data folder (default: $STDD_HOME or ~/.stdd)'

function dataDir(values: Record<string, unknown>): string | undefined {
  return typeof values['data-dir'] === 'string' ? values['data-dir'] : undefined
}

export const dbBackupsCommand: CliCommand = {
  name: 'db backups',
  summary: 'list the automatic backups of the results database (daily and before each upgrade)',
  usage: '[--json] [--data-dir DIR]',
  details: [DATA_DIR_HELP, '--json           print the list as JSON'],
  options: { json: { type: 'boolean' }, ...DATA_DIR_OPTION },
  async run({ values }, { io }) {
    const { folder, backups } = listDataBackups(dataDir(values))
    if (values.json) io.out(JSON.stringify(backups))
    else if (!backups.length) io.out(`No backups yet in ${folder} (one is taken each day the database is opened, and before each upgrade).`)
    else io.out(formatTable(['name', 'taken', 'kind', 'MiB'], backups.map((b) => [b.name, b.createdAt, b.reason, (b.bytes / 2 ** 20).toFixed(1)])) + `\n\nin ${folder}`)
    return 0
  },
}

export const dbRestoreCommand: CliCommand = {
  name: 'db restore',
  summary: 'replace the results database with one of its automatic backups (the current file is kept)',
  usage: 'NAME|latest [--data-dir DIR]',
  details: [
    'Quit STDD Explorer and any "stdd serve" first: nothing may have the database open.',
    'The current file is renamed stdd.sqlite.replaced-<time> beside it, never deleted.',
    DATA_DIR_HELP,
  ],
  options: { ...DATA_DIR_OPTION },
  positionals: true,
  async run({ values, positionals }, { io }) {
    if (positionals.length !== 1) throw new CliUsageError('name one backup ("stdd db backups" lists them), or "latest"')
    const { database, restored, keptAs } = restoreDataBackup(positionals[0]!, dataDir(values))
    io.out(`restored ${database} from ${restored.name} (${restored.createdAt})${keptAs ? `; the previous file is kept as ${keptAs}` : ''}`)
    return 0
  },
}
