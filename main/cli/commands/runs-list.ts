import { RUN_STATUSES, type RunStatus } from '../../../contract'
import type { Engine } from '../../engine/engine'
import { startInProcessEngine } from '../../engine/in-process'
import { formatTable } from '../format'
import { ENGINE_OPTION_HELP, ENGINE_OPTIONS, engineOptions } from '../global-options'
import { CliUsageError, type CliCommand } from '../types'

function parseStatuses(value: unknown): RunStatus[] | undefined {
  if (typeof value !== 'string') return undefined
  return value.split(',').map((s) => {
    if (!(RUN_STATUSES as readonly string[]).includes(s)) throw new CliUsageError(`--status: unknown status "${s}"; choose from ${RUN_STATUSES.join(', ')}`)
    return s as RunStatus
  })
}

/** `--experiment` takes an experiment's id or its name; a name nobody has is a usage error listing the names there are. */
async function experimentId(engine: Engine, value: string): Promise<number> {
  if (/^\d+$/.test(value)) return Number(value)
  const experiments = await engine.invoke('experiments.list', {})
  const found = experiments.find((e) => e.name === value)
  if (found) return found.id
  throw new CliUsageError(`--experiment: no experiment is named "${value}"; give an id or one of: ${experiments.map((e) => e.name).join(', ') || '(none yet)'}`)
}

export const runsListCommand: CliCommand = {
  name: 'runs list',
  summary: 'list runs, newest first, with their status and latest metrics',
  usage: '[--experiment ID|NAME] [--status S[,S…]] [--limit N] [--json]',
  details: ['--experiment E   an experiment\'s id or name', '--status S       queued, running, done, failed, cancelled (comma-separated)', ...ENGINE_OPTION_HELP],
  options: { experiment: { type: 'string' }, status: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' }, ...ENGINE_OPTIONS },
  async run({ values }, { io }) {
    const input: Record<string, unknown> = {}
    if (values.limit !== undefined) input.limit = Number(values.limit)
    const status = parseStatuses(values.status)
    if (status) input.status = status
    const conn = await startInProcessEngine({ ...engineOptions(values), withoutTf: true })
    try {
      if (typeof values.experiment === 'string') input.experimentId = await experimentId(conn.engine, values.experiment)
      const runs = await conn.engine.invoke('runs.list', input)
      if (values.json) {
        io.out(JSON.stringify(runs, null, 2))
      } else if (runs.length === 0) {
        io.out(`No runs yet in ${conn.engine.dataDir}. Open the explorer ("npm start") to create an experiment and launch runs.`)
      } else {
        const rows = runs.map((r) => [
          String(r.id),
          r.experimentName,
          r.name,
          r.status,
          r.backend ?? '',
          r.createdAt.replace('T', ' ').slice(0, 19),
          Object.entries(r.lastMetrics)
            .map(([k, v]) => `${k}=${Number(v.toPrecision(4))}`)
            .join(' '),
        ])
        io.out(formatTable(['id', 'experiment', 'run', 'status', 'backend', 'created', 'latest metrics'], rows))
      }
      return 0
    } finally {
      await conn.close()
    }
  },
}
