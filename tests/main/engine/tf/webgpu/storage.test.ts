import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { scaledDotProductAttention } from '../../../../../main/engine/tf/attention'
import { webgpuBackend } from '../../../../../main/engine/tf/webgpu/dispatch'
import { resolveStorage, setStorage, wantedStorage } from '../../../../../main/engine/tf/webgpu/storage'
import { onCpu, readAll, useWebgpu, values, WEBGPU_SKIP_REASON, WEBGPU_TESTABLE } from '../../../../helpers/webgpu'

/** README's stated tolerance of f16 storage: |error| ≤ F16_TOL · max |reference| per output. */
const F16_TOL = 2e-3

describe('choosing f16 storage (setting webgpuStorage, STDD_WEBGPU_STORAGE)', () => {
  it('is f32 unless asked; f16 when asked and the adapter offers shader-f16; says where the request came from', () => {
    expect(wantedStorage(undefined)).toEqual({ mode: 'f32', source: 'the default' })
    expect(wantedStorage('f16')).toEqual({ mode: 'f16', source: 'STDD_WEBGPU_STORAGE=f16 in the environment' })
    expect(wantedStorage('f16', true)).toEqual({ mode: 'f16', source: 'the setting webgpuStorage=f16' })
    expect(resolveStorage(wantedStorage('f16', true), new Set(['shader-f16', 'subgroups']), 'nvidia h100')).toEqual({ mode: 'f16', why: 'the setting webgpuStorage=f16', note: null })
    expect(resolveStorage(wantedStorage('f32'), new Set(['shader-f16']), 'nvidia h100')).toEqual({ mode: 'f32', why: 'STDD_WEBGPU_STORAGE=f32 in the environment', note: null })
  })

  it('falls back to f32 with a note naming the adapter and the missing feature', () => {
    const r = resolveStorage(wantedStorage('f16'), new Set(['subgroups']), 'google swiftshader')
    expect(r.mode).toBe('f32')
    expect(r.note).toContain('google swiftshader')
    expect(r.note).toContain('shader-f16')
    expect(r.note).toContain('using f32')
    expect(r.why).toBe(r.note)
  })

  it('refuses an unknown value, naming the variable and the choices', () => {
    expect(() => wantedStorage('bf16')).toThrow(/STDD_WEBGPU_STORAGE.*"bf16".*f32 or f16/)
  })
})

/** max |a − b| / max |b| */
function relativeToPeak(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let [err, peak] = [0, 0]
  for (let i = 0; i < b.length; i++) {
    err = Math.max(err, Math.abs(a[i]! - b[i]!))
    peak = Math.max(peak, Math.abs(b[i]!))
  }
  return err / peak
}

const PRODUCTS: [number[], number[], boolean, boolean][] = [
  [[37, 45], [45, 29], false, false], // odd: scalar loads, 64×64 tiles
  [[3, 260, 300], [300, 264], false, false], // 128×128 tiles, a shared B
  [[270, 33], [260, 33], false, true], // B transposed (the input gradient's form)
  [[65, 130], [65, 70], true, false], // A transposed (the weight gradient's form)
]

function products(): tf.Tensor[] {
  return PRODUCTS.map(([as, bs, ta, tb], i) => {
    const size = (s: number[]): number => s.reduce((x, y) => x * y, 1)
    return tf.matMul(tf.tensor(values(size(as), 10 + i), as), tf.tensor(values(size(bs), 20 + i), bs), ta, tb)
  })
}

function attentionForward(): tf.Tensor[] {
  const [b, l, d] = [2, 50, 64]
  const [q, k, v] = [0, 1, 2].map((j) => tf.mul(tf.tensor3d(values(b * l * d, 30 + j), [b, l, d]), 2) as tf.Tensor3D) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D]
  const { out, probs } = scaledDotProductAttention(q, k, v, { numHeads: 4, probs: 'heads' })
  return [out, probs!]
}

const f16Here = (): boolean => webgpuBackend().device.features.has('shader-f16')

describe.skipIf(!WEBGPU_TESTABLE)(`f16 storage on WebGPU (${WEBGPU_TESTABLE ? 'adapter allowed' : WEBGPU_SKIP_REASON})`, () => {
  beforeAll(async () => {
    await useWebgpu()
  })
  afterAll(() => setStorage('f32'))

  it('matrix products (odd shapes, both tilings, transposed operands) and the attention forward match float32 on the CPU within the stated tolerance, and f16 is in effect; no tensor left', async (ctx) => {
    if (!f16Here()) ctx.skip(`this adapter has no shader-f16 (the fallback is tested above)`)
    const want = await onCpu(() => [...products(), ...attentionForward()])
    const before = tf.memory().numTensors
    setStorage('f32')
    const f32 = await readAll(tf.tidy(() => [...products(), ...attentionForward()]))
    setStorage('f16')
    const f16 = await readAll(tf.tidy(() => [...products(), ...attentionForward()]))
    setStorage('f32')
    expect(tf.memory().numTensors).toBe(before)
    want.forEach((w, i) => {
      expect(relativeToPeak(f32[i]!, w), `output ${i}, f32`).toBeLessThan(1e-5)
      expect(relativeToPeak(f16[i]!, w), `output ${i}, f16`).toBeLessThan(F16_TOL)
    })
    // the operands were rounded to f16: the products depart from f32 by far more than f32 rounding
    PRODUCTS.forEach((_, i) => expect(relativeToPeak(f16[i]!, want[i]!), `product ${i} in f16`).toBeGreaterThan(2e-5))
  })
})
