import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { scaledDotProductAttention, packedAttention } from '../../../../main/engine/tf/attention'
import { activeGemm, setGemm, usesBlasGemm } from '../../../../main/engine/tf/gemm'
import { findGemmAddon } from '../../../../main/engine/tf/gemm_addon'
import { linear } from '../../../../main/engine/tf/linear'
import { matMul } from '../../../../main/engine/tf/matmul'
import { rowScaledProduct } from '../../../../main/engine/tf/row_scaled_product'
import { useWasm } from '../../../helpers/tf'
import { randomTensor } from './numeric-grad'

/**
 * Issue 19's gradient drift, op by op: every op the BLAS addon runs (the products forward and
 * backward, the fused attention, the row-scaled product) gives the value and the gradients of the
 * pure-JS CPU kernels to float32 rounding. Measured: relative RMS error ≤ 2.5e-7 on BLAS, the same as
 * tfjs-wasm's own products; the bound below (README: "Compute backends") leaves a margin of 8×.
 */
const TOLERANCE = 2e-6

interface OpCase {
  name: string
  shapes: number[][]
  f: (xs: tf.Tensor[]) => tf.Tensor
}

const CASES: OpCase[] = [
  { name: 'linear with bias', shapes: [[96, 128], [64, 128], [64]], f: ([x, w, b]) => linear(x as tf.Tensor2D, { weight: w as tf.Tensor2D, bias: b as tf.Tensor1D }) },
  { name: 'batched product, A transposed', shapes: [[4, 40, 32], [4, 40, 24]], f: ([a, b]) => matMul(a as tf.Tensor3D, b as tf.Tensor3D, true, false) },
  { name: 'batched product, B transposed', shapes: [[4, 32, 40], [4, 24, 40]], f: ([a, b]) => matMul(a as tf.Tensor3D, b as tf.Tensor3D, false, true) },
  { name: 'fused attention', shapes: [[3, 50, 64], [3, 50, 64], [3, 50, 64]], f: ([q, k, v]) => scaledDotProductAttention(q as tf.Tensor3D, k as tf.Tensor3D, v as tf.Tensor3D, { numHeads: 4 }).out },
  { name: 'fused cross-attention', shapes: [[3, 17, 64], [3, 50, 64], [3, 50, 64]], f: ([q, k, v]) => scaledDotProductAttention(q as tf.Tensor3D, k as tf.Tensor3D, v as tf.Tensor3D, { numHeads: 4 }).out },
  { name: 'packed q|k|v attention', shapes: [[3, 50, 192]], f: ([qkv]) => packedAttention(qkv as tf.Tensor3D, 4) },
  { name: 'row-scaled product', shapes: [[120, 1], [40, 48], [120, 64], [48, 64]], f: ([s, i, x, w]) => rowScaledProduct(s as tf.Tensor2D, i as tf.Tensor2D, x as tf.Tensor2D, w as tf.Tensor2D) },
]

/** The op's value and its gradients with respect to every input, for a fixed random upstream gradient. */
function valueAndGrads(c: OpCase): Float32Array[] {
  return tf.tidy(() => {
    const xs = c.shapes.map((s, i) => randomTensor(s, 11 + i, 2))
    const weighted = (o: tf.Tensor): tf.Scalar => tf.sum(tf.mul(o, randomTensor(o.shape, 99)))
    const grads = tf.grads((...inputs: tf.Tensor[]) => weighted(c.f(inputs)))(xs)
    return [c.f(xs), ...grads].map((t) => Float32Array.from(t.dataSync()))
  })
}

function relativeRms(actual: Float32Array, expected: Float32Array): number {
  let num = 0
  let den = 0
  for (let i = 0; i < actual.length; i++) {
    num += (actual[i]! - expected[i]!) ** 2
    den += expected[i]! ** 2
  }
  return Math.sqrt(num / den)
}

const hasAddon = findGemmAddon() !== null
const onBlas = new Map<string, Float32Array[]>()
const onCpu = new Map<string, Float32Array[]>()

beforeAll(async () => {
  await useWasm()
  if (!hasAddon) return
  const provider = activeGemm()!.name === 'blas' ? 'blas' : 'wasm'
  setGemm('blas')
  expect(usesBlasGemm()).toBe(true)
  for (const c of CASES) onBlas.set(c.name, valueAndGrads(c))
  setGemm(provider)
  await tf.setBackend('cpu')
  for (const c of CASES) onCpu.set(c.name, valueAndGrads(c))
  await tf.setBackend('wasm')
})
afterAll(async () => {
  await tf.setBackend('wasm')
})

describe.skipIf(!hasAddon)('the BLAS provider against the pure-JS CPU kernels', () => {
  it.each(CASES.map((c) => [c.name]))('%s: value and every gradient agree to float32 rounding', (name) => {
    const [value, ...grads] = onBlas.get(name)!
    const [cpuValue, ...cpuGrads] = onCpu.get(name)!
    expect(relativeRms(value!, cpuValue!), 'value').toBeLessThan(TOLERANCE)
    grads.forEach((g, i) => expect(relativeRms(g, cpuGrads[i]!), `gradient of input ${i}`).toBeLessThan(TOLERANCE))
  })
})
