import type { CompareKey, ConfigValue } from '../../../contract/api-runtime'

/** How strongly one config key goes with the target metric over the compared runs. */
export interface KeyImportance {
  key: string
  /** |Spearman ρ| for numeric keys, the correlation ratio η for categorical ones; 0…1. */
  importance: number
  /** For numeric keys: +1 when the metric rises with the key, −1 when it falls; 0 for categorical. */
  direction: -1 | 0 | 1
  kind: 'rank correlation' | 'correlation ratio'
}

/** Average ranks (ties share their mean rank), 1-based. */
export function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0])
  const out = new Array<number>(values.length)
  for (let i = 0; i < order.length; ) {
    let j = i
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++
    for (let k = i; k <= j; k++) out[order[k]![1]] = (i + j) / 2 + 1
    i = j + 1
  }
  return out
}

function pearson(x: readonly number[], y: readonly number[]): number {
  const n = x.length
  const mx = x.reduce((a, b) => a + b, 0) / n
  const my = y.reduce((a, b) => a + b, 0) / n
  let sxy = 0
  let sxx = 0
  let syy = 0
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my)
    sxx += (x[i]! - mx) ** 2
    syy += (y[i]! - my) ** 2
  }
  return sxx === 0 || syy === 0 ? 0 : sxy / Math.sqrt(sxx * syy)
}

/** η = √(between-group sum of squares / total sum of squares) of the metric grouped by the key's value. */
function correlationRatio(groups: readonly string[], y: readonly number[]): number {
  const mean = y.reduce((a, b) => a + b, 0) / y.length
  const total = y.reduce((a, v) => a + (v - mean) ** 2, 0)
  if (total === 0) return 0
  const byGroup = new Map<string, number[]>()
  groups.forEach((g, i) => byGroup.set(g, [...(byGroup.get(g) ?? []), y[i]!]))
  let between = 0
  for (const vs of byGroup.values()) between += vs.length * (vs.reduce((a, b) => a + b, 0) / vs.length - mean) ** 2
  return Math.sqrt(between / total)
}

/**
 * Parameter importance over the runs that have the target (the W&B panel's idea, without a model):
 * for each key whose values differ, |Spearman ρ| with the target when its values are numbers, the
 * correlation ratio η when they are not. Most important first.
 */
export function parameterImportance(keys: readonly CompareKey[], target: readonly (number | undefined)[]): KeyImportance[] {
  const have = target.map((t, i) => (t === undefined ? -1 : i)).filter((i) => i >= 0)
  if (have.length < 3) return []
  const y = have.map((i) => target[i]!)
  const out: KeyImportance[] = []
  for (const k of keys) {
    const values: ConfigValue[] = have.map((i) => k.values[i] ?? null)
    if (new Set(values.map((v) => JSON.stringify(v))).size < 2) continue
    if (values.every((v) => typeof v === 'number')) {
      const rho = pearson(ranks(values as number[]), ranks(y))
      out.push({ key: k.key, importance: Math.abs(rho), direction: rho > 0 ? 1 : rho < 0 ? -1 : 0, kind: 'rank correlation' })
    } else {
      out.push({ key: k.key, importance: correlationRatio(values.map((v) => JSON.stringify(v)), y), direction: 0, kind: 'correlation ratio' })
    }
  }
  return out.sort((a, b) => b.importance - a.importance || a.key.localeCompare(b.key))
}
