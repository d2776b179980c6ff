import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { usesBlasGemm } from '../../../../main/engine/tf/gemm'
import { matMul, matMulFast, needsPlainMatMul } from '../../../../main/engine/tf/matmul'
import { expectNoLeak, useWasm } from '../../../helpers/tf'
import { expectGradsMatchNumeric, maxAbsDiff, randomTensor } from './numeric-grad'

const FLAGS: [boolean, boolean][] = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
]

// Both code paths: explicit transposes + per-batch 2-D products (wasm) and tf.matMul's flags (cpu).
describe.each(['wasm', 'cpu'])('matMul on %s', (backend) => {
  beforeAll(async () => {
    await useWasm()
    await tf.setBackend(backend)
  })
  afterAll(async () => {
    await tf.setBackend('wasm')
  })

  it('takes the plain-product path only on wasm without the BLAS provider', () => {
    expect(needsPlainMatMul()).toBe(backend === 'wasm' && !usesBlasGemm())
  })

  it.each(FLAGS)('equals tf.matMul for transposeA=%s transposeB=%s, 2-D and batched', (ta, tb) => {
    tf.tidy(() => {
      const a2 = randomTensor(ta ? [5, 3] : [3, 5], 1) as tf.Tensor2D
      const b2 = randomTensor(tb ? [4, 5] : [5, 4], 2) as tf.Tensor2D
      expect(maxAbsDiff(matMulFast(a2, b2, ta, tb), tf.matMul(a2, b2, ta, tb))).toBeLessThan(1e-5)
      const a3 = randomTensor(ta ? [3, 5, 3] : [3, 3, 5], 3) as tf.Tensor3D
      const b3 = randomTensor(tb ? [3, 4, 5] : [3, 5, 4], 4) as tf.Tensor3D
      const y = matMul(a3, b3, ta, tb)
      expect(y.shape).toEqual([3, 3, 4])
      expect(maxAbsDiff(y, tf.matMul(a3, b3, ta, tb))).toBeLessThan(1e-5)
    })
  })

  it.each(FLAGS)('has gradients equal to numerical ones for transposeA=%s transposeB=%s', (ta, tb) => {
    const a = randomTensor(ta ? [2, 4, 3] : [2, 3, 4], 5)
    const b = randomTensor(tb ? [2, 2, 4] : [2, 4, 2], 6)
    const r = randomTensor([2, 3, 2], 7)
    expectGradsMatchNumeric(([x, y]) => tf.sum(tf.mul(matMul(x as tf.Tensor3D, y as tf.Tensor3D, ta, tb), r)), [a, b])
    tf.dispose([a, b, r])
  })

  it('rejects operands of different ranks, naming the shapes', () => {
    tf.tidy(() => {
      expect(() => matMul(tf.zeros([2, 3]) as tf.Tensor2D, tf.zeros([1, 3, 2]) as unknown as tf.Tensor2D)).toThrow('got shapes [2,3] and [1,3,2]')
    })
  })

  it('leaves no tensors behind, forward and backward', async () => {
    const a = randomTensor([2, 3, 4], 8) as tf.Tensor3D
    const b = randomTensor([2, 4, 5], 9) as tf.Tensor3D
    await expectNoLeak(() => {
      matMul(a, b).dispose()
      tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(matMul(x as tf.Tensor3D, y as tf.Tensor3D, false, false)))([a, b]).forEach((g) => g.dispose())
    })
    tf.dispose([a, b])
  })
})
