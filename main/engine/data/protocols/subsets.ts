import { PythonRandom } from './python-random'

export const EP1_DEFAULT_SEED = 2023
export const EP1_DEFAULT_COUNT = 10

/**
 * EP1's half-class subsets exactly as Open-VCLIP's `process.py` draws them (docs/method.md §5.2):
 * `random.seed(seed)`, then `count` times: shuffle `list(range(numClasses))` in place, keep the first
 * `numClasses // 2`, sort. One generator for all subsets (the seed is set once).
 */
export function halfClassSubsets(numClasses: number, count = EP1_DEFAULT_COUNT, seed: number | bigint = EP1_DEFAULT_SEED): number[][] {
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new RangeError(`numClasses must be a positive integer (got ${numClasses})`)
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer (got ${count})`)
  const rng = new PythonRandom(seed)
  const subsets: number[][] = []
  for (let s = 0; s < count; s++) {
    const idx = Array.from({ length: numClasses }, (_, i) => i)
    rng.shuffle(idx)
    subsets.push(idx.slice(0, Math.floor(numClasses / 2)).sort((a, b) => a - b))
  }
  return subsets
}
