import type { Engine } from '../engine/engine'
import { top1Key } from '../../contract/vocabulary'
import { formatTable } from './format'
import type { CliContext } from './types'

/** Prints the runs' final status and top-1 metrics as a table; 0 when every one is done. */
export async function reportRuns(engine: Engine, runIds: number[], ctx: CliContext): Promise<number> {
  const runs = await engine.invoke('runs.list', {})
  const mine = runs.filter((r) => runIds.includes(r.id)).sort((a, b) => a.id - b.id)
  ctx.io.out(
    formatTable(
      ['id', 'run', 'status', 'metrics'],
      mine.map((r) => [
        String(r.id),
        r.name,
        r.status + (r.error ? ` (${r.error})` : ''),
        Object.entries(r.lastMetrics)
          .flatMap(([k, v]) => {
            const key = top1Key(k)
            return key ? [`${key} top1=${v.toFixed(2)}`] : []
          })
          .join('  '),
      ]),
    ),
  )
  return mine.every((r) => r.status === 'done') ? 0 : 1
}
