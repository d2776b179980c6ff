import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { packedAttention, scaledDotProductAttention } from '../../../../../main/engine/tf/attention'
import { expectNoLeak } from '../../../../helpers/tf'
import { onCpu, readAll, useWebgpu, values, WEBGPU_SKIP_REASON, WEBGPU_TESTABLE, worstRelative } from '../../../../helpers/webgpu'

const TOL = 2e-5

interface Case {
  b: number
  lq: number
  lk: number
  d: number
  heads: number
}

/** out, the per-head probabilities, and d(Σ out·w)/d(q, k, v). */
function attention(c: Case, seed: number): () => tf.Tensor[] {
  const [qv, kv, vv, wv] = [values(c.b * c.lq * c.d, seed), values(c.b * c.lk * c.d, seed + 1), values(c.b * c.lk * c.d, seed + 2), values(c.b * c.lq * c.d, seed + 3)]
  return () => {
    const [q, k, v] = [tf.tensor3d(qv, [c.b, c.lq, c.d]), tf.tensor3d(kv, [c.b, c.lk, c.d]), tf.tensor3d(vv, [c.b, c.lk, c.d])].map((t) => tf.mul(t, 2) as tf.Tensor3D) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D]
    const { out, probs } = scaledDotProductAttention(q, k, v, { numHeads: c.heads, probs: 'heads' })
    const w = tf.tensor3d(wv, [c.b, c.lq, c.d])
    const grads = tf.grads((a: tf.Tensor, bb: tf.Tensor, cc: tf.Tensor) => tf.sum(tf.mul(scaledDotProductAttention(a as tf.Tensor3D, bb as tf.Tensor3D, cc as tf.Tensor3D, { numHeads: c.heads }).out, w)))([q, k, v])
    return [out, probs!, ...grads]
  }
}

function packed(b: number, l: number, d: number, heads: number, seed: number): () => tf.Tensor[] {
  const [xv, wv] = [values(b * l * 3 * d, seed), values(b * l * d, seed + 1)]
  return () => {
    const qkv = tf.mul(tf.tensor3d(xv, [b, l, 3 * d]), 2) as tf.Tensor3D
    const w = tf.tensor3d(wv, [b, l, d])
    const f = (x: tf.Tensor): tf.Tensor => tf.sum(tf.mul(packedAttention(x as tf.Tensor3D, heads), w))
    return [packedAttention(qkv, heads), ...tf.grads(f)([qkv])]
  }
}

describe.skipIf(!WEBGPU_TESTABLE)(`the engine's WGSL attention on WebGPU (${WEBGPU_TESTABLE ? 'adapter allowed' : WEBGPU_SKIP_REASON})`, () => {
  beforeAll(async () => {
    await useWebgpu()
  })

  const cases: Case[] = [
    { b: 2, lq: 5, lk: 7, d: 12, heads: 3 }, // cross-attention, head width 4
    { b: 1, lq: 70, lk: 70, d: 10, heads: 2 }, // more keys than threads, odd head width 5
    { b: 2, lq: 9, lk: 13, d: 128, heads: 2 }, // head width 64, wider than the workgroup
  ]
  for (const c of cases) {
    it(`B=${c.b}, ${c.lq} queries × ${c.lk} keys, width ${c.d} in ${c.heads} heads: out, probabilities and dq, dk, dv match the tfjs ops on the CPU`, async () => {
      const run = attention(c, c.lq + c.lk)
      const want = await onCpu(run)
      const got = await expectNoLeak(() => readAll(tf.tidy(run)))
      ;['out', 'probs', 'dq', 'dk', 'dv'].forEach((n, i) => expect(worstRelative(got[i]!, want[i]!), n).toBeLessThan(TOL))
    })
  }

  it('packed q|k|v (read in place with a row stride of 3D): out and the packed gradient match the CPU', async () => {
    const run = packed(2, 11, 12, 3, 5)
    const want = await onCpu(run)
    const got = await expectNoLeak(() => readAll(tf.tidy(run)))
    expect(worstRelative(got[0]!, want[0]!), 'out').toBeLessThan(TOL)
    expect(worstRelative(got[1]!, want[1]!), 'dqkv').toBeLessThan(TOL)
  })
})
