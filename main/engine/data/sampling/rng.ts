import type { MT19937State } from '../protocols/mt19937'
import { PythonRandom } from '../protocols/python-random'

/** The random source of sampling and augmentation: anything with a uniform [0, 1) draw. */
export interface Rng {
  random(): number
}

/** The state of a seeded generator, as plain data (it crosses to a worker thread and back). */
export type RngState = MT19937State

/** An Rng whose state can be copied out and restored, so another thread can continue its sequence. */
export interface PortableRng extends Rng {
  getState(): RngState
  setState(state: RngState): void
}

/** A seeded generator (MT19937, so the same seed gives the same clips on every machine). */
export function seededRng(seed: number | bigint): PortableRng {
  return new PythonRandom(seed)
}

/** The generator that continues from `state`. */
export function rngFromState(state: RngState): PortableRng {
  return PythonRandom.fromState(state)
}

export function isPortableRng(rng: Rng): rng is PortableRng {
  return typeof (rng as Partial<PortableRng>).getState === 'function' && typeof (rng as Partial<PortableRng>).setState === 'function'
}

/** An integer uniform in [lo, hi] (both inclusive). */
export function randomInt(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng.random() * (hi - lo + 1))
}
