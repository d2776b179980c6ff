import { MT19937, type MT19937State } from './mt19937'

/**
 * The parts of CPython's `random.Random` (3.2 – 3.13) that the protocols need, bit for bit:
 * `getrandbits`, `random`, `_randbelow` (the getrandbits rejection loop) and `shuffle`.
 */
export class PythonRandom {
  private readonly mt: MT19937

  constructor(seed: number | bigint) {
    this.mt = new MT19937(seed)
  }

  /** A generator that continues from `state` (what `getState()` returned, possibly in another thread). */
  static fromState(state: MT19937State): PythonRandom {
    const r = new PythonRandom(0)
    r.setState(state)
    return r
  }

  /** A copy of the generator's state (`getstate()`). */
  getState(): MT19937State {
    return this.mt.getState()
  }

  /** Continues from `state` (`setstate()`). */
  setState(state: MT19937State): void {
    this.mt.setState(state)
  }

  /** `getrandbits(k)` for 0 ≤ k ≤ 32, as a number. */
  getrandbits32(k: number): number {
    if (!Number.isInteger(k) || k < 0 || k > 32) throw new RangeError(`getrandbits32: k must be an integer in [0, 32] (got ${k})`)
    if (k === 0) return 0
    return this.mt.nextUint32() >>> (32 - k)
  }

  /** `getrandbits(k)` for any k ≥ 0, as a bigint (32-bit words filled least significant first). */
  getrandbits(k: number): bigint {
    if (!Number.isInteger(k) || k < 0) throw new RangeError(`getrandbits: k must be a non-negative integer (got ${k})`)
    if (k <= 32) return BigInt(this.getrandbits32(k))
    let result = 0n
    let shift = 0n
    for (let left = k; left > 0; left -= 32) {
      let word = this.mt.nextUint32()
      if (left < 32) word >>>= 32 - left
      result |= BigInt(word) << shift
      shift += 32n
    }
    return result
  }

  /** `random()`: a float in [0, 1) with 53 random bits. */
  random(): number {
    const a = this.mt.nextUint32() >>> 5
    const b = this.mt.nextUint32() >>> 6
    return (a * 67108864 + b) / 9007199254740992
  }

  /** `_randbelow(n)` for 1 ≤ n ≤ 2^53 − 1 (k = n.bit_length(), redraw while r ≥ n). */
  randbelow(n: number): number {
    if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`randbelow: n must be an integer in [1, 2^53 − 1] (got ${n})`)
    const k = bitLength(n)
    if (k <= 32) {
      let r = this.getrandbits32(k)
      while (r >= n) r = this.getrandbits32(k)
      return r
    }
    let r = Number(this.getrandbits(k))
    while (r >= n) r = Number(this.getrandbits(k))
    return r
  }

  /** `shuffle(x)` in place: for i from len−1 down to 1, swap x[i] with x[_randbelow(i + 1)]. */
  shuffle<T>(x: T[]): T[] {
    for (let i = x.length - 1; i > 0; i--) {
      const j = this.randbelow(i + 1)
      const t = x[i]!
      x[i] = x[j]!
      x[j] = t
    }
    return x
  }
}

function bitLength(n: number): number {
  return n === 0 ? 0 : n.toString(2).length
}
