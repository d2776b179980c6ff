import { describe, expect, it } from 'vitest'
import { DataError } from '../../../../main/engine/data/errors'
import { batched, newPrefetchStats, prefetch, type Loaded } from '../../../../main/engine/data/prefetch'

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

describe('prefetch', () => {
  it('keeps `depth` loads running and yields in order', async () => {
    let running = 0
    let peak = 0
    const load = async (x: number): Promise<number> => {
      running++
      peak = Math.max(peak, running)
      await sleep(x % 2 ? 5 : 15)
      running--
      return x * 10
    }
    const out: number[] = []
    for await (const r of prefetch([1, 2, 3, 4, 5, 6], load, { depth: 3 })) if (r.ok) out.push(r.value)
    expect(out).toEqual([10, 20, 30, 40, 50, 60])
    expect(peak).toBe(3)
  })

  it('skips and counts per-video DataErrors, stops on anything else', async () => {
    const stats = newPrefetchStats()
    const skipped: string[] = []
    const load = async (x: string): Promise<string> => {
      if (x.startsWith('bad')) throw new DataError('broken video', { file: x })
      return x
    }
    const batches: string[][] = []
    for await (const b of batched(prefetch(['a', 'bad1', 'b', 'c', 'bad2', 'd'], load, { stats }), 2, (f: Extract<Loaded<string, string>, { ok: false }>) => skipped.push(f.error.message))) batches.push(b)
    expect(batches).toEqual([['a', 'b'], ['c', 'd']])
    expect(skipped).toEqual(['bad1: broken video', 'bad2: broken video'])
    expect(stats).toMatchObject({ loads: 6, failed: 2 })
    const fatal = async (): Promise<never> => {
      throw new Error('ffmpeg could not be started')
    }
    await expect(async () => {
      for await (const _ of prefetch([1], fatal)) void _
    }).rejects.toThrow('ffmpeg could not be started')
  })

  it('overlaps loading with the consumer\'s work: no wait after the first item', async () => {
    const stats = newPrefetchStats()
    for await (const _ of prefetch([1, 2, 3, 4, 5], () => sleep(40), { depth: 2, stats })) {
      void _
      await sleep(60) // the "model step" is longer than a load
    }
    // without prefetch the consumer would wait 5 × 40 ms; with it, only for the first load (+ timer slack)
    expect(stats.waitMs).toBeGreaterThanOrEqual(35)
    expect(stats.waitMs).toBeLessThan(120)
  })
})
