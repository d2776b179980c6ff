import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { packedAttention, scaledDotProductAttention } from '../../../../main/engine/tf/attention'
import { blasAttention, blasPackedAttention, canUseBlasAttention } from '../../../../main/engine/tf/blas_attention'
import { setGemm } from '../../../../main/engine/tf/gemm'
import { findGemmAddon, loadGemmAddon } from '../../../../main/engine/tf/gemm_addon'
import { expectNoLeak, useWasm } from '../../../helpers/tf'
import { expectGradsMatchNumeric, maxAbsDiff, randomTensor } from './numeric-grad'

const hasAddon = findGemmAddon() !== null

beforeAll(async () => {
  await useWasm()
})

/** The same attention through the generic path (split heads, tfjs softmax, WASM products). */
function generic(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, heads: number): tf.Tensor3D {
  setGemm('wasm')
  try {
    return scaledDotProductAttention(q, k, v, { numHeads: heads }).out
  } finally {
    setGemm('blas')
  }
}

/** The fused attention's output (its probabilities disposed). */
function fused(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, heads: number): tf.Tensor3D {
  const { out, probs } = blasAttention(q, k, v, heads)
  probs.dispose()
  return out
}

describe.skipIf(!hasAddon)('fused attention on the BLAS provider', () => {
  beforeAll(() => setGemm('blas'))
  afterAll(() => loadGemmAddon().addon.setThreads(2))

  // Odd lengths (softmax rows not a multiple of 8), Lq ≠ Lk, batch 2 × 3 heads.
  const shapes: [number, number, number, number, number][] = [
    [2, 3, 5, 11, 4],
    [1, 2, 17, 9, 8],
    [3, 1, 1, 1, 2],
  ]

  it.each(shapes)('B=%i H=%i Lq=%i Lk=%i Dh=%i: forward and gradients equal the generic path, on 1 and 3 threads', (b, h, lq, lk, dh) => {
    expect(canUseBlasAttention()).toBe(true)
    for (const threads of [1, 3]) {
      loadGemmAddon().addon.setThreads(threads)
      tf.tidy(() => {
        const q = randomTensor([b, lq, h * dh], 1, 2) as tf.Tensor3D
        const k = randomTensor([b, lk, h * dh], 2, 2) as tf.Tensor3D
        const v = randomTensor([b, lk, h * dh], 3) as tf.Tensor3D
        const w = randomTensor([b, lq, h * dh], 4) // a weighted sum, so every output element matters
        expect(maxAbsDiff(fused(q, k, v, h), generic(q, k, v, h))).toBeLessThan(1e-5)
        const loss = (att: typeof generic) => (a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => tf.sum(tf.mul(att(a as tf.Tensor3D, c as tf.Tensor3D, d as tf.Tensor3D, h), w))
        const viaFused = tf.grads(loss(fused))([q, k, v])
        const plain = tf.grads(loss(generic))([q, k, v])
        viaFused.forEach((g, i) => expect(maxAbsDiff(g, plain[i]!), `gradient ${'qkv'[i]}`).toBeLessThan(1e-5))
      })
    }
  })

  it('reads q|k|v packed side by side like three tensors, forward and gradient, here and on the generic path', () => {
    tf.tidy(() => {
      const [b, l, h, dh] = [3, 7, 2, 5]
      const qkv = randomTensor([b, l, 3 * h * dh], 13, 2) as tf.Tensor3D
      const w = randomTensor([b, l, h * dh], 14)
      const split = (t: tf.Tensor3D) => [0, 1, 2].map((i) => tf.slice(t, [0, 0, i * h * dh], [-1, -1, h * dh]) as tf.Tensor3D) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D]
      const viaPacked = (t: tf.Tensor3D): tf.Tensor3D => {
        const { out, probs } = blasPackedAttention(t, h)
        probs.dispose()
        return out
      }
      const viaThree = (t: tf.Tensor3D): tf.Tensor3D => fused(...split(t), h)
      const viaGeneric = (t: tf.Tensor3D): tf.Tensor3D => {
        setGemm('wasm')
        try {
          return packedAttention(t, h)
        } finally {
          setGemm('blas')
        }
      }
      expect(maxAbsDiff(viaPacked(qkv), viaThree(qkv))).toBeLessThan(1e-6)
      expect(maxAbsDiff(packedAttention(qkv, h), viaGeneric(qkv))).toBeLessThan(1e-5)
      const grad = (f: (t: tf.Tensor3D) => tf.Tensor3D) => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(f(t as tf.Tensor3D), w)))(qkv)
      expect(maxAbsDiff(grad(viaPacked), grad(viaThree))).toBeLessThan(1e-6)
      expect(maxAbsDiff(grad(viaPacked), grad(viaGeneric))).toBeLessThan(1e-5)
      expect(() => packedAttention(randomTensor([1, 2, 10], 15) as tf.Tensor3D, 2)).toThrow('attention: packed q|k|v width 10 is not 3 × a multiple of 2 heads')
    })
  })

  it('has the gradients of finite differences', () => {
    const xs = [randomTensor([1, 3, 4], 5), randomTensor([1, 4, 4], 6), randomTensor([1, 4, 4], 7)]
    const w = randomTensor([1, 3, 4], 8)
    expectGradsMatchNumeric((t) => tf.sum(tf.mul(fused(t[0] as tf.Tensor3D, t[1] as tf.Tensor3D, t[2] as tf.Tensor3D, 2), w)) as tf.Scalar, xs)
    tf.dispose([...xs, w])
  })

  it('a probability row sums to 1 even for large scores, and nothing leaks', async () => {
    const q = tf.mul(randomTensor([1, 4, 8], 9), 60) as tf.Tensor3D // scores up to ≈ 10⁴: exp would overflow without the max shift
    const k = tf.mul(randomTensor([1, 6, 8], 10), 60) as tf.Tensor3D
    const v = tf.ones([1, 6, 8]) as tf.Tensor3D
    const out = await expectNoLeak(() => tf.tidy(() => fused(q, k, v, 2).arraySync()))
    for (const row of out[0]!) for (const x of row) expect(x).toBeCloseTo(1, 5) // Σ p·1 = 1
    await expectNoLeak(() => tf.dispose(tf.grads((a: tf.Tensor) => tf.sum(fused(a as tf.Tensor3D, k, v, 2)))([q])))
    tf.dispose([q, k, v])
  })

  it('is what scaledDotProductAttention runs without a mask, with the same per-head and mean probabilities, and not with a mask', async () => {
    const q = randomTensor([2, 3, 4], 11) as tf.Tensor3D
    const k = randomTensor([2, 5, 4], 12) as tf.Tensor3D
    const kernels = (f: () => unknown): string[] => {
      const names: string[] = []
      const eng = tf.engine() as unknown as { runKernel: (n: string, ...r: unknown[]) => unknown }
      const original = eng.runKernel
      eng.runKernel = (n: string, ...r: unknown[]) => (names.push(n), original.call(eng, n, ...r))
      try {
        tf.tidy(() => void f())
      } finally {
        eng.runKernel = original
      }
      return names
    }
    expect(kernels(() => scaledDotProductAttention(q, k, k, { numHeads: 2 }))).toContain('StddBlasAttention')
    expect(kernels(() => scaledDotProductAttention(q, k, k, { numHeads: 2, mask: tf.zeros([1, 1, 3, 5]) }))).not.toContain('StddBlasAttention')
    await expectNoLeak(() =>
      tf.tidy(() => {
        for (const probs of ['heads', 'mean'] as const) {
          const viaFused = scaledDotProductAttention(q, k, k, { numHeads: 2, probs })
          setGemm('wasm')
          const plain = scaledDotProductAttention(q, k, k, { numHeads: 2, probs })
          setGemm('blas')
          expect(viaFused.probs!.shape).toEqual(plain.probs!.shape)
          expect(maxAbsDiff(viaFused.probs!, plain.probs!)).toBeLessThan(1e-6)
          expect(maxAbsDiff(viaFused.out, plain.out)).toBeLessThan(1e-6)
        }
      }),
    )
    tf.dispose([q, k])
  })
})
