import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { mixChannels, mixingSegments } from '../../../../main/engine/stdd/mixing'
import { expectNoLeak, useWasm } from '../../../helpers/tf'

beforeAll(async () => {
  await useWasm()
})

describe('mixingSegments', () => {
  it('B/16 (width 768, fold 32, d = 24): scales 1, 2, 3 as docs/method.md §1.5', () => {
    expect(mixingSegments('continual', 1, 768, 32)).toEqual([
      { start: 0, end: 24, offset: -1 },
      { start: 24, end: 48, offset: 1 },
      { start: 48, end: 768, offset: 0 },
    ])
    expect(mixingSegments('continual', 2, 768, 32)).toEqual([
      { start: 0, end: 12, offset: -2 },
      { start: 12, end: 24, offset: -1 },
      { start: 24, end: 36, offset: 1 },
      { start: 36, end: 48, offset: 2 },
      { start: 48, end: 768, offset: 0 },
    ])
    expect(mixingSegments('continual', 3, 768, 32)).toEqual([
      { start: 0, end: 6, offset: -3 },
      { start: 6, end: 12, offset: -2 },
      { start: 12, end: 24, offset: -1 },
      { start: 24, end: 36, offset: 1 },
      { start: 36, end: 42, offset: 2 },
      { start: 42, end: 48, offset: 3 },
      { start: 48, end: 768, offset: 0 },
    ])
  })

  it('separate δ = 2 (paper Eq. 5): d channels each side, whole offset δ', () => {
    expect(mixingSegments('separate', 2, 768, 32)).toEqual([
      { start: 0, end: 24, offset: -2 },
      { start: 24, end: 48, offset: 2 },
      { start: 48, end: 768, offset: 0 },
    ])
  })

  it('rejects a fold that leaves no channel to mix', () => {
    expect(() => mixingSegments('continual', 1, 16, 32)).toThrow(/stca\.mixing\.fold/)
  })
})

/**
 * Tokens whose value names where they come from: frame t (0..4), slot j, channel c →
 * 1000·(t+1) + 100·j + c. The CLS row is −(t+1). A mixed channel then shows its source frame in its
 * thousands digit, or 0 where it was zero-filled.
 */
const T = 5
const SLOTS = 2
function tokens(width: number, clips = 1): tf.Tensor3D {
  const v: number[] = []
  for (let b = 0; b < clips; b++)
    for (let t = 0; t < T; t++) {
      for (let c = 0; c < width; c++) v.push(-(t + 1))
      for (let j = 0; j < SLOTS; j++) for (let c = 0; c < width; c++) v.push(1000 * (t + 1) + 100 * j + c)
    }
  return tf.tensor3d(v, [clips * T, 1 + SLOTS, width])
}

/** Source frame per (frame, channel) read back from the thousands digit (−1 = zero-filled), for slot 1. */
function sources(mixed: tf.Tensor3D, frame: number): number[] {
  const data = mixed.arraySync()[frame]![2]!
  return data.map((v, c) => {
    if (v === 0) return -1
    expect(v % 1000).toBe(100 + c) // same slot, same channel
    return Math.floor(v / 1000) - 1
  })
}

/** Run-length form [[channels, source], …] of a per-channel source list. */
function runs(src: number[]): [number, number][] {
  const out: [number, number][] = []
  for (const s of src) {
    const last = out[out.length - 1]
    if (last && last[1] === s) last[0]++
    else out.push([1, s])
  }
  return out
}

describe('mixChannels (width 16, fold 4: d = 4, channels [8, 16) from the frame itself)', () => {
  it('continual scale 1: [0,4) ← t−1, [4,8) ← t+1, zero at the ends', async () => {
    await expectNoLeak(() =>
      tf.tidy(() => {
        const mixed = mixChannels(tokens(16), T, 'continual', 1, 4)
        const expected: [number, number][][] = [
          [[4, -1], [4, 1], [8, 0]], // t=0: no past
          [[4, 0], [4, 2], [8, 1]],
          [[4, 1], [4, 3], [8, 2]],
          [[4, 2], [4, 4], [8, 3]],
          [[4, 3], [4, -1], [8, 4]], // t=4: no future
        ]
        for (let t = 0; t < T; t++) expect(runs(sources(mixed, t)), `frame ${t}`).toEqual(expected[t])
        // CLS passes unchanged
        expect(mixed.arraySync()[3]![0]).toEqual(new Array(16).fill(-4))
      }),
    )
  })

  it('continual scale 2: halves ±1 / ±2, boundary frames keep the ±1 write or zero', () => {
    tf.tidy(() => {
      const mixed = mixChannels(tokens(16), T, 'continual', 2, 4)
      const expected: [number, number][][] = [
        [[4, -1], [2, 1], [2, 2], [8, 0]], // t=0: [0,4) zero; [4,6) ← 1; [6,8) ← 2
        [[4, 0], [2, 2], [2, 3], [8, 1]], // t=1: no t−2, so [0,2) keeps the t−1 write
        [[2, 0], [2, 1], [2, 3], [2, 4], [8, 2]],
        [[2, 1], [2, 2], [4, 4], [8, 3]], // t=3: no t+2, [6,8) keeps t+1
        [[2, 2], [2, 3], [4, -1], [8, 4]], // t=4: [4,8) zero
      ]
      for (let t = 0; t < T; t++) expect(runs(sources(mixed, t)), `frame ${t}`).toEqual(expected[t])
    })
  })

  it('continual scale 3 (width 32, fold 4: d = 8): 4/2/2 channels for ±1/±2/±3 per side', () => {
    tf.tidy(() => {
      const mixed = mixChannels(tokens(32), T, 'continual', 3, 4)
      // t=3: past [0,2) ← 0, [2,4) ← 1, [4,8) ← 2; future [8,12) ← 4, [12,14) ← 4 (no 5), [14,16) ← 4 (no 6)
      expect(runs(sources(mixed, 3))).toEqual([[2, 0], [2, 1], [4, 2], [8, 4], [16, 3]])
      // t=2: past [0,2) ← 0 (no −1, keeps the t−2 write), [2,4) ← 0, [4,8) ← 1; future 3 / 4 / 4
      expect(runs(sources(mixed, 2))).toEqual([[4, 0], [4, 1], [4, 3], [4, 4], [16, 2]])
    })
  })

  it('separate δ = 2: [0,4) ← t−2, [4,8) ← t+2, zero where that frame does not exist', () => {
    tf.tidy(() => {
      const mixed = mixChannels(tokens(16), T, 'separate', 2, 4)
      const expected: [number, number][][] = [
        [[4, -1], [4, 2], [8, 0]],
        [[4, -1], [4, 3], [8, 1]], // unlike continual, no fallback to t−1
        [[4, 0], [4, 4], [8, 2]],
        [[4, 1], [4, -1], [8, 3]],
        [[4, 2], [4, -1], [8, 4]],
      ]
      for (let t = 0; t < T; t++) expect(runs(sources(mixed, t)), `frame ${t}`).toEqual(expected[t])
    })
  })

  it('never mixes across clips of a batch', () => {
    tf.tidy(() => {
      const two = tokens(16, 2)
      const mixed = mixChannels(two, T, 'continual', 2, 4)
      // clip 1, frame 0 (row 5): no past although clip 0's frame 4 precedes it in the batch
      expect(runs(sources(mixed, 5))).toEqual([[4, -1], [2, 1], [2, 2], [8, 0]])
    })
  })

  it('passes gradients to the source channels (sum of the mixed tokens counts each use)', () => {
    tf.tidy(() => {
      const x = tf.ones([T, 1 + SLOTS, 16]) as tf.Tensor3D
      const g = tf.grad((m: tf.Tensor) => tf.sum(mixChannels(m as tf.Tensor3D, T, 'continual', 1, 4)))(x).arraySync() as number[][][]
      // channel 0 of frame 0 is read by frame 1 only; of frame 4 by nobody; channel 8+ by itself
      expect(g[0]![1]![0]).toBe(1)
      expect(g[4]![1]![0]).toBe(0)
      expect(g[4]![1]![4]).toBe(1)
      expect(g[0]![1]![4]).toBe(0)
      expect(g[2]![2]![9]).toBe(1)
      expect(g[2]![0]![0]).toBe(1) // CLS
    })
  })
})
