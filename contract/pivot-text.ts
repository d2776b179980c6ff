/**
 * How results tables word their numbers, shared by the exports (engine) and the ablation view
 * (renderer) so both say the same. Free of zod: the renderer imports it.
 */

/** The key under which a run's prompt set on a target shows beside its config (Compare, the results table). */
export const PROMPT_SET_KEY = 'promptSetHash.'

export const METRIC_NAMES = { top1: 'top-1', top5: 'top-5', pair_acc: 'order pairs' } as const

export const f1 = (x: number): string => x.toFixed(1)

/** `62.0 ± 2.8`: a mean, with the std over seeds where there are two or more. */
export function meanStdText(s: { mean: number; std: number | null }): string {
  return s.std === null ? f1(s.mean) : `${f1(s.mean)} ± ${f1(s.std)}`
}

/** `[58.1, 65.9]`, or '' without an interval. */
export function intervalText(ci95: [number, number] | null): string {
  return ci95 ? `[${f1(ci95[0])}, ${f1(ci95[1])}]` : ''
}

/** `+5.6*`: a paired difference, marked where p < 0.05. */
export function deltaText(d: { mean: number; significant: boolean }): string {
  return `${d.mean >= 0 ? '+' : '−'}${f1(Math.abs(d.mean))}${d.significant ? '*' : ''}`
}

/**
 * A row's value of a factor: booleans as ✓/✗, prompt-set hashes shortened, lists as JSON, unknown as
 * "?", and "–" for a setting of STCA (WSM, MCM…) on a row with STCA off, where it does nothing.
 */
export function factorText(key: string, values: Record<string, unknown>): string {
  const value = values[key]
  if (key.startsWith('model.stca.') && key !== 'model.stca.enabled' && values['model.stca.enabled'] === false) return '–'
  if (value === undefined) return '?'
  if (typeof value === 'boolean') return value ? '✓' : '✗'
  if (typeof value === 'string') return key.startsWith(PROMPT_SET_KEY) ? value.slice(0, 12) : value
  return JSON.stringify(value)
}

/** `failed (run 12)`, `missing`; on a row with results `+1 failed (run 14)`: what a row holds besides its finished runs. */
export function othersText(row: { status: string; others: { status: string; runIds: number[]; names: string[] }[] }): string {
  return row.others
    .map((o) => {
      const runs = o.runIds.length ? ` (run${o.runIds.length > 1 ? 's' : ''} ${o.runIds.join(', ')})` : ''
      return `${row.status === 'done' ? `+${o.runIds.length + o.names.length} ` : ''}${o.status}${runs}`
    })
    .join('; ')
}
