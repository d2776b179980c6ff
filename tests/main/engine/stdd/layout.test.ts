import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { fromWindowLayout, layoutPosition, patchesToWindowLayout, toWindowLayout } from '../../../../main/engine/stdd/layout'
import { expectNoLeak, useWasm } from '../../../helpers/tf'

beforeAll(async () => {
  await useWasm()
})

describe('window layout', () => {
  it('orders patches slot-major: all TL, then all TR, BL, BR (4×4 grid, 2×2 windows)', () => {
    const g = { grid: 4, window: [2, 2] as const, frames: 1 }
    // windows w0 {0,1,4,5}, w1 {2,3,6,7}, w2 {8,9,12,13}, w3 {10,11,14,15}
    expect(Array.from({ length: 16 }, (_, p) => layoutPosition(p, g))).toEqual([0, 4, 1, 5, 8, 12, 9, 13, 2, 6, 3, 7, 10, 14, 11, 15])
    tf.tidy(() => {
      const x = tf.tensor3d(Array.from({ length: 16 }, (_, p) => p), [1, 16, 1])
      expect(patchesToWindowLayout(x, g).dataSync()).toEqual(new Float32Array([0, 2, 8, 10, 1, 3, 9, 11, 4, 6, 12, 14, 5, 7, 13, 15]))
    })
  })

  it('handles non-square windows and round-trips with CLS kept first', async () => {
    const g = { grid: 6, window: [1, 2] as const, frames: 1 } // 18 windows of 2 slots
    expect(layoutPosition(1, g)).toBe(18) // (0,1) is slot 1 of window 0
    expect(layoutPosition(7, g)).toBe(18 + 3) // (1,1): window 3, slot 1
    await expectNoLeak(() =>
      tf.tidy(() => {
        const x = tf.tensor3d(Array.from({ length: 2 * 37 * 3 }, (_, i) => i), [2, 37, 3])
        const l = toWindowLayout(x, g)
        expect(l.arraySync()[1]![0]).toEqual(x.arraySync()[1]![0])
        expect(l.arraySync()[0]![1 + 18]).toEqual(x.arraySync()[0]![1 + 1])
        expect(fromWindowLayout(l, g).arraySync()).toEqual(x.arraySync())
      }),
    )
  })
})
