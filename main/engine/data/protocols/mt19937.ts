/**
 * The Mersenne Twister MT19937 exactly as CPython's `_randommodule.c` runs it, seeded the way
 * `random.seed(int)` seeds it (`init_by_array` over the 32-bit words of |seed|, least significant first).
 */
const N = 624
const M = 397
const MATRIX_A = 0x9908b0df
const UPPER_MASK = 0x80000000
const LOWER_MASK = 0x7fffffff

/** The generator's whole state: its 624 words and the position of the next one (CPython's `getstate()`). */
export interface MT19937State {
  words: Uint32Array
  index: number
}

export class MT19937 {
  private readonly mt = new Uint32Array(N)
  private mti = N + 1

  /** `random.seed(seed)` for an integer seed (a negative seed is used as its absolute value, like CPython). */
  constructor(seed: number | bigint) {
    this.initByArray(seedKey(seed))
  }

  private initGenrand(s: number): void {
    const mt = this.mt
    mt[0] = s >>> 0
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30)
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0
    }
    this.mti = N
  }

  private initByArray(key: readonly number[]): void {
    const mt = this.mt
    this.initGenrand(19650218)
    let i = 1
    let j = 0
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30)
      mt[i] = ((mt[i]! ^ Math.imul(prev, 1664525)) + key[j]! + j) >>> 0
      i++
      j++
      if (i >= N) {
        mt[0] = mt[N - 1]!
        i = 1
      }
      if (j >= key.length) j = 0
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30)
      mt[i] = ((mt[i]! ^ Math.imul(prev, 1566083941)) - i) >>> 0
      i++
      if (i >= N) {
        mt[0] = mt[N - 1]!
        i = 1
      }
    }
    mt[0] = 0x80000000
  }

  /** A copy of the state (e.g. to continue this sequence in another thread). */
  getState(): MT19937State {
    return { words: this.mt.slice(), index: this.mti }
  }

  /** Continues from a state `getState()` returned. */
  setState(state: MT19937State): void {
    if (state.words.length !== N || !Number.isInteger(state.index) || state.index < 0 || state.index > N) throw new RangeError(`MT19937.setState: expected ${N} words and an index in [0, ${N}]`)
    this.mt.set(state.words)
    this.mti = state.index
  }

  /** The next 32-bit output (`genrand_uint32`). */
  nextUint32(): number {
    const mt = this.mt
    if (this.mti >= N) {
      let kk = 0
      for (; kk < N - M; kk++) {
        const y = (mt[kk]! & UPPER_MASK) | (mt[kk + 1]! & LOWER_MASK)
        mt[kk] = mt[kk + M]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0)
      }
      for (; kk < N - 1; kk++) {
        const y = (mt[kk]! & UPPER_MASK) | (mt[kk + 1]! & LOWER_MASK)
        mt[kk] = mt[kk + (M - N)]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0)
      }
      const y = (mt[N - 1]! & UPPER_MASK) | (mt[0]! & LOWER_MASK)
      mt[N - 1] = mt[M - 1]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0)
      this.mti = 0
    }
    let y = mt[this.mti++]!
    y ^= y >>> 11
    y ^= (y << 7) & 0x9d2c5680
    y ^= (y << 15) & 0xefc60000
    y ^= y >>> 18
    return y >>> 0
  }
}

/** The 32-bit words of |seed|, least significant first; `[0]` for 0 (as `random_seed` builds its key). */
export function seedKey(seed: number | bigint): number[] {
  if (typeof seed === 'number' && !Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer (got ${seed}); pass a bigint for seeds beyond 2^53`)
  let n = BigInt(seed)
  if (n < 0n) n = -n
  const key: number[] = []
  while (n > 0n) {
    key.push(Number(n & 0xffffffffn))
    n >>= 32n
  }
  return key.length ? key : [0]
}
