import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { qkvProjections, type ClipAttentionWeights } from '../../../../main/engine/clip/modeling_clip'
import { layerNorm } from '../../../../main/engine/tf/layer_norm'
import { correctionWeights, mixedProjections, rowStats } from '../../../../main/engine/stdd/branch_projections'
import { mixChannels, mixedWidth, mixHead, mixHeads } from '../../../../main/engine/stdd/mixing'
import { expectNoLeak, useWasm } from '../../../helpers/tf'
import { randomTensor } from '../tf/numeric-grad'

beforeAll(async () => {
  await useWasm()
})

const WIDTH = 32
const FOLD = 4 // mixed width 16
const EPS = 1e-5

function weights(seed: number): { attn: ClipAttentionWeights; ln: { weight: tf.Tensor; bias: tf.Tensor }; all: tf.Tensor[] } {
  const lin = (i: number) => ({ weight: randomTensor([WIDTH, WIDTH], seed + i, 0.3), bias: randomTensor([WIDTH], seed + 10 + i, 0.3) })
  const attn = { q_proj: lin(1), k_proj: lin(2), v_proj: lin(3), out_proj: lin(4) }
  const ln = { weight: tf.add(1, randomTensor([WIDTH], seed + 20, 0.3)), bias: randomTensor([WIDTH], seed + 21, 0.3) }
  const all = [...Object.values(attn).flatMap((l) => [l.weight, l.bias]), ln.weight, ln.bias]
  return { attn, ln, all }
}

/** Branch-like tokens: 2 clips × 4 frames, CLS + 6 tokens, with an offset and uneven channel scales (like a residual stream). */
function tokens(seed: number): tf.Tensor3D {
  return tf.tidy(() => tf.add(tf.mul(randomTensor([8, 7, WIDTH], seed), tf.linspace(0.5, 3, WIDTH)), 1.5) as tf.Tensor3D)
}

function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!)
}

/** q|k|v side by side, as the branch packs them. */
const packed = (p: { q: tf.Tensor; k: tf.Tensor; v: tf.Tensor }): tf.Tensor3D => tf.concat([p.q, p.k, p.v], 2) as tf.Tensor3D
/** Projection j (0 = q, 1 = k, 2 = v) of scale i from mixedProjections' [S·N, len, 3·WIDTH]. */
const part = (p: tf.Tensor3D, i: number, j: number, n = 8): tf.Tensor => tf.slice(p, [i * n, 0, j * WIDTH], [n, -1, WIDTH])

describe('branch projections derived from the unmixed tokens', () => {
  it('mixHead is the mixed part of mixChannels, and the rest is unchanged', () => {
    tf.tidy(() => {
      const m = tokens(1)
      const split = mixedWidth(WIDTH, FOLD)
      expect(split).toBe(16)
      for (const scale of [1, 2, 3]) {
        const full = mixChannels(m, 4, 'continual', scale, FOLD)
        expect(maxDiff(tf.slice(full, [0, 0, 0], [-1, -1, split]), mixHead(m, 4, 'continual', scale, FOLD))).toBe(0)
        expect(maxDiff(tf.slice(full, [0, 0, split], [-1, -1, -1]), tf.slice(m, [0, 0, split], [-1, -1, -1]))).toBe(0)
      }
      // all scales at once: stacked scale-major, each equal to its own
      const all = mixHeads(m, 4, 'continual', [1, 2, 3], FOLD)
      expect(all.shape).toEqual([24, 7, split])
      for (const [i, scale] of [1, 2, 3].entries()) expect(maxDiff(tf.slice(all, [i * 8, 0, 0], [8, -1, -1]), mixHead(m, 4, 'continual', scale, FOLD))).toBe(0)
    })
  })

  it('mixes the same on the pure-JS backend (slices) as on WASM (one block assembly), both modes', async () => {
    const onWasm = tf.tidy(() => (['continual', 'separate'] as const).map((mode) => mixHeads(tokens(6), 4, mode, [1, 2], FOLD).arraySync()))
    await tf.setBackend('cpu')
    try {
      const onCpu = tf.tidy(() => (['continual', 'separate'] as const).map((mode) => mixHeads(tokens(6), 4, mode, [1, 2], FOLD).arraySync()))
      expect(onCpu).toEqual(onWasm)
    } finally {
      await tf.setBackend('wasm')
    }
  })

  it('equal the direct LN1 + q/k/v projections of the mixed tokens, for every scale and both modes', async () => {
    const w = weights(3)
    await expectNoLeak(() =>
      tf.tidy(() => {
        const m = tokens(2)
        const split = mixedWidth(WIDTH, FOLD)
        const pm = qkvProjections(layerNorm(m, w.ln, EPS), w.attn)
        const cw = correctionWeights(w.attn, w.ln, split)
        const mHead = tf.slice(m, [0, 0, 0], [-1, -1, split]) as tf.Tensor3D
        for (const mode of ['continual', 'separate'] as const) {
          const scales = [1, 2, 3]
          const derived = mixedProjections(packed(pm), rowStats(m), mHead, mixHeads(m, 4, mode, scales, FOLD), WIDTH, cw, w.ln.weight, EPS)
          expect(derived.shape).toEqual([24, 7, 3 * WIDTH])
          scales.forEach((scale, i) => {
            const direct = qkvProjections(layerNorm(mixChannels(m, 4, mode, scale, FOLD), w.ln, EPS), w.attn)
            ;(['q', 'k', 'v'] as const).forEach((k, j) => {
              const scaleOf = tf.max(tf.abs(direct[k])).dataSync()[0]!
              expect(maxDiff(part(derived, i, j), direct[k]) / scaleOf, `${mode} scale ${scale} ${k}`).toBeLessThan(1e-5)
            })
          })
        }
      }),
    )
    tf.dispose(w.all)
  })

  it('give the same gradients as the direct computation (input, LayerNorm and projection weights)', () => {
    const w = weights(5)
    const m = tokens(4)
    const split = mixedWidth(WIDTH, FOLD)
    const r = randomTensor([8, 7, WIDTH], 9)
    // m, then q/k/v weight and bias, then LayerNorm weight and bias (out_proj plays no part)
    const a = w.attn
    const inputs = [m, a.q_proj.weight, a.q_proj.bias!, a.k_proj.weight, a.k_proj.bias!, a.v_proj.weight, a.v_proj.bias!, w.ln.weight, w.ln.bias]
    const tree = (ts: tf.Tensor[]) => {
      const lin = (i: number) => ({ weight: ts[1 + 2 * i]!, bias: ts[2 + 2 * i]! })
      return { attn: { q_proj: lin(0), k_proj: lin(1), v_proj: lin(2), out_proj: a.out_proj }, ln: { weight: ts[7]!, bias: ts[8]! } }
    }
    const loss = (derive: boolean) => (...ts: tf.Tensor[]) => {
      const { attn, ln } = tree(ts)
      const x = ts[0] as tf.Tensor3D
      const uHead = mixHead(x, 4, 'continual', 2, FOLD)
      const d = derive
        ? mixedProjections(packed(qkvProjections(layerNorm(x, ln, EPS), attn)), rowStats(x), tf.slice(x, [0, 0, 0], [-1, -1, split]) as tf.Tensor3D, uHead, WIDTH, correctionWeights(attn, ln, split), ln.weight, EPS)
        : null
      const p = d ? { q: part(d, 0, 0), k: part(d, 0, 1), v: part(d, 0, 2) } : qkvProjections(layerNorm(mixChannels(x, 4, 'continual', 2, FOLD), ln, EPS), attn)
      return tf.sum(tf.mul(tf.add(tf.add(p.q, tf.mul(p.k, 2)), tf.mul(p.v, 3)), r)) as tf.Scalar
    }
    tf.tidy(() => {
      const direct = tf.grads(loss(false))(inputs)
      const derived = tf.grads(loss(true))(inputs)
      direct.forEach((g, i) => {
        const scaleOf = tf.max(tf.abs(g)).dataSync()[0]!
        expect(scaleOf, `input ${i} has a gradient`).toBeGreaterThan(0)
        expect(maxDiff(derived[i]!, g) / scaleOf, `gradient of input ${i}`).toBeLessThan(1e-4)
      })
    })
    tf.dispose([m, r, ...w.all])
  })
})
