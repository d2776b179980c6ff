import { deltaText, f1, type MetricDelta, type MetricStat, type PivotCell } from '../../../contract/api-runtime'

/** How the ablation table words a cell and its difference, and what each pools (tooltips). */

/** `62.0 ± 2.8`: the mean, with the std over seeds where there are two or more. */
export function meanText(s: MetricStat): string {
  return s.std === null ? f1(s.mean) : `${f1(s.mean)} ± ${f1(s.std)}`
}

export function intervalText(s: MetricStat): string {
  return s.ci95 ? `[${f1(s.ci95[0])}, ${f1(s.ci95[1])}]` : ''
}

/** What a cell pools: its seeds and runs, repeats, and what the interval is over. */
export function cellTitle(cell: PivotCell, s: MetricStat): string {
  const seeds = `${s.n} seed${s.n === 1 ? '' : 's'} (${cell.seeds.join(', ')}), runs ${cell.runIds.join(', ')}`
  const repeats = cell.repeats ? `; repeats: ${cell.repeats} (averaged into their seed, not counted)` : ''
  const over = s.ciOver === 'seeds' ? 'Student t over the seeds' : s.ciOver === 'videos' ? `bootstrap over ${s.videos ?? '?'} test videos` : 'none (per-video predictions not stored)'
  return `${seeds}${repeats}. 95 % interval ${intervalText(s) || '–'}: ${over}. Click for the runs.`
}

/** The difference in full: interval, seeds paired, the test and its p-value. */
export function deltaTitle(d: MetricDelta, baseline: string): string {
  const ci = d.ci95 ? ` [${f1(d.ci95[0])}, ${f1(d.ci95[1])}]` : ''
  const test = d.test && d.p !== null ? `${d.test}, p = ${d.p < 0.001 ? d.p.toExponential(1) : d.p.toFixed(3)}` : 'no paired test (the rows were not scored on the same videos)'
  return `vs ${baseline}: ${deltaText({ ...d, significant: false })}${ci}; ${d.n} seed${d.n === 1 ? '' : 's'} paired; ${test}`
}
