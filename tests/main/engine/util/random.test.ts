import { describe, expect, it } from 'vitest'
import { normalValues, permutation, sample, seededRng, streamSeed, STREAMS } from '../../../../main/engine/util/random'

describe('the engine random module', () => {
  it('packs a stream seed as 32-bit words: seed (low, high), parts, purpose on top', () => {
    expect(streamSeed(1, 3, 2)).toBe(3n + 0n * 2n ** 32n + 2n * 2n ** 64n + 1n * 2n ** 96n)
    expect(streamSeed(5, 2 ** 32 + 7)).toBe(7n + 1n * 2n ** 32n + 5n * 2n ** 64n)
    // every (purpose, seed, epoch) of a run gets its own stream
    const seeds = new Set<bigint>()
    for (const purpose of Object.values(STREAMS)) for (const seed of [0, 1]) for (const e of [0, 1]) seeds.add(streamSeed(purpose, seed, e))
    expect(seeds.size).toBe(Object.values(STREAMS).length * 4)
  })

  it('refuses a seed, part or purpose it cannot pack, naming it', () => {
    expect(() => streamSeed(1, -1)).toThrow(/seed must be a non-negative integer/)
    expect(() => streamSeed(0, 1)).toThrow(/purpose must be an integer in \[1, 2\^32\)/)
    expect(() => streamSeed(1, 1, 2 ** 32)).toThrow(/part 1 must be an integer/)
  })

  it('draws from MT19937 as CPython does, so a seed gives the same numbers everywhere', () => {
    // python3 -c "import random; random.seed(0); print(random.random()); random.seed(1); print(random.random())"
    expect(seededRng(0).random()).toBe(0.8444218515250481)
    expect(seededRng(1).random()).toBe(0.13436424411240122)
  })

  it('permutes and samples uniformly without repeats; normal values follow the seed and the deviation', () => {
    const p = permutation(10, seededRng(1))
    expect([...p].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(p).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    const s = sample(10, 4, seededRng(2))
    expect(new Set(s).size).toBe(4)
    expect(s).toEqual([...s].sort((a, b) => a - b))
    const v = normalValues(20000, 0.5, 9)
    expect(normalValues(20000, 0.5, 9)).toEqual(v)
    const mean = v.reduce((a, b) => a + b, 0) / v.length
    const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length)
    expect(Math.abs(mean)).toBeLessThan(0.02)
    expect(std).toBeGreaterThan(0.49)
    expect(std).toBeLessThan(0.51)
  })
})
