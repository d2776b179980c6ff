import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setGemm } from '../../../../main/engine/tf/gemm'
import { findGemmAddon, loadGemmAddon } from '../../../../main/engine/tf/gemm_addon'
import { rowScaledProduct } from '../../../../main/engine/tf/row_scaled_product'
import { expectNoLeak, useWasm } from '../../../helpers/tf'
import { expectGradsMatchNumeric, maxAbsDiff, randomTensor } from './numeric-grad'

const hasAddon = findGemmAddon() !== null

beforeAll(async () => {
  await useWasm()
})

// 2 blocks (S) of 2 rows (R), N = 3, K = 2
const inputs = () => ({
  scale: tf.tensor2d([[2], [-1], [0.5], [3]]),
  init: tf.tensor2d([[1, 2, 3], [4, 5, 6]]),
  x: tf.tensor2d([[1, 0], [0, 1], [1, 1], [2, -1]]),
  weight: tf.tensor2d([[1, 2], [3, 4], [5, 6]]),
})
// row r: scale[r]·init[r mod 2] + x[r]·Wᵀ, with x·Wᵀ = [[1,3,5],[2,4,6],[3,7,11],[0,2,4]] (by hand)
const EXPECTED = [
  [2 + 1, 4 + 3, 6 + 5],
  [-4 + 2, -5 + 4, -6 + 6],
  [0.5 + 3, 1 + 7, 1.5 + 11],
  [12 + 0, 15 + 2, 18 + 4],
]

function onProvider<T>(name: 'blas' | 'wasm', f: () => T): T {
  setGemm(name)
  try {
    return f()
  } finally {
    setGemm(hasAddon ? 'blas' : 'wasm')
  }
}

describe('rowScaledProduct', () => {
  afterAll(() => hasAddon && loadGemmAddon().addon.setThreads(2))

  it.each(hasAddon ? (['blas', 'wasm'] as const) : (['wasm'] as const))('is scale ⊙ init + x·Wᵀ row by row (hand-computed) on %s', (provider) => {
    const { scale, init, x, weight } = inputs()
    expect(onProvider(provider, () => tf.tidy(() => rowScaledProduct(scale, init, x, weight).arraySync()))).toEqual(EXPECTED)
    tf.dispose([scale, init, x, weight])
  })

  it.skipIf(!hasAddon)('has the same gradients on BLAS (1 and 3 threads) as the tf ops, and those of finite differences', async () => {
    const xs = [randomTensor([6, 1], 1), randomTensor([3, 10], 2), randomTensor([6, 4], 3), randomTensor([10, 4], 4)]
    const w = randomTensor([6, 10], 5)
    const loss = (t: tf.Tensor[]): tf.Scalar => tf.sum(tf.mul(rowScaledProduct(t[0] as tf.Tensor2D, t[1] as tf.Tensor2D, t[2] as tf.Tensor2D, t[3] as tf.Tensor2D), w)) as tf.Scalar
    const grads = (): tf.Tensor[] => tf.grads((...t: tf.Tensor[]) => loss(t))(xs)
    const reference = onProvider('wasm', grads)
    for (const threads of [1, 3]) {
      loadGemmAddon().addon.setThreads(threads)
      const got = onProvider('blas', grads)
      got.forEach((g, i) => expect(maxAbsDiff(g, reference[i]!), `gradient ${i}, ${threads} threads`).toBeLessThan(1e-5))
      tf.dispose(got)
    }
    onProvider('blas', () => expectGradsMatchNumeric(loss, xs))
    await expectNoLeak(() => onProvider('blas', () => tf.dispose(grads())))
    tf.dispose([...xs, ...reference, w])
  })

  it('names the shapes that do not fit', () => {
    const { scale, init, x, weight } = inputs()
    expect(() => tf.tidy(() => rowScaledProduct(scale, tf.zeros([3, 3]) as tf.Tensor2D, x, weight))).toThrow('rowScaledProduct: scale [4,1], init [3,3], x [4,2] and weight [3,2] do not fit (need scale [S·R, 1], init [R, N], x [S·R, K], weight [N, K])')
    tf.dispose([scale, init, x, weight])
  })
})
