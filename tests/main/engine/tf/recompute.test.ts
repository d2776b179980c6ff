import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { linear } from '../../../../main/engine/tf/linear'
import { recompute } from '../../../../main/engine/tf/recompute'
import { expectNoLeak, useWasm } from '../../../helpers/tf'
import { maxAbsDiff, randomTensor } from './numeric-grad'

beforeAll(async () => {
  await useWasm()
})

// A small residual block with several intermediates: x + W2·tanh(W1·x).
function block(x: tf.Tensor, [w1, w2]: tf.Tensor[]): tf.Tensor {
  return tf.add(x, linear(tf.tanh(linear(x, { weight: w1! })), { weight: w2! }))
}

describe('recompute (activation checkpointing)', () => {
  it('gives the same value and gradients as the plain block, for the input and every parameter', () => {
    const x = randomTensor([6, 8], 1)
    const ws = [randomTensor([16, 8], 2), randomTensor([8, 16], 3)]
    const r = randomTensor([6, 8], 4)
    const loss = (f: (x: tf.Tensor, p: tf.Tensor[]) => tf.Tensor) => (...xs: tf.Tensor[]) => tf.sum(tf.mul(f(f(xs[0]!, xs.slice(1)), xs.slice(1)), r))
    const plain = tf.grads(loss(block))([x, ...ws])
    const checkpointed = tf.grads(loss((a, p) => recompute(block, a, p)))([x, ...ws])
    plain.forEach((g, i) => expect(maxAbsDiff(g, checkpointed[i]!)).toBeLessThan(1e-5))
    tf.tidy(() => {
      expect(maxAbsDiff(recompute(block, x, ws), block(x, ws))).toBeLessThan(1e-6)
    })
    tf.dispose([x, ...ws, r, ...plain, ...checkpointed])
  })

  it('keeps fewer tensors for the backward pass and leaks nothing', async () => {
    const x = randomTensor([32, 64], 5)
    const ws = [randomTensor([256, 64], 6), randomTensor([64, 256], 7)]
    const vars = ws.map((w) => tf.variable(w))
    const peak = async (f: (x: tf.Tensor, p: tf.Tensor[]) => tf.Tensor): Promise<number> => {
      const info = await tf.profile(() => {
        const { value, grads } = tf.variableGrads(() => {
          let h = x
          for (let i = 0; i < 8; i++) h = f(h, vars)
          return tf.sum(h) as tf.Scalar
        })
        tf.dispose([value, ...Object.values(grads)])
      })
      return info.peakBytes
    }
    const plainPeak = await peak(block)
    const checkpointedPeak = await expectNoLeak(() => peak((a, p) => recompute(block, a, p)))
    expect(checkpointedPeak).toBeLessThan(plainPeak * 0.6)
    tf.dispose([x, ...ws, ...vars])
  })
})
