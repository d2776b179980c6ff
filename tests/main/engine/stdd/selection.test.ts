import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { resolveStddConfig } from '../../../../main/engine/stdd/config'
import { keptPatchMap, planMasks } from '../../../../main/engine/stdd/masking'
import { seededRng } from '../../../../main/engine/util/random'
import { frameSlots, maskTokens, maskTokensSideBySide, padTokens } from '../../../../main/engine/stdd/selection'
import { selectRows, selectRowsSideBySide, toRuns } from '../../../../main/engine/stdd/select_rows'
import { fromWindowLayout, toWindowLayout } from '../../../../main/engine/stdd/layout'
import { expectNoLeak, useWasm } from '../../../helpers/tf'

beforeAll(async () => {
  await useWasm()
})

describe('selectRows (runs of slices, or one gather)', () => {
  const idx = (source: number[], row: number[]) => ({ source: Int32Array.from(source), row: Int32Array.from(row) })

  it('encodes contiguous runs', () => {
    expect(toRuns(idx([0, 0, 0, 1, 1, 0], [2, 3, 4, 0, 1, 0]))).toEqual([
      { source: 0, start: 2, length: 3 },
      { source: 1, start: 0, length: 2 },
      { source: 0, start: 0, length: 1 },
    ])
  })

  // WASM assembles blocks whatever the method; the pure-JS backend slices ('auto') or gathers.
  for (const [backend, method] of [['wasm', 'auto'], ['cpu', 'auto'], ['cpu', 'gather']] as const) {
    it(`${backend} ${method}: selects rows of two sources and sends each gradient back to its row only`, async () => {
      await tf.setBackend(backend)
      await expectNoLeak(() =>
        tf.tidy(() => {
          const a = tf.tensor2d([[1, 2], [3, 4], [5, 6], [7, 8]])
          const b = tf.tensor2d([[-1, -2], [-3, -4]])
          const index = idx([0, 1, 0, 0], [2, 1, 0, 1])
          expect(selectRows([a, b], index, method).arraySync()).toEqual([[5, 6], [-3, -4], [1, 2], [3, 4]])
          const w = tf.tensor2d([[10, 20], [30, 40], [50, 60], [70, 80]])
          const [ga, gb] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(selectRows([x as tf.Tensor2D, y as tf.Tensor2D], index, method), w)))([a, b])
          expect(ga!.arraySync()).toEqual([[50, 60], [70, 80], [10, 20], [0, 0]])
          expect(gb!.arraySync()).toEqual([[0, 0], [30, 40]])
          // the same rows of two same-shaped sources, side by side
          const c = tf.mul(a, 100) as tf.Tensor2D
          const one = idx([0, 0, 0], [3, 0, 1])
          expect(selectRowsSideBySide([a, c], one, method).arraySync()).toEqual([[7, 8, 700, 800], [1, 2, 100, 200], [3, 4, 300, 400]])
          const w2 = tf.tensor2d([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]])
          const [g1, g2] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(selectRowsSideBySide([x as tf.Tensor2D, y as tf.Tensor2D], one, method), w2)))([a, c])
          expect(g1!.arraySync()).toEqual([[5, 6], [9, 10], [0, 0], [1, 2]])
          expect(g2!.arraySync()).toEqual([[7, 8], [11, 12], [0, 0], [3, 4]])
          expect(() => selectRowsSideBySide([a, b], one)).toThrow('selectRowsSideBySide: sources differ in shape ([4,2], [2,2])')
          expect(() => selectRowsSideBySide([a, c], index)).toThrow('selectRowsSideBySide: the index must select from one source (source 0)')
        }),
      )
      await tf.setBackend('wasm')
    })
  }

  it('refuses a selection that is not injective or out of range', () => {
    tf.tidy(() => {
      const a = tf.zeros([3, 1]) as tf.Tensor2D
      expect(() => selectRows([a], idx([0, 0], [1, 1]))).toThrow(/twice/)
      expect(() => selectRows([a], idx([0], [3]))).toThrow(/out of range/)
    })
  })
})

describe('maskTokens / padTokens', () => {
  // 2×2 grid (one window), 4 frames, 1 clip, width 1: token value = 10·frame + token
  const geometry = { grid: 2, window: [2, 2] as const, frames: 4 }
  const masking = resolveStddConfig({}).stca.masking
  const plan = planMasks({ batch: 1, geometry, masking, training: false, rng: seededRng(0) })
  const x = () => tf.tensor3d(Array.from({ length: 4 * 5 }, (_, i) => 10 * Math.floor(i / 5) + (i % 5)), [4, 5, 1])

  it('takes CLS and the kept patches of each frame (phase 0: BL BR / TL BR / TL TR / TR BL)', () => {
    tf.tidy(() => {
      const m = maskTokens(x(), plan)
      // patch k is token 1 + k; TL = 0, TR = 1, BL = 2, BR = 3
      expect(m.squeeze([2]).arraySync() as number[][]).toEqual([
        [0, 3, 4],
        [10, 11, 14],
        [20, 21, 22],
        [30, 32, 33],
      ])
    })
  })

  it('masks several token tensors side by side like each alone', () => {
    tf.tidy(() => {
      const y = tf.mul(x(), -1) as tf.Tensor3D
      const both = maskTokensSideBySide([x(), y], plan)
      expect(both.shape).toEqual([4, 3, 2])
      expect(both.arraySync()).toEqual(tf.concat([maskTokens(x(), plan), maskTokens(y, plan)], 2).arraySync())
    })
  })

  it('pads branch tokens back to their positions; dropped ones keep z; CLS from the branch or main path', () => {
    tf.tidy(() => {
      const z = x()
      const ybar = tf.tensor3d(Array.from({ length: 4 * 3 }, (_, i) => -(100 + i)), [4, 3, 1])
      expect(padTokens(z, ybar, plan, 'branch').squeeze([2]).arraySync() as number[][]).toEqual([
        [-100, 1, 2, -101, -102],
        [-103, -104, 12, 13, -105],
        [-106, -107, -108, 23, 24],
        [-109, 31, -110, -111, 34],
      ])
      expect((padTokens(z, ybar, plan, 'main').squeeze([2]).arraySync() as number[][])[1]).toEqual([10, -104, 12, 13, -105])
    })
  })

  it('gradients: each input position receives the gradient of where it ends up', () => {
    tf.tidy(() => {
      const z = x()
      const ybar = tf.zeros([4, 3, 1])
      const w = tf.tensor3d(Array.from({ length: 20 }, (_, i) => i + 1), [4, 5, 1])
      const [gz, gy] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(padTokens(a as tf.Tensor3D, b as tf.Tensor3D, plan, 'branch'), w)))([z, ybar])
      // frame 0 keeps BL (token 3) and BR (token 4): z gets weights only at tokens 1, 2
      expect((gz!.squeeze([2]).arraySync() as number[][])[0]).toEqual([0, 2, 3, 0, 0])
      expect((gy!.squeeze([2]).arraySync() as number[][])[0]).toEqual([1, 4, 5])
      const gx = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(maskTokens(a as tf.Tensor3D, plan), tf.tensor3d([[[1], [2], [3]], [[1], [2], [3]], [[1], [2], [3]], [[1], [2], [3]]]))))(z)
      expect((gx.squeeze([2]).arraySync() as number[][])[3]).toEqual([1, 0, 2, 3, 0]) // frame 3 keeps TR, BL
    })
  })

  it('rejects tokens that do not fit the plan', () => {
    tf.tidy(() => {
      expect(() => maskTokens(tf.zeros([4, 17, 1]) as tf.Tensor3D, plan)).toThrow(/do not fit the mask plan/)
    })
  })
})

describe('selection on a 4×4 grid (window layout)', () => {
  const geometry = { grid: 4, window: [2, 2] as const, frames: 4 }
  const cfg = (variant: 'repeat_window' | 'random_frame') => resolveStddConfig({ stca: { masking: { variant } } }).stca.masking

  it('finds the per-frame kept slots when every window keeps the same ones', () => {
    const plan = planMasks({ batch: 1, geometry, masking: cfg('repeat_window'), training: false, rng: seededRng(0) })
    expect(frameSlots(plan)).toEqual({ perFrame: 2, slots: new Int32Array([2, 3, 0, 3, 0, 1, 1, 2]) })
    expect(frameSlots(planMasks({ batch: 1, geometry, masking: cfg('random_frame'), training: true, rng: seededRng(0) }))).toBeNull()
  })

  for (const variant of ['repeat_window', 'random_frame'] as const) {
    it(`${variant}: masking then padding puts every kept patch back at its position (slot product or row path)`, () => {
      const plan = planMasks({ batch: 2, geometry, masking: cfg(variant), training: true, rng: seededRng(3) })
      tf.tidy(() => {
        // x = +(1 + 100·frame + token), z = −x: the result shows x exactly at kept patches and the branch CLS
        const x = tf.tensor3d(Array.from({ length: 8 * 17 }, (_, i) => 1 + 100 * Math.floor(i / 17) + (i % 17)), [8, 17, 1])
        const z = tf.neg(x) as tf.Tensor3D
        const out = fromWindowLayout(padTokens(toWindowLayout(z, geometry), maskTokens(toWindowLayout(x, geometry), plan), plan, 'branch'), geometry).squeeze([2]).arraySync() as number[][]
        const kept = keptPatchMap(plan)
        for (let f = 0; f < 8; f++) {
          expect(out[f]![0]).toBe(1 + 100 * f)
          for (let p = 0; p < 16; p++) expect(out[f]![1 + p]).toBe((kept[Math.floor(f / 4)]![f % 4]![p] ? 1 : -1) * (1 + 100 * f + 1 + p))
        }
      })
    })
  }
})

