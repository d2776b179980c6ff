import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { layerNorm } from '../../../../../main/engine/tf/layer_norm'
import { expectNoLeak } from '../../../../helpers/tf'
import { onCpu, readAll, useWebgpu, values, WEBGPU_SKIP_REASON, WEBGPU_TESTABLE, worstRelative } from '../../../../helpers/webgpu'

const TOL = 2e-5

/** The value and the gradients with respect to x, γ and β of Σ layerNorm(x)·dy. */
function forwardAndGrads(shape: number[], seed: number): () => tf.Tensor[] {
  const width = shape[shape.length - 1]!
  const size = shape.reduce((a, b) => a * b, 1)
  const [xv, gv, bv, dv] = [values(size, seed), values(width, seed + 1), values(width, seed + 2), values(size, seed + 3)]
  // an offset and a scale per row, so the mean and the variance matter
  const x = xv.map((v, i) => 3 * v + (Math.floor(i / width) % 5) - 2)
  return () => {
    const w = { weight: tf.tensor1d(gv), bias: tf.tensor1d(bv) }
    const f = (xt: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Tensor => tf.sum(tf.mul(layerNorm(xt, { weight: g, bias: b }, 1e-5), tf.tensor(dv, shape)))
    const y = layerNorm(tf.tensor(x, shape), w, 1e-5)
    return [y, ...tf.grads(f)([tf.tensor(x, shape), w.weight, w.bias])]
  }
}

describe.skipIf(!WEBGPU_TESTABLE)(`the engine's WGSL layer norm on WebGPU (${WEBGPU_TESTABLE ? 'adapter allowed' : WEBGPU_SKIP_REASON})`, () => {
  beforeAll(async () => {
    await useWebgpu()
  })

  for (const shape of [[1, 1], [3, 7], [2, 5, 13], [4, 768], [3, 130]]) {
    it(`[${shape}]: y, dx, dγ and dβ match the tfjs ops on the CPU backend, no tensor left`, async () => {
      const run = forwardAndGrads(shape, shape.length * 10 + shape[shape.length - 1]!)
      const want = await onCpu(run)
      const got = await expectNoLeak(() => readAll(tf.tidy(run)))
      const names = ['y', 'dx', 'dγ', 'dβ']
      names.forEach((n, i) => expect(worstRelative(got[i]!, want[i]!), n).toBeLessThan(TOL))
    })
  }
})
