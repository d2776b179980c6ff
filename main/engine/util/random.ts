import type { MT19937State } from '../data/protocols/mt19937'
import { PythonRandom } from '../data/protocols/python-random'

/**
 * The engine's one seeded random source: data order, clip sampling and augmentation, STCA mask
 * draws, the initial values of new parameters (prompt MLPs, the distillation projector) and the
 * SynthCLIP recipe all draw from MT19937 (CPython's generator, so a seed gives the same numbers on
 * every machine and backend). No numerical choice of a run uses `Math.random` or tfjs's random
 * ops (whose `seed` 0 means "unseeded": two runs of seed 0 once differed from their first step). The EP1 protocol subsets use the same generator through
 * `data/protocols/python-random.ts`, with CPython's exact integer draws.
 */

/** Anything with a uniform [0, 1) draw. */
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

/** A generator seeded with a non-negative integer of any size (`random.seed(seed)` of CPython). */
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

/** The purposes of the seeded streams of a run: each draws from its own generator (see {@link streamSeed}). */
export const STREAMS = {
  /** Epoch e's order of the training videos: (seed, e). */
  trainOrder: 1,
  /** Epoch e's STCA mask draws: (seed, e). */
  trainMasks: 2,
  /** The sampling and augmentation of the clip at position p of epoch e: (seed, e, p). */
  trainClip: 3,
  /** The first layer of layer l's prompt MLP: (seed, l). */
  promptInit: 4,
  /** The first layer of the distillation projector: (seed). */
  projectorInit: 5,
} as const

const WORD = 2n ** 32n

/**
 * The seed of one independent stream: the run seed (two 32-bit words, so any safe integer), then
 * `parts` (32-bit words), under a purpose tag in the top word (≥ 1, so no two distinct tuples of the
 * same purpose share a seed and no purpose overlaps another). MT19937 takes the whole integer as its key.
 */
export function streamSeed(purpose: number, seed: number, ...parts: number[]): bigint {
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`streamSeed: the seed must be a non-negative integer (got ${seed})`)
  if (!Number.isInteger(purpose) || purpose < 1 || purpose >= 2 ** 32) throw new RangeError(`streamSeed: the purpose must be an integer in [1, 2^32) (got ${purpose})`)
  parts.forEach((w, i) => {
    if (!Number.isInteger(w) || w < 0 || w >= 2 ** 32) throw new RangeError(`streamSeed: part ${i + 1} must be an integer in [0, 2^32) (got ${w})`)
  })
  const words = [seed % 2 ** 32, Math.floor(seed / 2 ** 32), ...parts, purpose]
  return words.reduceRight((acc, w) => acc * WORD + BigInt(w), 0n)
}

/** An integer uniform in [lo, hi] (both inclusive). */
export function randomInt(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng.random() * (hi - lo + 1))
}

/** A uniformly random permutation of 0..n-1 (Fisher–Yates). */
export function permutation(n: number, rng: Rng): number[] {
  const p = Array.from({ length: n }, (_, i) => i)
  for (let i = n - 1; i > 0; i--) {
    const j = randomInt(rng, 0, i)
    ;[p[i], p[j]] = [p[j]!, p[i]!]
  }
  return p
}

/** `k` distinct integers from 0..n-1, uniformly, in ascending order. */
export function sample(n: number, k: number, rng: Rng): number[] {
  return permutation(n, rng).slice(0, k).sort((x, y) => x - y)
}

/** Standard normal draws from `rng` (Box–Muller, both values of each pair used). */
export function gaussian(rng: Rng): () => number {
  let spare: number | undefined
  return () => {
    if (spare !== undefined) {
      const s = spare
      spare = undefined
      return s
    }
    let u = 0
    while (u === 0) u = rng.random()
    const v = rng.random()
    const r = Math.sqrt(-2 * Math.log(u))
    spare = r * Math.sin(2 * Math.PI * v)
    return r * Math.cos(2 * Math.PI * v)
  }
}

/** `n` values ~ N(0, std²) from a generator seeded with `seed` (initial parameter values). */
export function normalValues(n: number, std: number, seed: number | bigint): Float32Array {
  const normal = gaussian(seededRng(seed))
  const out = new Float32Array(n)
  for (let i = 0; i < n; i++) out[i] = std * normal()
  return out
}
