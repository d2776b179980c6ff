/**
 * McNemar's exact test for two classifiers scored on the same videos: only the discordant videos
 * count — `b` right under A and wrong under B, `c` the reverse. Under the null each discordant video
 * is a fair coin, so the two-sided p-value is 2·P(X ≤ min(b, c)) for X ~ Binomial(b + c, ½), capped
 * at 1 (the conservative exact test, not the mid-p or the χ² approximation).
 */
export function mcnemarExact(b: number, c: number): number {
  if (!Number.isInteger(b) || !Number.isInteger(c) || b < 0 || c < 0) throw new Error(`McNemar: discordant counts must be whole numbers ≥ 0 (got ${b}, ${c})`)
  const n = b + c
  if (n === 0) return 1
  const k = Math.min(b, c)
  // P(X = i) = C(n, i) / 2^n, summed in log space so that large n does not overflow.
  let logC = 0
  let tail = 0
  for (let i = 0; i <= k; i++) {
    if (i > 0) logC += Math.log(n - i + 1) - Math.log(i)
    tail += Math.exp(logC - n * Math.LN2)
  }
  return Math.min(1, 2 * tail)
}

/** The discordant counts of two 0/1 outcome vectors over the same videos. */
export function discordant(a: ArrayLike<number>, b: ArrayLike<number>): { b: number; c: number } {
  if (a.length !== b.length) throw new Error(`McNemar: ${a.length} outcomes against ${b.length}`)
  let onlyA = 0
  let onlyB = 0
  for (let i = 0; i < a.length; i++) {
    if (a[i] === 1 && b[i] === 0) onlyA++
    else if (a[i] === 0 && b[i] === 1) onlyB++
  }
  return { b: onlyA, c: onlyB }
}
