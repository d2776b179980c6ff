import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { scaledDotProductAttention } from '../../../../../main/engine/tf/attention'
import { encodeF16 } from '../../../../../main/engine/io/float16'
import { AdamW } from '../../../../../main/engine/optim/adamw'
import { linear } from '../../../../../main/engine/tf/linear'
import { countsSince, transferCounts } from '../../../../../main/engine/tf/webgpu/counters'
import { clearBetween, webgpuBackend } from '../../../../../main/engine/tf/webgpu/dispatch'
import { releasePackedWeights, weightData } from '../../../../../main/engine/tf/webgpu/packed_weights'
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

describe.skipIf(!WEBGPU_TESTABLE)(`packed f16 weights on WebGPU (${WEBGPU_TESTABLE ? 'adapter allowed' : WEBGPU_SKIP_REASON})`, () => {
  beforeAll(async () => {
    await useWebgpu()
  })
  afterAll(() => setStorage('f32'))

  /** The f16 halves of a packed copy, low half of each word first (what the product reads). */
  async function halvesOf(w: tf.Variable): Promise<Uint16Array> {
    const packed = weightData(w.dataId)?.packed
    if (!packed) throw new Error(`no packed copy of ${w.name}`)
    expect(packed.dtype).toBe('int32')
    expect(packed.size).toBe(Math.ceil(w.size / 2)) // two halves per 32-bit word: half the bytes
    const words = (await packed.data()) as Int32Array
    return new Uint16Array(words.buffer, words.byteOffset, w.size)
  }

  it('a weight the products read is kept as f16 in GPU memory (its packed copy holds exactly the f16 rounding of each value), refreshed after each AdamW step; no tensor left', async (ctx) => {
    if (!f16Here()) ctx.skip('this adapter has no shader-f16')
    const before = tf.memory().numTensors
    setStorage('f16')
    const w = tf.tidy(() => tf.variable(tf.mul(tf.tensor2d(values(37 * 45, 50), [37, 45]), 3), true, 'storage-test-w')) // odd size: the last word has one half
    const opt = new AdamW({ lr: 0.05 })
    try {
      const x = tf.tensor2d(values(9 * 45, 51), [9, 45])
      tf.dispose(linear(x, { weight: w }))
      expect(Array.from(await halvesOf(w))).toEqual(Array.from(encodeF16((await w.data()) as Float32Array)))
      const grad = tf.onesLike(w)
      opt.step([w], [grad]).dispose()
      grad.dispose()
      // the master moved; the copy followed it right after the step (before any product)
      expect(Array.from(await halvesOf(w))).toEqual(Array.from(encodeF16((await w.data()) as Float32Array)))
      x.dispose()
    } finally {
      opt.dispose()
      releasePackedWeights([w])
      w.dispose()
      setStorage('f32')
    }
    expect(tf.memory().numTensors).toBe(before)
  })

  it('the product reads its weight from the packed copy: it matches float32 on the CPU within the stated tolerance, and changes when the copy is spoiled', async (ctx) => {
    if (!f16Here()) ctx.skip('this adapter has no shader-f16')
    const shapes: [number, number, number][] = [
      [9, 45, 37], // odd: scalar loads of the packed words
      [300, 64, 260], // vec4 loads, 128×128 tiles
    ]
    for (const [n, inDim, out] of shapes) {
      const xv = values(n * inDim, 60 + n)
      const wv = values(out * inDim, 70 + n)
      const want = (await onCpu(() => [linear(tf.tensor2d(xv, [n, inDim]), { weight: tf.tensor2d(wv, [out, inDim]) })]))[0]!
      const before = tf.memory().numTensors
      setStorage('f16')
      const w = tf.tidy(() => tf.variable(tf.tensor2d(wv, [out, inDim])))
      const x = tf.tensor2d(xv, [n, inDim])
      try {
        const counted = transferCounts()
        const [got] = await readAll([linear(x, { weight: w })])
        // read once per row of 64- or 128-row tiles, 2 bytes a value
        expect(countsSince(counted).weightBytes).toBe(Math.ceil(n / (n >= 256 && out >= 256 ? 128 : 64)) * out * inDim * 2)
        expect(relativeToPeak(got!, want), `[${n}, ${inDim}] · [${out}, ${inDim}]ᵀ`).toBeLessThan(F16_TOL)
        // spoil the copy: zero its first word; the product's first column must change
        clearBetween(webgpuBackend(), weightData(w.dataId)!.packed!, 0, 4)
        const [spoiled] = await readAll([linear(x, { weight: w })])
        expect(Math.abs(spoiled![0]! - got![0]!)).toBeGreaterThan(1e-3)
        expect(spoiled![1]).toBe(got![1]) // the second output column reads other words
      } finally {
        releasePackedWeights([w])
        tf.dispose([w, x])
        setStorage('f32')
      }
      expect(tf.memory().numTensors).toBe(before)
    }
  })

  it('in f32 the products read the f32 weight (4 bytes a value) and nothing is packed', async () => {
    setStorage('f32')
    const before = tf.memory().numTensors
    const w = tf.tidy(() => tf.variable(tf.tensor2d(values(37 * 45, 80), [37, 45])))
    const x = tf.tensor2d(values(9 * 45, 81), [9, 45])
    try {
      const counted = transferCounts()
      tf.dispose(linear(x, { weight: w }))
      expect(countsSince(counted).weightBytes).toBe(37 * 45 * 4)
      expect(weightData(w.dataId)).toBeDefined()
      expect(weightData(w.dataId)!.packed).toBeNull()
    } finally {
      releasePackedWeights([w])
      tf.dispose([w, x])
    }
    expect(tf.memory().numTensors).toBe(before)
  })
})
