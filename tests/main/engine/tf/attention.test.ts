import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { causalMask, paddingMask, scaledDotProductAttention } from '../../../../main/engine/tf/attention'
import { expectNoLeak, useWasm } from '../../../helpers/tf'
import { expectGradsMatchNumeric, maxAbsDiff, randomTensor } from './numeric-grad'

beforeAll(async () => {
  await useWasm()
})

/** Straightforward 4-D reference: softmax(q·kᵀ/√d + mask)·v per head. */
function reference(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, heads: number, mask?: tf.Tensor): { out: tf.Tensor; probs: tf.Tensor } {
  const [b, lq, d] = q.shape
  const lk = k.shape[1]
  const split = (x: tf.Tensor3D, l: number): tf.Tensor4D => x.reshape([b, l, heads, d / heads]).transpose([0, 2, 1, 3])
  let s = tf.div(tf.matMul(split(q, lq), split(k, lk), false, true), Math.sqrt(d / heads))
  if (mask) s = tf.add(s, mask)
  const probs = tf.softmax(s)
  const out = tf.matMul(probs, split(v, lk)).transpose([0, 2, 1, 3]).reshape([b, lq, d])
  return { out, probs }
}

describe('scaledDotProductAttention', () => {
  it('matches the 4-D reference, with per-head and mean probabilities', () => {
    tf.tidy(() => {
      const q = randomTensor([2, 5, 8], 1) as tf.Tensor3D
      const k = randomTensor([2, 6, 8], 2) as tf.Tensor3D
      const v = randomTensor([2, 6, 8], 3) as tf.Tensor3D
      const ref = reference(q, k, v, 2)
      const heads = scaledDotProductAttention(q, k, v, { numHeads: 2, probs: 'heads' })
      expect(maxAbsDiff(heads.out, ref.out)).toBeLessThan(1e-5)
      expect(maxAbsDiff(heads.probs!, ref.probs)).toBeLessThan(1e-6)
      const mean = scaledDotProductAttention(q, k, v, { numHeads: 2, probs: 'mean' })
      expect(maxAbsDiff(mean.probs!, tf.mean(ref.probs, 1))).toBeLessThan(1e-6)
      expect(scaledDotProductAttention(q, k, v, { numHeads: 2 }).probs).toBeUndefined()
    })
  })

  it('applies causal and padding masks (masked keys get zero probability)', () => {
    tf.tidy(() => {
      const x = randomTensor([2, 4, 6], 4) as tf.Tensor3D
      const mask = tf.add(causalMask(4), paddingMask([
        [1, 1, 1, 0],
        [1, 1, 0, 0],
      ]))
      const { out, probs } = scaledDotProductAttention(x, x, x, { numHeads: 3, mask, probs: 'heads' })
      expect(maxAbsDiff(out, reference(x, x, x, 3, mask).out)).toBeLessThan(1e-5)
      const p = probs!.arraySync() as number[][][][]
      expect(p[0]![1]![0]![1]).toBe(0) // causal: query 0 does not see key 1
      expect(p[1]![2]![3]![2]).toBe(0) // padding: nobody sees key 2 of the second row
      expect(p[1]![2]![3]![0]! + p[1]![2]![3]![1]!).toBeCloseTo(1, 6)
    })
  })

  it('has gradients (q, k, v) equal to numerical ones', () => {
    const q = randomTensor([2, 3, 4], 5)
    const k = randomTensor([2, 4, 4], 6)
    const v = randomTensor([2, 4, 4], 7)
    const r = randomTensor([2, 3, 4], 8)
    const mask = causalMask(4).slice([0, 0, 1, 0], [1, 1, 3, 4])
    expectGradsMatchNumeric(([a, b, c]) => tf.sum(tf.mul(scaledDotProductAttention(a as tf.Tensor3D, b as tf.Tensor3D, c as tf.Tensor3D, { numHeads: 2, mask }).out, r)), [q, k, v])
    tf.dispose([q, k, v, r, mask])
  })

  it('rejects a width that the heads do not divide, and leaks nothing', async () => {
    const x = randomTensor([1, 3, 6], 9) as tf.Tensor3D
    expect(() => scaledDotProductAttention(x, x, x, { numHeads: 4 })).toThrow('width 6 is not divisible by 4 heads')
    await expectNoLeak(() => {
      const r = scaledDotProductAttention(x, x, x, { numHeads: 2, probs: 'mean' })
      tf.dispose([r.out, r.probs!])
    })
    x.dispose()
  })
})
