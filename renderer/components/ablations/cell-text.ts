import { deltaText, intervalText, type MetricDelta, type MetricStat, type PivotCell } from '../../../contract/api-runtime'

/** How the ablation table words a cell and its difference, and what each pools (tooltips). */

/** What a cell pools: its seeds and runs, repeats, and what the interval is over. */
export function cellTitle(cell: PivotCell, s: MetricStat): string {
  const seeds = `${s.n} seed${s.n === 1 ? '' : 's'} (${cell.seeds.join(', ')}), runs ${cell.runIds.join(', ')}`
  const repeats = cell.repeats ? `; repeats: ${cell.repeats} (averaged into their seed, not counted)` : ''
  const over = s.ciOver === 'seeds' ? 'Student t over the seeds' : s.ciOver === 'videos' ? `bootstrap over ${s.videos ?? '?'} test videos` : 'none (per-video predictions not stored)'
  return `${seeds}${repeats}. 95 % interval ${intervalText(s.ci95) || '–'}: ${over}. Click for the runs.`
}

/** The difference in full: interval, seeds paired, the test and its p-value. */
export function deltaTitle(d: MetricDelta, baseline: string): string {
  const ci = d.ci95 ? ` ${intervalText(d.ci95)}` : ''
  const test = d.test && d.p !== null ? `${d.test}, p = ${d.p < 0.001 ? d.p.toExponential(1) : d.p.toFixed(3)}` : 'no paired test (the rows were not scored on the same videos)'
  return `vs ${baseline}: ${deltaText({ ...d, significant: false })}${ci}; ${d.n} seed${d.n === 1 ? '' : 's'} paired; ${test}`
}
