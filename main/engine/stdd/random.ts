/**
 * The seeded random source of the STDD model's stochastic choices (mask phases, temporal shuffles,
 * random mask variants). mulberry32: small, fast, and identical on every platform, so a seed fixes
 * every mask of a run.
 */
export interface Rng {
  /** A float in [0, 1). */
  next(): number
  /** An integer in [0, n). */
  int(n: number): number
}

export function seededRng(seed: number): Rng {
  let a = seed >>> 0
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return { next, int: (n) => Math.floor(next() * n) }
}

/** A uniformly random permutation of 0..n-1 (Fisher–Yates). */
export function permutation(n: number, rng: Rng): number[] {
  const p = Array.from({ length: n }, (_, i) => i)
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1)
    ;[p[i], p[j]] = [p[j]!, p[i]!]
  }
  return p
}

/** `k` distinct integers from 0..n-1, uniformly, in ascending order. */
export function sample(n: number, k: number, rng: Rng): number[] {
  return permutation(n, rng).slice(0, k).sort((x, y) => x - y)
}
