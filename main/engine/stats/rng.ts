/**
 * A small seeded generator (mulberry32): the same seed gives the same stream on every machine, so a
 * bootstrap interval is reproducible. Returns uniforms in [0, 1).
 */
export type Uniform = () => number

export function seededUniform(seed: number): Uniform {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
