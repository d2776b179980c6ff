/**
 * The 95 % Student-t interval of a mean over seeds: mean ± t(0.975, n − 1) · s / √n. Used where a
 * row pools three or more seeds; a percentile bootstrap over 3 seeds could produce only 10 distinct
 * means and would cover far less than 95 %.
 */

/** t(0.975, df) for df = 1…30 (standard tables). */
const T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042]

/** t(0.975, df): the table up to 30, then the Cornish–Fisher expansion around z = 1.95996 (error < 1e-3). */
export function t975(df: number): number {
  if (!Number.isInteger(df) || df < 1) throw new Error(`t quantile: degrees of freedom must be a whole number ≥ 1 (got ${df})`)
  if (df <= T975.length) return T975[df - 1]!
  const z = 1.959964
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2)
}

/** Mean, sample std and the 95 % t interval of `xs` (at least 2 values). */
export function tInterval(xs: readonly number[]): { mean: number; std: number; ci95: [number, number] } {
  const n = xs.length
  if (n < 2) throw new Error(`t interval: needs at least 2 values (got ${n})`)
  const mean = xs.reduce((a, b) => a + b, 0) / n
  const std = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1))
  const half = (t975(n - 1) * std) / Math.sqrt(n)
  return { mean, std, ci95: [mean - half, mean + half] }
}
