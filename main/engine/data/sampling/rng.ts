import { PythonRandom } from '../protocols/python-random'

/** The random source of sampling and augmentation: anything with a uniform [0, 1) draw. */
export interface Rng {
  random(): number
}

/** A seeded generator (MT19937, so the same seed gives the same clips on every machine). */
export function seededRng(seed: number | bigint): Rng {
  return new PythonRandom(seed)
}

/** An integer uniform in [lo, hi] (both inclusive). */
export function randomInt(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng.random() * (hi - lo + 1))
}
