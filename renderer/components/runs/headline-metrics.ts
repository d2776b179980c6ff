import { top1Key } from '../../../contract/api-runtime'

/** What a runs-table row shows of a run's metrics: each evaluation's top-1 (what a run is judged by, so first), then its latest training loss. */
export function headlineMetrics(m: Record<string, number>): [string, number][] {
  const out: [string, number][] = []
  for (const [k, v] of Object.entries(m)) {
    const key = top1Key(k)
    if (key) out.push([`${key} top-1`, v])
  }
  if (m['train/loss'] !== undefined) out.push(['loss', m['train/loss']])
  return out
}
