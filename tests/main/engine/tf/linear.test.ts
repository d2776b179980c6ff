import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { linear } from '../../../../main/engine/tf/linear'
import { expectNoLeak, useWasm } from '../../../helpers/tf'
import { expectGradsMatchNumeric, maxAbsDiff, randomTensor } from './numeric-grad'

beforeAll(async () => {
  await useWasm()
})

describe('linear (nn.Linear, weight [out, in])', () => {
  it('computes x·Wᵀ + b over the last axis of a 3-D input', () => {
    tf.tidy(() => {
      const x = randomTensor([2, 3, 4], 1)
      const weight = randomTensor([5, 4], 2)
      const bias = randomTensor([5], 3)
      const y = linear(x, { weight, bias })
      expect(y.shape).toEqual([2, 3, 5])
      const expected = tf.add(tf.matMul(x.reshape([6, 4]), weight, false, true), bias).reshape([2, 3, 5])
      expect(maxAbsDiff(y, expected)).toBeLessThan(1e-5)
      expect(maxAbsDiff(linear(x, { weight }), tf.sub(expected, bias))).toBeLessThan(1e-5)
    })
  })

  it('has gradients (x, W, b) equal to numerical ones, with and without bias', () => {
    const x = randomTensor([2, 3, 4], 4)
    const weight = randomTensor([5, 4], 5)
    const bias = randomTensor([5], 6)
    const r = randomTensor([2, 3, 5], 7)
    expectGradsMatchNumeric(([a, w, b]) => tf.sum(tf.mul(linear(a!, { weight: w!, bias: b! }), r)), [x, weight, bias])
    expectGradsMatchNumeric(([a, w]) => tf.sum(tf.mul(linear(a!, { weight: w! }), r)), [x, weight])
    tf.dispose([x, weight, bias, r])
  })

  it('takes the (W·xᵀ)ᵀ path for few rows: same values and numerical gradients', () => {
    const x = randomTensor([2, 8], 11) // 2·(8 + 16) < 8·16
    const weight = randomTensor([16, 8], 12)
    const bias = randomTensor([16], 13)
    tf.tidy(() => {
      expect(maxAbsDiff(linear(x, { weight, bias }), tf.add(tf.matMul(x, weight, false, true), bias))).toBeLessThan(1e-5)
    })
    const r = randomTensor([2, 16], 14)
    expectGradsMatchNumeric(([a, w, b]) => tf.sum(tf.mul(linear(a!, { weight: w!, bias: b! }), r)), [x, weight, bias])
    tf.dispose([x, weight, bias, r])
  })

  it('names the shapes when the input does not fit the weight', () => {
    tf.tidy(() => {
      expect(() => linear(tf.zeros([2, 3]), { weight: tf.zeros([5, 4]) })).toThrow('linear: input [2,3] does not fit weight [5,4]')
    })
  })

  it('leaves no tensors behind, forward and backward', async () => {
    const x = randomTensor([3, 4], 8)
    const weight = randomTensor([5, 4], 9)
    const bias = randomTensor([5], 10)
    await expectNoLeak(() => {
      linear(x, { weight, bias }).dispose()
      tf.grads((a: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.sum(linear(a, { weight: w, bias: b })))([x, weight, bias]).forEach((g) => g.dispose())
    })
    tf.dispose([x, weight, bias])
  })
})
