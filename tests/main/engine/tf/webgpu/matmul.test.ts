import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { activation } from '../../../../../main/engine/tf/activations'
import { wgslMatMul } from '../../../../../main/engine/tf/webgpu/matmul'
import type { EpilogueActivation } from '../../../../../main/engine/tf/webgpu/epilogue'
import { expectNoLeak } from '../../../../helpers/tf'
import { onCpu, readAll, useWebgpu, values, WEBGPU_SKIP_REASON, WEBGPU_TESTABLE, worstRelative } from '../../../../helpers/webgpu'

const TOL = 2e-5

interface Case {
  batch: number[]
  m: number
  k: number
  n: number
}

/** Each case runs the transpose combinations listed: every distinct shader compiles once, slowly on lavapipe. */
const CASES: (Case & { flags: [boolean, boolean][] })[] = [
  { batch: [], m: 3, k: 5, n: 7, flags: [[false, false], [false, true], [true, false], [true, true]] }, // scalar loads, partial tiles
  { batch: [], m: 1, k: 1, n: 1, flags: [[false, false]] },
  { batch: [], m: 64, k: 64, n: 64, flags: [[false, false], [false, true], [true, false], [true, true]] }, // vec4 loads, full tiles
  { batch: [2], m: 9, k: 12, n: 20, flags: [[true, false]] }, // mixed: A scalar, B vec4
  { batch: [2, 3], m: 5, k: 8, n: 4, flags: [[false, true]] }, // two batch axes
  { batch: [], m: 260, k: 20, n: 300, flags: [[false, true]] }, // the 128×128 tiling, with partial tiles
]

function shapeOf(batch: number[], rows: number, cols: number, transposed: boolean): number[] {
  return [...batch, ...(transposed ? [cols, rows] : [rows, cols])]
}

describe.skipIf(!WEBGPU_TESTABLE)(`the engine's WGSL matMul on WebGPU (${WEBGPU_TESTABLE ? 'adapter allowed' : WEBGPU_SKIP_REASON})`, () => {
  beforeAll(async () => {
    await useWebgpu()
  })

  for (const c of CASES) {
    for (const [ta, tb] of c.flags) {
      it(`[${c.batch}] ${c.m}×${c.k}·${c.k}×${c.n}, transposeA=${ta}, transposeB=${tb}: tf.matMul matches the CPU backend`, async () => {
        const aShape = shapeOf(c.batch, c.m, c.k, ta)
        const bShape = shapeOf(c.batch, c.k, c.n, tb)
        const av = values(aShape.reduce((x, y) => x * y, 1), 1)
        const bv = values(bShape.reduce((x, y) => x * y, 1), 2)
        const [want] = await onCpu(() => [tf.matMul(tf.tensor(av, aShape), tf.tensor(bv, bShape), ta, tb)])
        const [got] = await expectNoLeak(async () => {
          const a = tf.tensor(av, aShape)
          const b = tf.tensor(bv, bShape)
          const out = await readAll([tf.matMul(a, b, ta, tb)])
          tf.dispose([a, b])
          return out
        })
        expect(worstRelative(got!, want!)).toBeLessThan(TOL)
      })
    }
  }

  it('takes one operand shared by every batch entry (a 2-D B against a 3-D A)', async () => {
    const av = values(3 * 6 * 10, 3)
    const bv = values(10 * 7, 4)
    const [want] = await onCpu(() => [tf.matMul(tf.tensor3d(av, [3, 6, 10]), tf.tensor2d(bv, [10, 7]))])
    const [got] = await readAll([tf.tidy(() => tf.matMul(tf.tensor3d(av, [3, 6, 10]), tf.tensor2d(bv, [10, 7])))])
    expect(worstRelative(got!, want!)).toBeLessThan(TOL)
  })

  const acts: [EpilogueActivation, Parameters<typeof activation>[1] | null][] = [
    ['linear', null],
    ['gelu', 'gelu'],
    ['quick_gelu', 'quick_gelu'],
    ['gelu_tanh', 'gelu_pytorch_tanh'],
  ]
  for (const [act, ref] of acts) {
    it(`bias + ${act} epilogue on x·Wᵀ (odd 7×13·11×13) matches matMul + bias + activation on the CPU`, async () => {
      const [xv, wv, bv] = [values(7 * 13, 5), values(11 * 13, 6), values(11, 7)].map((v) => v.map((x) => x * 3))
      const [want] = await onCpu(() => {
        const y = tf.add(tf.matMul(tf.tensor2d(xv!, [7, 13]), tf.tensor2d(wv!, [11, 13]), false, true), tf.tensor1d(bv!))
        return [ref ? activation(y, ref) : y]
      })
      const [got] = await expectNoLeak(() =>
        readAll([tf.tidy(() => wgslMatMul(tf.tensor2d(xv!, [7, 13]), tf.tensor2d(wv!, [11, 13]), false, true, { bias: tf.tensor1d(bv!), activation: act }))]),
      )
      expect(worstRelative(got!, want!)).toBeLessThan(TOL)
    })
  }

  it('tf.fused.matMul with bias and relu runs on it and matches the CPU backend', async () => {
    const [xv, wv, bv] = [values(5 * 8, 8), values(8 * 12, 9), values(12, 10)]
    const run = (): tf.Tensor[] => [tf.fused.matMul({ a: tf.tensor2d(xv, [5, 8]), b: tf.tensor2d(wv, [8, 12]), bias: tf.tensor1d(bv), activation: 'relu' })]
    const [want] = await onCpu(run)
    const [got] = await readAll(tf.tidy(run))
    expect(worstRelative(got!, want!)).toBeLessThan(TOL)
  })

  it('the gradients of a batched product with transposed B (both through the kernel) match the CPU backend', async () => {
    const av = values(2 * 9 * 6, 11)
    const bv = values(2 * 5 * 6, 12)
    const dv = values(2 * 9 * 5, 13)
    const grads = (): tf.Tensor[] => {
      const f = (a: tf.Tensor, b: tf.Tensor): tf.Tensor => tf.sum(tf.mul(tf.matMul(a, b, false, true), tf.tensor3d(dv, [2, 9, 5])))
      return tf.grads(f)([tf.tensor3d(av, [2, 9, 6]), tf.tensor3d(bv, [2, 5, 6])])
    }
    const want = await onCpu(grads)
    const got = await expectNoLeak(() => readAll(tf.tidy(grads)))
    expect(worstRelative(got[0]!, want[0]!)).toBeLessThan(TOL)
    expect(worstRelative(got[1]!, want[1]!)).toBeLessThan(TOL)
  })
})
